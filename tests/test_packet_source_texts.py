"""The packet's texts as the source prints them (issue 21): Latin phrases keep their spaces, the
source's paragraph breaks stay, C06 names two ministries, the back page adds nothing, and J32's
table prints the source's 苗粟縣 with the correction under it.

Expected texts are the source's, copied into tests/packet_facts.py; CJK passages are compared
without whitespace (the PDF dump breaks lines and spaces digits at random), Latin phrases word for
word. When the source dump is at hand (../shared/seeds, beside the repository), the copied passages
are checked against it as well. The packet is built once per module from the loaded store (both
engines); the card view is read once per card with AppTest.
"""

import io
import re
from pathlib import Path

import pytest
import yaml
from docx import Document
from docx.oxml.ns import qn
from docx.table import Table
from docx.text.paragraph import Paragraph
from sqlmodel import Session

from dashboard.documents import packet
from dashboard.store.config import DATA_DIR
from tests import packet_facts as facts
from tests.pagetest import open_page

YEAR = 112
# The source dump, in ../shared/seeds of the repository (or of a folder above a worktree of it).
SOURCES = [folder / "shared" / "seeds" / "000_8c93cfb7956a197c.txt" for folder in Path(__file__).resolve().parents[1:]]
LATIN_WORD = re.compile(r"[A-Za-z]{2,}")


def flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


def spaced(text: str) -> str:
    """Runs of whitespace as one space: how a Latin phrase is compared, word for word."""
    return re.sub(r"\s+", " ", text)


def paragraphs_in(parent, element) -> list[str]:
    """Every paragraph's text under `element` in document order, nested tables' too (a merged cell once)."""
    found = []
    for child in element.iterchildren():
        if child.tag == qn("w:p"):
            found.append(Paragraph(child, parent).text)
        elif child.tag == qn("w:tbl"):
            for row in Table(child, parent).rows:
                seen = set()
                for cell in row.cells:
                    if id(cell._tc) not in seen:
                        seen.add(id(cell._tc))
                        found.extend(paragraphs_in(cell, cell._tc))
    return found


def body_tables(document) -> list[Table]:
    return [Table(child, document) for child in document.element.body.iterchildren() if child.tag == qn("w:tbl")]


def cell_paragraphs(cell) -> list[str]:
    """The cell's own paragraphs with text (not those of tables inside it)."""
    return [p.text for p in cell.paragraphs if p.text.strip()]


def card(document, title: str) -> dict[str, list[str]]:
    """The 合作提案單 titled `title`: its rows by label (whitespace and a hint in brackets left
    out: 合作效益(以條列式) is 合作效益), each its paragraphs."""
    for table in body_tables(document):
        first = table.rows[0].cells
        if len(first) >= 2 and flat(first[0].text) == "合作提案" and flat(first[1].text) == flat(title):
            return {
                re.sub(r"\(.*\)$", "", flat(row.cells[0].text)): cell_paragraphs(row.cells[-1]) for row in table.rows
            }
    raise AssertionError(f"no card titled {title!r}")


def table_row(document, track_header: str, item_no: int):
    """The row of 項次 `item_no` in the discussion table whose header has `track_header` (one table)."""
    (table,) = [t for t in body_tables(document) if track_header in [flat(c.text) for c in t.rows[0].cells]]
    (row,) = [r for r in table.rows[1:] if r.cells[0].text.strip() == str(item_no)]
    return [flat(c.text) for c in table.rows[0].cells], row


def joint_progress(document, item_no: int):
    """The 說明/進度 cell of 八縣市共同合作 項次 `item_no` (the joint table: no 對應中央部會 column)."""
    tables = [
        t
        for t in body_tables(document)
        if [flat(c.text) for c in t.rows[0].cells] == ["項次", "議題組別", "提案單位", "提案名稱", "說明/進度"]
    ]
    (table,) = tables
    (row,) = [r for r in table.rows[1:] if r.cells[0].text.strip() == str(item_no)]
    return row.cells[-1]


@pytest.fixture(scope="module")
def docx(loaded_engine):
    with Session(loaded_engine) as s:
        return Document(io.BytesIO(packet.packet_docx(s, cycle=YEAR)))


@pytest.fixture(scope="module")
def texts(docx) -> list[str]:
    return paragraphs_in(docx, docx.element.body)


def card_title(pid: str) -> str:
    """The card's title: data/'s card_title where the card's differs from the tables'."""
    p = yaml.safe_load((DATA_DIR / "proposals" / f"{pid}.yaml").read_text(encoding="utf-8"))
    return p.get("card_title") or p["title"]


# --- Latin phrases, word for word -----------------------------------------------------------


@pytest.mark.parametrize(("phrase", "times"), sorted(facts.SOURCE_LATIN_PHRASES.items()))
def test_every_latin_phrase_of_the_source_with_its_spaces(texts, phrase, times):
    printed = spaced("\n".join(texts))
    assert printed.count(phrase) >= times, f"「{phrase}」 printed {printed.count(phrase)} times, the source {times}"


def test_no_latin_words_run_together(texts):
    """A Latin word of the packet that is no word of the source is two of its words without the space."""
    printed = {word for text in texts for word in LATIN_WORD.findall(text)}
    assert printed - facts.SOURCE_LATIN_WORDS == set()


