"""The 112 meeting packet read as a clerk reads it, every page of it, as LibreOffice prints it
(tests/rendering.py `printed`: one conversion per session): A4 paper; no page holding only a few
lines (the tail of a section or a card cut off by a page break), no heading, caption or lead-in
sentence left at a page's foot apart from what it introduces; no word broken inside a header or
name cell (交通運輸/組, 對應中央部/會, 桃園市政/府); a page number on every page but the back page.
Then what every generated .docx and .xlsx says about itself (title, author, created, modified,
language) and the faces they name and print with.

Marked render: none of it depends on the database engine (the PostgreSQL pass leaves it out).
"""

import io
import re
import zipfile
from datetime import UTC, datetime, timedelta

import pytest
from docx import Document
from docx.oxml.ns import qn
from openpyxl import load_workbook

from dashboard.documents import word
from tests.rendering import A4, fonts

pytestmark = pytest.mark.render

FOOTER = re.compile(r"^\s*第 \d+ 頁，共 \d+ 頁\s*$")
MIN_LINES = 5  # fewer lines than this on a page reads as a mistake


def _lines(text: str) -> list[str]:
    """The page's printed lines, without blank lines and the page number."""
    return [line.rstrip() for line in text.splitlines() if line.strip() and not FOOTER.match(line)]


def _content(pages: list[tuple[tuple[int, int], str]]) -> list[list[str]]:
    """Each page's lines without the table header repeated at its top (the leading lines the page
    before prints too, spaced alike or not)."""
    result = []
    for number, (_, text) in enumerate(pages):
        lines = _lines(text)
        if number:
            before = {" ".join(line.split()) for line in _lines(pages[number - 1][1])}
            repeated = 0
            while repeated < len(lines) and " ".join(lines[repeated].split()) in before:
                repeated += 1
            lines = lines[repeated:]
        result.append(lines)
    return result


@pytest.fixture(scope="module")
def pages(printed):
    return printed.pages["packet.docx"]


def test_every_page_is_a4_portrait(pages):
    assert len(pages) > 40, "the 112 packet, with its 42 cards"
    assert [n for n, (size, _) in enumerate(pages, start=1) if size != A4] == []


def test_no_page_holds_only_a_few_lines(pages):
    """The back page (the organisers) is laid out alone on purpose; every other page holds at least
    MIN_LINES lines besides a repeated table header: no tail of a table, row or card pushed over."""
    short = [
        f"p.{number}: {' / '.join(line.strip() for line in lines)}"
        for number, lines in enumerate(_content(pages[:-1]), start=1)
        if len(lines) < MIN_LINES
    ]
    assert short == []


# Headings and captions wherever they print; a sentence ending in a colon only at the margin (a
# paragraph of the text: in a table cell, a page may break between a list's lines).
LEAD_IN = re.compile(
    r"^\s*(相關數據|辦理情形|跨區救災救護支援及轉報統計.*|.*協請其他縣市支援之數量.*|統計區間：.*"
    r"|（[一二三四五六七八九十]+）.*共 ?\d+ ?案）?|[一二三四五六七八九十]+、.*)\s*$"
    r"|^ {0,8}\S.*：\s*$"
)


FIGURES = re.compile(r"協請其他縣市支援之數量|統計區間：|^\s*(項次\s+)?縣市\s")  # a statistics table in a cell


def test_no_heading_or_lead_in_is_left_at_a_page_foot(pages):
    """A heading, a table's caption or the sentence leading into a table prints on the page of what it
    introduces (J17's statistics on p.36–37): no page ends with a heading or a sentence ending in a
    colon at the margin, nor with a cell's sentence ending in a colon when the next page starts with
    the statistics it leads into."""
    content = _content(pages[:-1])
    stranded = [
        f"p.{number}: {lines[-1].strip()}"
        for number, (lines, following) in enumerate(zip(content, content[1:] + [[]]), start=1)
        if lines
        and (LEAD_IN.match(lines[-1]) or (lines[-1].endswith("：") and following and FIGURES.search(following[0])))
    ]
    assert stranded == []


def test_the_back_page_has_no_page_number_and_every_other_page_has_one(pages):
    *body, (_, back) = pages
    assert "主辦單位" in back and "執行單位" in back
    assert not re.search(r"第 \d+ 頁", back)
    numbered = [n for n, (_, text) in enumerate(body, start=1) if not re.search(rf"第 {n} 頁，共 \d+ 頁", text)]
    assert numbered == []


# --- words in header and name cells ----------------------------------------------------------

