"""Stored text is shown as text: a field holding a blank line and markdown after it ("line, blank
line, an image from another site, a link") shows literally on the card, the meeting page and the
presenter view. A blank line used to end the card's HTML block, after which Streamlit's markdown
rendered the image (fetched by every viewer's browser) and the link.

Each element's body is rendered by a CommonMark parser, as Streamlit's markdown renders it: no
<img> and no link may come from the data."""

import shutil

import pytest
import yaml
from markdown_it import MarkdownIt

from dashboard.datafiles import build
from dashboard.store.config import DATA_DIR
from dashboard.store.db import make_engine
from tests import databases
from tests.pagetest import open_page, serving

IMAGE = "![x](http://example.com/x.png)"
LINK = "[link](http://example.com)"
MARKDOWN = f"line\n\n{IMAGE} {LINK}"
PROPOSAL = "112-J01"  # a joint proposal on the meeting's list: its 說明 is shown there
FIELDS = ["title", "description", "approach", "benefits", "contact", "tracking_reason"]
COMMONMARK = MarkdownIt("commonmark", {"html": True})


@pytest.fixture(scope="module")
def markdown_store(tmp_path_factory):
    folder = tmp_path_factory.mktemp("markdown")
    data = folder / "data"
    shutil.copytree(DATA_DIR, data)
    path = data / "proposals" / f"{PROPOSAL}.yaml"
    record = yaml.safe_load(path.read_text(encoding="utf-8"))
    for field in FIELDS:
        record[field] = f"{record.get(field) or ''}{MARKDOWN}"
    record["progress"] = f"{MARKDOWN}\n{record['progress']}"  # the basis still quotes it
    record["lead_units"][0]["unit"] += LINK
    path.write_text(yaml.safe_dump(record, allow_unicode=True, sort_keys=False), encoding="utf-8")
    url = databases.new_url(folder / "build.db")
    engine = make_engine(url)
    build.load(engine, data)
    engine.dispose()
    with serving(url):
        yield url
    databases.drop(url)


def rendered(at) -> list[str]:
    """Every markdown-bearing element's body as the browser gets it (HTML from CommonMark)."""
    bodies = [m.value for m in at.markdown] + [f"# {t.value}" for t in at.title]
    bodies += [e.value for kind in ("caption", "error", "warning", "info", "success") for e in getattr(at, kind)]
    return [COMMONMARK.render(body) for body in bodies]


@pytest.mark.parametrize(
    "params",
    [
        pytest.param(("card", {"id": PROPOSAL}), id="card"),
        pytest.param(("meeting", {"item": PROPOSAL}), id="meeting"),
        pytest.param(("meeting", {"present": "1", "item": PROPOSAL}), id="presenter"),
    ],
)
def test_markdown_in_a_field_shows_literally(markdown_store, params):
    at = open_page(*params)
    assert not at.exception
    html = "\n".join(rendered(at))
    assert "<img" not in html
    assert 'href="http://example.com' not in html
    # Not vacuous: the text is there, as text (in the HTML, or in st.text on the presenter view).
    shown = html + "\n".join(t.value for t in at.text)
    assert "![x](http://example.com/x.png)" in shown or "!\\[x\\]" in shown
