"""Text from the store is shown as text on every page that builds HTML from it."""
import pytest
import yaml

from dashboard import store
from dashboard.db import make_engine
from tests.pagetest import open_page, serving

HOSTILE = '<img src=x onerror="alert(1)">北管'


@pytest.fixture(scope="module")
def hostile_store(tmp_path_factory):
    import shutil
    from dashboard.config import DATA_DIR
    folder = tmp_path_factory.mktemp("hostile")
    data = folder / "data"
    shutil.copytree(DATA_DIR, data)
    path = data / "proposals" / "112-J01.yaml"
    record = yaml.safe_load(path.read_text(encoding="utf-8"))
    record["title"] = HOSTILE
    record["lead_units"][0]["unit"] = HOSTILE
    path.write_text(yaml.safe_dump(record, allow_unicode=True, sort_keys=False), encoding="utf-8")
    url = f"sqlite:///{folder / 'store.db'}"
    store.load(make_engine(url), data)
    with serving(url):
        yield url


@pytest.mark.parametrize(("page", "params"), [
    ("card", {"id": "112-J01"}),
    ("groups", {"group": "culture-education"}),
    ("home", {"city": "新北市"}),
    ("meeting", {"item": "112-J01"}),
])
def test_store_text_in_html_is_escaped(hostile_store, page, params):
    at = open_page(page, params)
    assert not at.exception
    html = "\n".join(m.value for m in at.markdown if m.proto.allow_html)
    assert "&lt;img src=x" in html  # the title is there, as text
    assert "<img src=x" not in html


def test_proposal_list_shows_the_title_as_data(hostile_store):
    at = open_page("proposals", {"q": "北管"})
    assert not at.exception
    assert HOSTILE in at.dataframe[0].value["title"].tolist()
