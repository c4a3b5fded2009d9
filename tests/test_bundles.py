"""A bundle holds exactly the cards its reader expects: a group's (with its sub-groups) or a city's
(it leads or joins), of one cycle. Expected ids are computed from data/proposals/*.yaml, not from
the store the bundle is read from."""

import csv
import io
import re
from datetime import date

import docx
import pytest
import yaml

from dashboard.documents import bundles
from dashboard.domain import vocab
from dashboard.domain.dates import roc_year
from dashboard.store.config import DATA_DIR

ID = re.compile(r"^\d+-(?:[A-Z]\d+|\d+)$")


def _proposals() -> list[dict]:
    return [yaml.safe_load(p.read_text(encoding="utf-8")) for p in sorted((DATA_DIR / "proposals").glob("*.yaml"))]


def _groups() -> list[dict]:
    with (DATA_DIR / "groups.csv").open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


def _cities() -> list[str]:
    with (DATA_DIR / "cities.csv").open(encoding="utf-8") as f:
        return [r["name"] for r in csv.DictReader(f)]


def meeting_cycle() -> int:
    """The cycle of data/: the ROC year of its meeting."""
    meeting = yaml.safe_load((DATA_DIR / "meeting.yaml").read_text(encoding="utf-8"))
    day = meeting["date"] if isinstance(meeting["date"], date) else date.fromisoformat(meeting["date"])
    return roc_year(day.year)


def _in_cycle(p: dict, cycle: int) -> bool:
    return p["year"] == (cycle - 1 if p["track"] == "carried" else cycle)


def expected_group(group_id: str, cycle: int) -> set[str]:
    return {p["id"] for p in _proposals() if _in_cycle(p, cycle) and group_id in (p["group"], p.get("subgroup"))}


def expected_city(city: str, cycle: int) -> set[str]:
    return {
        p["id"]
        for p in _proposals()
        if _in_cycle(p, cycle) and (city in [u["city"] for u in p["lead_units"]] or city in (p.get("cities") or []))
    }


def bundle_ids(content: bytes) -> tuple[list[str], list[str]]:
    """(ids in the contents list, ids of the cards that follow), from the .docx itself."""
    document = docx.Document(io.BytesIO(content))
    contents = document.tables[0]
    assert [c.text for c in contents.rows[0].cells] == ["序號", "編號", "類別", "議題組", "提案名稱", "頁次"]
    listed = [row.cells[1].text for row in contents.rows[1:]]
    cards = [
        p.text.split("　")[0]
        for p in document.paragraphs
        if ID.match(p.text.split("　")[0]) and p.alignment is not None
    ]
    return listed, cards


@pytest.mark.parametrize("group_id", [g["id"] for g in _groups() if g["kind"] != "staff"])
def test_a_group_bundle_holds_its_and_its_sub_groups_cards(session, group_id):
    cycle = meeting_cycle()
    bundle = bundles.group_bundle(session, group=group_id, cycle=cycle)
    expected = expected_group(group_id, cycle)
    assert expected, "every group has proposals in data/"
    listed, cards = bundle_ids(bundles.bundle_docx(session, bundle))
    assert sorted(listed) == sorted(expected) and len(listed) == len(expected)
    assert cards == listed, "one card per listed proposal, in the same order"


def test_a_parent_group_includes_its_sub_groups(session):
    cycle = meeting_cycle()
    parents = {g["parent"] for g in _groups() if g["parent"]}
    for parent in parents:
        children = [g["id"] for g in _groups() if g["parent"] == parent]
        ids = set(bundles.group_bundle(session, group=parent, cycle=cycle).ids)
        assert ids == set().union(*(expected_group(c, cycle) for c in children)) | expected_group(parent, cycle)


@pytest.mark.parametrize("city", _cities())
def test_a_city_bundle_holds_every_proposal_it_leads_or_joins(session, city):
    cycle = meeting_cycle()
    bundle = bundles.city_bundle(session, city=city, cycle=cycle)
    listed, cards = bundle_ids(bundles.bundle_docx(session, bundle))
    expected = expected_city(city, cycle)
    assert sorted(listed) == sorted(expected) and len(listed) == len(expected)
    assert cards == listed


def test_the_cover_names_the_reader_the_year_and_the_count(session):
    cycle = meeting_cycle()
    bundle = bundles.group_bundle(session, group="文化教育組", cycle=cycle)
    document = docx.Document(io.BytesIO(bundles.bundle_docx(session, bundle)))
    cover = "\n".join(p.text for p in document.paragraphs[:3])
    expected = expected_group("culture-education", cycle)
    assert f"{cycle}年度" in cover and "文化教育組　合作提案單彙編" in cover
    assert f"共 {len(expected)} 案" in cover and "含文化組、教育組" in cover


