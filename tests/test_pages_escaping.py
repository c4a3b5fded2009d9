"""Text from the store is shown as text on every page that builds HTML from it.

A copy of data/ gets a hostile string in every kind of text field a page shows: proposal texts and
units, group names and host agencies, meeting log entries, indicator labels, units and notes, the
meeting's name and venue; decisions and the meeting record get one in their notes and names.
"""

import csv
import re
import shutil

import pytest
import yaml
from sqlmodel import Session

from dashboard.datafiles import build
from dashboard.domain import meeting_record
from dashboard.domain.permissions import Actor
from dashboard.store.config import DATA_DIR
from dashboard.store.db import make_engine
from tests import databases
from tests.pagetest import decision, open_page, serving

HOSTILE = '<img src=x onerror="alert(1)">北管'
ESCAPED = "&lt;img src=x"
PROPOSAL_TEXTS = [
    "title",
    "card_title",
    "description",
    "approach",
    "benefits",
    "contact",
    "card_unit",
    "central_ministry",
    "tracking_reason",
]


def _hostile_proposal(path) -> None:
    record = yaml.safe_load(path.read_text(encoding="utf-8"))
    for field in PROPOSAL_TEXTS:
        if record.get(field) or field in ("title", "card_title"):
            record[field] = f"{HOSTILE}{record.get(field) or ''}"
    if record.get("progress"):  # the progress basis is quoted from the rest, which stays as it was
        record["progress"] = f"{HOSTILE}\n{record['progress']}"
    for lead in record["lead_units"]:
        lead["unit"] = HOSTILE + lead["unit"]
    if record.get("card_unit"):
        record["card_unit"] = record["lead_units"][0]["unit"]
    path.write_text(yaml.safe_dump(record, allow_unicode=True, sort_keys=False), encoding="utf-8")


def _hostile_csv(path, changes: dict) -> None:
    """Prefix HOSTILE to the columns of rows matching changes {column: (match column, value)}."""
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    for row in rows:
        for column, (key, value) in changes.items():
            if row[key] == value and row[column]:
                row[column] = HOSTILE + row[column]
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


@pytest.fixture(scope="module")
def hostile_store(tmp_path_factory):
    folder = tmp_path_factory.mktemp("hostile")
    data = folder / "data"
    shutil.copytree(DATA_DIR, data)
    for pid in ["112-J01", "112-J17", "112-C01", "111-13"]:
        _hostile_proposal(data / "proposals" / f"{pid}.yaml")
    _hostile_csv(data / "groups.csv", {"name": ("id", "disaster"), "host_agency": ("id", "disaster")})
    _hostile_csv(data / "group_meetings.csv", {"name": ("group", "disaster")})
    _hostile_csv(
        data / "indicators.csv",
        {"label": ("proposal", "112-J01"), "unit": ("proposal", "112-J01"), "note": ("proposal", "112-J01")},
    )
    meeting = yaml.safe_load((data / "meeting.yaml").read_text(encoding="utf-8"))
    meeting["venue"] = HOSTILE
    meeting["name"] = HOSTILE + meeting["name"]
    (data / "meeting.yaml").write_text(yaml.safe_dump(meeting, allow_unicode=True, sort_keys=False), encoding="utf-8")

    url = databases.new_url(folder / "build.db")
    engine = make_engine(url)
    build.load(engine, data)
    with Session(engine) as s:
        s.add(decision("112-J01", "保留", note=HOSTILE, by=HOSTILE[:40]))
        s.commit()
        meeting_record.record(
            s,
            meeting_id=meeting["id"],
            actor=Actor.secretariat("祕書處"),
            minutes_taker=HOSTILE[:40],
            attendance={"taipei": HOSTILE},
            conclusions=HOSTILE,
        )
    engine.dispose()
    with serving(url):
        yield url
    databases.drop(url)


@pytest.mark.parametrize(
    ("page", "params"),
    [
        ("card", {"id": "112-J01"}),
        ("card", {"id": "112-J17"}),
        ("card", {"id": "112-C01"}),
        ("card", {"id": "111-13"}),
        ("groups", {}),
        ("groups", {"group": "disaster"}),
        ("groups", {"group": "public-safety"}),
        ("home", {}),
        ("home", {"city": "新北市"}),
        ("meeting", {"item": "112-J01"}),
        ("meeting", {"present": "1", "item": "112-J01"}),
        ("map", {}),
    ],
)
def test_store_text_in_html_is_escaped(hostile_store, page, params):
    at = open_page(page, params)
    assert not at.exception
    html = "\n".join(m.value for m in at.markdown if m.proto.allow_html)
    assert "<img src=x" not in html
    # Plain markdown drops raw HTML (the text would vanish) unless it is escaped as \<img.
    plain = [m.value for m in at.markdown if not m.proto.allow_html and re.search(r"(?<!\\)<img src=x", m.value)]
    assert plain == []


@pytest.mark.parametrize(
    ("page", "params", "shown"),
    [
        ("card", {"id": "112-J01"}, ["title", "units", "texts", "indicators", "decision note"]),
    ],
)
def test_hostile_text_is_there_as_text(hostile_store, page, params, shown):
    """The escaping test above is not vacuous: the hostile text reaches these pages, escaped."""
    at = open_page(page, params)
    html = "\n".join(m.value for m in at.markdown if m.proto.allow_html)
    assert html.count(ESCAPED) >= len(shown)


@pytest.mark.parametrize(
    ("page", "params", "shown"),
    [
        ("groups", {}, ["group name", "host agency"]),
        ("groups", {"group": "disaster"}, ["title", "units"]),
        ("home", {"city": "新北市"}, ["title"]),
    ],
)
def test_hostile_text_is_there_as_data(hostile_store, page, params, shown):
    """Lists are data frames: the hostile text is there as a cell value, drawn as text by the grid."""
    at = open_page(page, params)
    assert not at.exception
    cells = [str(v) for frame in at.dataframe for column in frame.value.columns for v in frame.value[column]]
    assert sum(cell.count(HOSTILE) for cell in cells) >= len(shown)


def test_proposal_list_shows_the_title_as_data(hostile_store):
    at = open_page("proposals", {"q": "北管"})
    assert not at.exception
    assert any(title.startswith(HOSTILE) for title in at.dataframe[0].value["title"].tolist())