# The columns holding names (groups, agencies, cities, ministries), which break between words only;
# titles and texts may break anywhere, as Chinese text does.
NAME_COLUMNS = ("議題組別", "主辦單位", "提案單位", "對應中央部會", "組別", "縣市", "請求縣市", "支援縣市", "對方縣市")
SEPARATORS = re.compile(r"[\s\-–、，,()（）]+")


def _words(text: str) -> set[str]:
    """The words of a name: split at separators, an agency after its government (新北市政府|交通局)."""
    found = set()
    for part in SEPARATORS.split(text.replace("政府", "政府 ")):
        if len(part) >= 2 and not part.isascii():
            found.add(part)
    return found


def name_lines(document) -> set[str]:
    """The lines of every header cell (a header row, a card's label column) and name cell, as the
    document writes them (a cell's lines are its paragraphs). A table's header rows are its leading
    rows marked to repeat: a statistics table's caption row, then its column labels; a card's is its
    title row (合作提案 ‹名稱›), its labels down the first column."""
    lines: set[str] = set()
    for table in _tables(document):
        rows = table.rows
        if not rows:
            continue
        headers = 0
        while headers < len(rows) and _is_header(rows[headers]):
            headers += 1
        if headers and rows[0].cells[0].text != "合作提案":
            labels = [c.text.replace("\n", "") for c in rows[headers - 1].cells]
            columns = [i for i, label in enumerate(labels) if label.startswith(NAME_COLUMNS)]
            lines |= {line for row in rows[:headers] for cell in row.cells for line in cell.text.split("\n")}
            body = rows[headers:]
        else:  # a card (its title row repeated or not) or a table of labels down its first column
            columns, body = [0], rows
        for row in body:
            cells = row.cells
            for i in columns:
                if i < len(cells):
                    lines |= set(cells[i].text.split("\n"))
    return {line.strip() for line in lines if line.strip()}


def _is_header(row) -> bool:
    return row._tr.trPr is not None and row._tr.trPr.find(qn("w:tblHeader")) is not None


def _tables(document):
    """Every table, those inside cells too (the statistics in a progress cell)."""
    found = list(document.tables)
    for table in found:
        for row in table.rows:
            for cell in row.cells:
                found += [t for t in cell.tables if t not in found]
    return found


TOKEN = re.compile(r"\S+")
NARROW = 8  # characters: a line this short is a narrow column's, where names must not break


def intended_breaks(document) -> set[tuple[str, str]]:
    """The pairs of lines a header or name cell writes one under the other (提案 / 單位)."""
    pairs = set()
    for table in _tables(document):
        for row in table.rows:
            for cell in row.cells:
                lines = [line.strip() for line in cell.text.split("\n")]
                pairs |= set(zip(lines, lines[1:]))
    return pairs


def broken_words(text: str, names: set[str], intended: set[tuple[str, str]] = frozenset()) -> list[str]:
    """Where a line of a header or name cell (`names`) wraps inside a word: a line of the page
    printing the start of the name, the next line printing the rest at the same column, the break
    inside one of the name's words (文化教育組-/教育組 breaks between words, as intended)."""
    lines = text.splitlines()
    found = set()
    for upper, lower in zip(lines, lines[1:]):
        starts = {m.start(): m.group() for m in TOKEN.finditer(lower)}
        for m in TOKEN.finditer(upper):
            head = m.group()
            tail = next((starts[c] for c in (m.start(), m.start() - 1, m.start() + 1) if c in starts), None)
            if tail is None or any((head, tail[: len(b)]) == (a, b) for a, b in intended if a == head):
                continue
            for name in names:
                if not (len(head) < len(name) and name.startswith(head) and (head + tail).startswith(name)):
                    continue
                at = 0
                for w in SEPARATORS.split(name.replace("政府", "政府 ")):
                    if not w:
                        continue
                    at = name.index(w, at)
                    if at < len(head) < at + len(w):
                        found.add(f"{head}/{tail} ({name})")
                    at += len(w)
    return sorted(found)


def test_the_word_finder_finds_a_broken_word():
    text = "1    交通運輸   新北市政   交通部「公共運\n     組      府交通局   輸月票」\n"
    names = {"交通運輸組", "新北市政府交通局", "交通部"}
    assert broken_words(text, names) == ["交通運輸/組 (交通運輸組)", "新北市政/府交通局 (新北市政府交通局)"]
    assert broken_words("     交通運輸組   新北市政府\n              交通局\n", names) == []
    assert broken_words("   文化教育組-\n   教育組   \n", {"文化教育組-教育組"}) == []


def test_no_word_breaks_inside_a_header_or_name_cell(printed, pages):
    document = Document(printed.folder / "packet.docx")
    names, intended = name_lines(document), intended_breaks(document)
    assert {"交通運輸組", "中央部會", "桃園市政府", "提案單位", "縣市"} <= names, "the packet's names are collected"
    broken = [
        f"p.{number}: {where}"
        for number, (_, text) in enumerate(pages, start=1)
        for where in broken_words(text, names, intended)
    ]
    assert broken == []