@pytest.mark.parametrize(("pid", "label", "phrase"), facts.CARD_LATIN)
def test_latin_phrases_on_the_cards(docx, pid, label, phrase):
    assert phrase in spaced("\n".join(card(docx, card_title(pid))[label]))


@pytest.mark.parametrize(("pid", "phrase"), facts.TABLE_LATIN)
def test_latin_phrases_in_the_tables(docx, pid, phrase):
    item_no = int(pid.rsplit("J", 1)[1])
    assert phrase in spaced(joint_progress(docx, item_no).text)


# --- paragraphs, names and lines as the source breaks them ----------------------------------


@pytest.mark.parametrize(("pid", "label"), sorted(facts.CARD_PARAGRAPHS))
def test_card_paragraphs_break_where_the_source_does(docx, pid, label):
    printed = card(docx, card_title(pid))[label]
    assert [flat(p) for p in printed] == [flat(p) for p in facts.CARD_PARAGRAPHS[(pid, label)]]


def test_c06_names_two_ministries(docx):
    header, row = table_row(docx, "對應中央部會", 6)
    cell = row.cells[header.index("對應中央部會")]
    assert cell_paragraphs(cell) == facts.C06_MINISTRIES


def test_the_back_page_as_the_source_prints_it(docx):
    body = [Paragraph(c, docx).text for c in docx.element.body.iterchildren() if c.tag == qn("w:p")]
    printed = [text for text in body if text.strip()][-len(facts.BACK_PAGE) :]
    assert [flat(t) for t in printed] == [flat(t) for t in facts.BACK_PAGE]


def test_mutual_aid_captions_as_printed(docx):
    """Each caption in the first row of its table (a row across the table's columns)."""
    tables = joint_progress(docx, 17).tables
    captions = [flat(t.rows[0].cells[0].text) for t in tables if "協請其他縣市" in t.rows[0].cells[0].text]
    assert captions == facts.MUTUAL_AID_CAPTIONS


def test_a_misprinted_city_as_the_source_with_the_correction_noted(docx):
    cell = joint_progress(docx, int(facts.GREEN_TOURISM_PROPOSAL.rsplit("J", 1)[1]))
    (table,) = cell.tables
    cities = [row.cells[0].text for row in table.rows[1:-1]]
    assert cities == [facts.GREEN_TOURISM_PRINTED_AS.get(city, city) for city, *_ in facts.GREEN_TOURISM]
    notes = [t for t in cell_paragraphs(cell) if "誤植" in t]
    assert notes == ["註：表中「苗粟縣」為「苗栗縣」之誤植，照原表列印。"]


# --- the copied passages are the source's ---------------------------------------------------


@pytest.fixture(scope="module")
def source() -> str:
    found = [path for path in SOURCES if path.exists()]
    if not found:
        pytest.skip("the source dump (../shared/seeds) is not beside the repository")
    return found[0].read_text(encoding="utf-8")


def test_the_latin_phrases_and_words_are_the_sources(source):
    joined = spaced(source)
    phrases = re.findall(r"[A-Za-z]+(?: [A-Za-z]+)+", joined)
    assert {p: phrases.count(p) for p in set(phrases)} == facts.SOURCE_LATIN_PHRASES
    assert set(LATIN_WORD.findall(joined)) == facts.SOURCE_LATIN_WORDS


def test_the_copied_passages_are_in_the_source(source):
    # the running head of a card's later pages (「合作提案 <名稱>」) is left out: it breaks a passage
    lines = [line.strip() for line in source.splitlines() if line.strip() and not line.strip().startswith("合作提案 ")]
    body = flat("".join(lines))
    passages = [
        *(p for paragraphs in facts.CARD_PARAGRAPHS.values() for p in paragraphs),
        *facts.BACK_PAGE,
        *facts.MUTUAL_AID_CAPTIONS,
        "內政部國家住都中心",
        "苗粟縣000",
    ]
    assert [p for p in passages if flat(p) not in body] == []
    for pid, label, phrase in facts.CARD_LATIN:
        assert flat(phrase) in body, (pid, label)
    # where the packet starts a new paragraph, the dump ends a line and starts the next (its last and
    # first few characters: a line may hold only the end of a paragraph)
    for paragraphs in facts.CARD_PARAGRAPHS.values():
        for before, after in zip(paragraphs, paragraphs[1:], strict=False):
            assert any(
                flat(before).endswith(flat(a)[-6:]) and flat(after).startswith(flat(b)[:6])
                for a, b in zip(lines, lines[1:], strict=False)
            ), (before[-12:], after[:12])


# --- the card on screen ---------------------------------------------------------------------


def test_the_card_view_shows_the_source_texts(store_url):
    """One card per run: J15's phrase with its spaces, J29's two paragraphs, C06's two ministries."""
    expected = {
        "112-J15": ["National Accreditation Process"],
        "112-J29": ["時間: 預計112年11月中旬<br>效益: "],
        "112-C06": ["內政部<br>國家住都中心"],
    }
    for pid, parts in expected.items():
        at = open_page("card", {"id": pid})
        assert not at.exception
        html = "\n".join(m.value for m in at.markdown if "bt-card" in m.value and "<style>" not in m.value)
        for part in parts:
            assert part in html, (pid, part)