def test_names_are_read_as_people_type_them(session):
    assert bundles.resolve_city(session, "台北市").name == "臺北市"
    assert bundles.resolve_city(session, "taipei").name == "臺北市"
    assert bundles.resolve_group(session, "culture").name == "文化組"
    assert bundles.group_bundle(session, group="文化組").year == meeting_cycle(), "default: the current cycle"


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda s: bundles.group_bundle(s, group="不存在組"), "未知的議題組「不存在組」"),
        (lambda s: bundles.group_bundle(s, group="幕僚組"), "未知的議題組「幕僚組」"),
        (lambda s: bundles.city_bundle(s, city="高雄市"), "未知的縣市「高雄市」；可用：宜蘭縣"),
        (
            lambda s: bundles.city_bundle(s, city="臺北市", cycle=meeting_cycle() + 5),
            f"沒有 {meeting_cycle() + 5} 年度的資料",
        ),
    ],
)
def test_unknown_readers_and_years_are_refused_by_name(session, call, message):
    with pytest.raises(bundles.BundleError, match=message):
        call(session)


def test_a_cycle_without_a_citys_proposals_gives_an_empty_bundle(session):
    """The year before the data's cycle holds no proposals of its own; a bundle of it says so."""
    cycle = meeting_cycle()
    frame = bundles.cycle_frame(session, cycle=cycle - 1)
    assert frame.empty
    bundle = bundles.Bundle("臺北市", "臺北市主辦或參與合作之提案", cycle - 1, bundles.city_rows(frame, city="臺北市"))
    document = docx.Document(io.BytesIO(bundles.bundle_docx(session, bundle)))
    assert "本年度沒有符合的提案" in "\n".join(p.text for p in document.paragraphs)
    assert "共 0 案" in document.paragraphs[1].text


@pytest.mark.render
def test_the_contents_list_names_the_page_each_card_starts_on(printed):
    """The page numbers are fields the word processor fills in; LibreOffice's must match the cards.
    (tests/rendering.py prints culture-education's bundle of the meeting's cycle.)"""
    from tests.rendering import A4

    cycle = meeting_cycle()
    pages = printed.pages["bundle.docx"]
    assert {size for size, _ in pages} == {A4}
    starts = {}  # id -> the page its card's heading is on
    for number, (_, text) in enumerate(pages, start=1):
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        for index, line in enumerate(lines):
            if (re.search(r"合作(?:議題)?提案單$", line) and "彙編" not in line) or line.endswith("年度列管合作方案"):
                after = next(x for x in lines[index + 1 :] if re.match(r"\d+-", x))  # the line 111-01　111年度列管案
                starts[after.split()[0]] = number
    listed = {}  # id -> the page the contents list names
    for line in pages[0][1].splitlines():
        match = re.match(r"\s*\d+\s+(\d+-(?:[A-Z]\d+|\d+))\s.*\s(\d+)\s*$", line)
        if match:
            listed[match.group(1)] = int(match.group(2))
    assert sorted(listed) == sorted(expected_group("culture-education", cycle))
    assert listed == starts
    assert len(set(starts.values())) == len(starts) and min(starts.values()) == 2


def test_an_earlier_years_bundle_stays_whole_once_the_next_year_starts(writable_engine):
    """Bundles of a past cycle read that cycle, not the current one (which the pages default to)."""
    from datetime import time

    from sqlmodel import Session

    from dashboard.domain import cycles
    from dashboard.store.models import Meeting

    cycle = meeting_cycle()
    with Session(writable_engine) as s:
        current = cycles.meeting_of(s, cycle)
        s.add(
            Meeting(
                id="next-cycle",
                name="次年度副首長會議",
                date=date(current.date.year + 1, 10, 23),
                start_time=time(14, 30),
                chair_org=current.chair_org,
                chair=current.chair,
                venue="線上會議",
            )
        )
        s.commit()
        assert cycles.current_cycle(s) == cycle + 1
        city = _cities()[0]
        assert sorted(bundles.city_bundle(s, city=city, cycle=cycle).ids) == sorted(expected_city(city, cycle))
        assert sorted(bundles.group_bundle(s, group="transport", cycle=cycle).ids) == sorted(
            expected_group("transport", cycle)
        )


def test_a_carried_row_without_a_card_is_headed_as_the_tracking_list_prints_it(session):
    """The packet prints 111's carried-over proposals in a list (擬解除列管 111 年度合作方案 …), never
    as a 合作提案單: their pages in a bundle are not headed 「111 年「北臺…」…合作提案單」."""
    cycle = meeting_cycle()
    bundle = bundles.group_bundle(session, group="文化教育組", cycle=cycle)
    document = docx.Document(io.BytesIO(bundles.bundle_docx(session, bundle)))
    headings = [p.text for p in document.paragraphs if p.paragraph_format.page_break_before]
    carried = bundle.rows[bundle.rows["track"] == vocab.CARRIED]
    assert len(carried) == 2 and len(headings) == len(bundle.rows)
    for heading, row in zip(headings, bundle.rows.itertuples()):
        if row.track == vocab.CARRIED:
            assert heading == f"{cycle - 1} 年度列管合作方案\n「文化教育組-教育組」擬解除列管"
        else:
            assert heading.startswith(f"{cycle} 年「北臺區域發展推動委員會」")
            assert re.search(r"」合作(?:議題)?提案單$", heading)  # 112-J06: the source's 合作議題提案單
