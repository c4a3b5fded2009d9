"""A proposal card in a .docx reads like the paper card: its title, every type box, every city box
and every text field, compared with data/ (not with the store the card is built from)."""

import csv
import io

import docx
import pytest
import yaml

from dashboard.documents import card_docx
from dashboard.domain import vocab
from dashboard.store.config import DATA_DIR

CHECKED, UNCHECKED = "■", "☐"
TYPES = [
    "跨縣市實質合作議題",
    "促請中央修正法案",
    "申請中央補助經費",
    "縣市治理經驗與成果分享",
    "其他",
]  # the paper's order


def _data(proposal_id: str) -> dict:
    return yaml.safe_load((DATA_DIR / "proposals" / f"{proposal_id}.yaml").read_text(encoding="utf-8"))


def _cities_in_card_order() -> list[str]:
    with (DATA_DIR / "cities.csv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    return [r["name"] for r in sorted(rows, key=lambda r: int(r["card_order"]))]


def _group_names() -> dict[str, str]:
    with (DATA_DIR / "groups.csv").open(encoding="utf-8") as f:
        return {r["id"]: r["name"] for r in csv.DictReader(f)}


def _render(session, *ids) -> docx.Document:
    return docx.Document(io.BytesIO(card_docx.cards_docx(session, proposal_ids=list(ids))))


def card_fields(table) -> dict[str, list[str]]:
    """label -> the lines of its cell, for a two-column card table."""
    return {row.cells[0].text.split("\n")[0]: [p.text for p in row.cells[1].paragraphs] for row in table.rows}


def _boxes(lines: list[str]) -> dict[str, bool]:
    """Every ■/☐ box in the lines: label -> checked."""
    result = {}
    for line in lines:
        for part in line.replace("　", " ").split():
            if part[0] in (CHECKED, UNCHECKED):
                result[part[1:]] = part[0] == CHECKED
    return result


def _lines(text: str | None) -> list[str]:
    return text.splitlines() if text else ["（未填）"]


@pytest.mark.parametrize("proposal_id", ["112-J01", "112-J02", "112-J19", "112-J34", "112-C01", "112-C07", "112-J06"])
def test_a_card_shows_the_paper_cards_fields_boxes_and_texts(session, proposal_id):
    expected = _data(proposal_id)
    document = _render(session, proposal_id)
    fields = card_fields(document.tables[0])
    groups = _group_names()
    heading = document.paragraphs[0].text
    group = groups[expected["group"]] + (f"-{groups[expected['subgroup']]}" if expected.get("subgroup") else "")
    printed = expected.get("card_heading") or f"「{group}」合作提案單"  # as the source prints it
    assert heading.split("\n") == [f"{expected['year']} 年「北臺區域發展推動委員會」", printed]

    assert fields["合作提案"] == [expected.get("card_title") or expected["title"]]
    assert fields["提案單位"] == [expected.get("card_unit") or expected["lead_units"][0]["unit"]]
    types = _boxes(fields["提案類型"])
    assert types == {t: t in expected["types"] for t in TYPES}
    boxes = _boxes(fields["合作縣市"])
    assert boxes.pop("北臺八縣市") == (expected["cities_scope"] == "all")
    assert boxes.pop("部分縣市") == (expected["cities_scope"] == "partial")
    cities = _cities_in_card_order()
    assert list(boxes) == cities, "the eight cities in the paper's grid order"
    partial = expected["cities_scope"] == "partial"
    assert boxes == {c: partial and c in expected["cities"] for c in cities}
    assert [line.count(UNCHECKED) + line.count(CHECKED) for line in fields["合作縣市"][1:]] == [4, 4], "a 2×4 grid"
    assert fields["說明"] == _lines(expected.get("description"))
    assert fields["具體作法"] == _lines(expected.get("approach"))
    assert fields["合作效益"] == _lines(expected.get("benefits"))
    assert fields["提案聯絡窗口"] == _lines(expected.get("contact"))

    progress = card_fields(document.tables[1])
    assert progress["說明／進度"] == _lines(expected.get("progress"))
    assert progress["列管狀態"][0] == expected["tracking_status"]
    assert progress["進度狀態"] == [expected["progress_status"]]
    assert progress["會議決議"] == ["未決議"]


def test_a_partial_card_checks_exactly_its_cities(session):
    """At least one partial card leaves a city out, so the grid's empty boxes are tested too."""
    fields = card_fields(_render(session, "112-J02").tables[0])
    boxes = _boxes(fields["合作縣市"][1:])
    assert any(boxes.values()) and not all(boxes.values())


def test_a_carried_over_proposal_has_the_tracking_lists_rows_and_its_reason(session):
    expected = _data("111-01")
    document = _render(session, "111-01")
    assert "會議資料未附提案單" in "\n".join(p.text for p in document.paragraphs)
    fields = card_fields(document.tables[0])
    assert fields["合作提案"] == [expected["title"]]
    assert fields["提案單位"] == [expected["lead_units"][0]["unit"]]
    assert "提案類型" not in fields and "合作縣市" not in fields
    tracking = card_fields(document.tables[1])["列管狀態"]
    assert tracking[0] == expected["tracking_status"] and tracking[3:] == expected["tracking_reason"].splitlines()
    assert (
        tracking[1] == f"議題組建議：{vocab.RECOMMEND_DELIST}"
    )  # the group's recommendation, named as the packet does


def test_a_card_with_mutual_aid_has_its_figures(session):
    document = _render(session, "112-J17")
    text = "\n".join(p.text for p in document.paragraphs)
    assert "跨區救災救護支援及轉報統計" in text
    with (DATA_DIR / "mutual_aid.csv").open(encoding="utf-8") as f:
        rows = [r for r in csv.DictReader(f)]
    aid = document.tables[-1]
    assert [c.text for c in aid.rows[0].cells][:2] == ["請求縣市", "支援縣市"]
    assert len(aid.rows) - 1 == len(rows)
    assert sorted(int(r.cells[2].text) for r in aid.rows[1:]) == sorted(int(r["fire"]) for r in rows)


def test_each_card_starts_a_page_and_the_document_is_a4_portrait(session):
    ids = ["112-J01", "111-01", "112-C01"]
    document = _render(session, *ids)
    headings = [p for p in document.paragraphs if "合作提案單" in p.text]
    assert len(headings) == len(ids)
    assert [bool(p.paragraph_format.page_break_before) for p in headings] == [False, True, True]
    section = document.sections[0]
    assert (round(section.page_width.cm, 1), round(section.page_height.cm, 1)) == (21.0, 29.7)
    assert (
        document.styles["Normal"].element.rPr.rFonts.get(
            "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia"
        )
        == "標楷體"
    )


def test_add_card_after_content_and_an_unknown_id(session):
    document = card_docx.new_document()
    document.add_paragraph("封面")
    card_docx.add_cards(document, session, proposal_ids=["112-J01"])
    assert [p for p in document.paragraphs if "合作提案單" in p.text][0].paragraph_format.page_break_before
    with pytest.raises(LookupError, match="112-X99"):
        card_docx.add_card(document, session, proposal_id="112-X99")


def test_the_decision_in_force_and_its_note_are_on_the_card(writable_engine):
    from datetime import UTC, datetime

    from sqlmodel import Session

    from dashboard.domain import decisions
    from dashboard.domain.permissions import Actor

    with Session(writable_engine) as s:
        at = datetime(2023, 8, 8, 7, 12, tzinfo=UTC)
        decisions.record(s, proposal_id="112-J02", resolution="保留", actor=Actor.secretariat("祕書甲"), now=at)
        decisions.record(
            s,
            proposal_id="112-J02",
            resolution="修正後通過",
            note="第一行\n第二行",
            actor=Actor.secretariat("祕書乙"),
            now=at.replace(minute=20),
        )
        fields = card_fields(_render(s, "112-J02").tables[1])
    assert fields["會議決議"][0].startswith("修正後通過（") and "由祕書乙記錄" in fields["會議決議"][0]
    assert fields["會議決議"][1:] == ["第一行", "第二行"]