# --- file properties and faces ---------------------------------------------------------------


def _documents(session) -> dict[str, bytes]:
    """Every .docx and .xlsx the dashboard generates."""
    from dashboard.documents import bundles, card_docx, city_summary, export, minutes, packet, update_sheet
    from dashboard.domain import cycles, queries

    engine = session.get_bind()
    cycle = cycles.current_cycle(session)
    frame = queries.proposals_frame(session)
    return {
        "packet.docx": packet.packet_docx(session, cycle=cycle),
        "minutes.docx": minutes.docx_from(engine),
        "cards.docx": card_docx.cards_docx(session, proposal_ids=["112-J03", "111-01"]),
        "bundle.docx": bundles.bundle_docx(
            session, bundles.group_bundle(session, group="culture-education", cycle=cycle)
        ),
        "city.docx": city_summary.summary_docx(city_summary.summary(session, city="新北市", cycle=cycle)),
        "decisions.xlsx": minutes.xlsx_from(engine),
        "proposals.xlsx": export.xlsx_bytes(export.proposals_download(frame)),
        "update.xlsx": update_sheet.workbook(session, scope=update_sheet.Scope(cycle=cycle, group=None)),
    }


@pytest.fixture(scope="module")
def generated(loaded_engine):
    from sqlmodel import Session

    before = datetime.now(UTC)
    with Session(loaded_engine) as s:
        files = _documents(s)
    return before, datetime.now(UTC), files


def _properties(name: str, content: bytes):
    """(title, author, created, modified, language) as the file states them."""
    if name.endswith(".docx"):
        p = Document(io.BytesIO(content)).core_properties
        return p.title, p.author, p.created, p.modified, p.language
    p = load_workbook(io.BytesIO(content)).properties
    return p.title, p.creator, p.created, p.modified, p.language


@pytest.mark.parametrize(
    "name",
    ["packet.docx", "minutes.docx", "cards.docx", "bundle.docx", "city.docx"]
    + ["decisions.xlsx", "proposals.xlsx", "update.xlsx"],
)
def test_every_file_names_its_title_author_time_and_language(generated, name):
    before, after, files = generated
    title, author, created, modified, language = _properties(name, files[name])
    assert title and "python" not in title.lower()
    assert author == word.AUTHOR
    for moment in (created, modified):
        moment = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment
        assert before - timedelta(seconds=1) <= moment <= after + timedelta(seconds=1), (
            f"{moment} is the generation time"
        )
    assert language == word.LANGUAGE == "zh-TW"
    package = zipfile.ZipFile(io.BytesIO(files[name]))
    assert not [part for part in package.namelist() if b"python-docx" in package.read(part)]


@pytest.mark.parametrize("name", ["packet.docx", "minutes.docx", "cards.docx", "bundle.docx", "city.docx"])
def test_every_word_document_names_the_office_faces_in_traditional_chinese(generated, name):
    document = Document(io.BytesIO(generated[2][name]))
    for properties in (
        document.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr")),
        document.styles["Normal"].element.rPr,
    ):
        fonts_ = properties.find(qn("w:rFonts"))
        assert fonts_.get(qn("w:eastAsia")) == "標楷體"
        assert fonts_.get(qn("w:ascii")) == fonts_.get(qn("w:hAnsi")) == "Times New Roman"
        assert properties.find(qn("w:lang")).get(qn("w:eastAsia")) == "zh-TW"
    table = zipfile.ZipFile(io.BytesIO(generated[2][name])).read("word/fontTable.xml").decode()
    assert 'w:name="標楷體"' in table and 'w:name="Times New Roman"' in table


def test_the_packet_prints_in_the_stand_ins_of_kai_and_times(printed):
    """AR PL KaitiM Big5 (ZenKai-Medium) for 標楷體 and Liberation Serif for Times New Roman, with the
    widths the columns are sized for (deploy/fonts.conf); never DejaVu Serif or a sans face for text.
    Only what the Kai face lacks comes from elsewhere, as fonts.conf says: 峯 (outside Big5) from
    Noto Serif CJK, ☐ from DejaVu Sans, the one face here that has it."""
    faces = fonts(printed.pdf("packet.docx"))
    assert {"ZenKai-Medium", "LiberationSerif", "LiberationSerif-Bold"} <= faces
    others = {f for f in faces if f not in {"ZenKai-Medium", "LiberationSerif", "LiberationSerif-Bold", "DejaVuSans"}}
    assert all(f.startswith("NotoSerifCJK") for f in others), sorted(faces)
