"""The generated documents as LibreOffice prints them (tests/rendering.py: one conversion per
session): the minutes and the workbooks on A4 paper in the intended orientation, a sane number of
pages, page numbers filled in, table headers on every page; in every Word document, ids and times
on one line and the office's faces.

Needs LibreOffice (`soffice`) and poppler-utils (`pdfinfo`, `pdftotext`, `pdffonts`). Skipped without
them, unless REQUIRE_LIBREOFFICE=1 or REQUIRE_BROWSER=1 (CI), in which case the test fails.
"""

import re

import pytest

from tests.rendering import A4, fonts

pytestmark = pytest.mark.render
ID = re.compile(r"\b11[12]-(?:[CJ]\d\d|\d\d)\b")
TIME = re.compile(r"\d:\d\d[-–]\d\d?:\d\d")


@pytest.fixture(scope="module")
def pdfs(printed) -> dict[str, list[tuple[tuple[int, int], str]]]:
    return printed.pages


def test_the_minutes_print_on_a4_portrait_with_page_numbers_and_repeated_headers(pdfs):
    pages = pdfs["minutes.docx"]
    assert 2 <= len(pages) <= 8, f"{len(pages)} pages for 55 proposals"
    assert {size for size, _ in pages} == {A4}
    for number, (_, text) in enumerate(pages, start=1):
        assert re.search(rf"第 {number} 頁，共 {len(pages)} 頁", text), f"page {number} has its number"
        if ID.search(text):
            assert "項次" in text, f"page {number} repeats the decision table's header"
    whole = "".join(text for _, text in pages)
    assert "紀錄：王小明" in whole and "下次會議由桃園市主辦" in whole and "副首長 ○○○" in whole
    assert len(set(ID.findall(whole))) == 55
    assert "修正後通過" in whole and not re.search("修正後通(?!過)", whole), "a resolution on one line"
    last = [line for line in pages[-1][1].splitlines() if line.strip() and "頁，共" not in line]
    assert len(last) >= 5, f"the last page holds {len(last)} lines: {last}"


@pytest.mark.parametrize("name, header", [("decisions.xlsx", "提案編號"), ("proposals.xlsx", "提案單名稱")])
def test_the_workbooks_print_on_a4_landscape_with_the_header_on_every_page(pdfs, name, header):
    pages = pdfs[name]
    assert 1 <= len(pages) <= 12, f"{len(pages)} pages"
    assert {size for size, _ in pages} == {(A4[1], A4[0])}
    assert all(header in text for _, text in pages)
    assert all(re.search(rf"第 \d+ 頁，共 {len(pages)} 頁", text) for _, text in pages)


# A line that ends inside an id (「112-」, 「111-」) or a time span (「14:00–」), or that starts with an id's
# tail (「C06」, 「J17」): word processors may break after a hyphen or a dash, so ids and times must sit
# in columns wide enough for them and lists of ids must break between ids.
BROKEN = re.compile(r"(?<![\w-])1\d\d-(?=\s|$)|(?<![\w-])[CJ]\d\d\b|\d:\d\d[-–](?=\s|$)")
WORD_DOCUMENTS = ["minutes.docx", "packet.docx", "bundle.docx", "city summaries"]


def _word_documents(printed, kind: str) -> dict[str, list[tuple[tuple[int, int], str]]]:
    if kind == "city summaries":
        return {name: pages for name, pages in printed.pages.items() if name.startswith("city")}
    return {kind: printed.pages[kind]}


@pytest.mark.parametrize("kind", WORD_DOCUMENTS)
def test_no_id_or_time_breaks_across_lines(printed, kind):
    documents = _word_documents(printed, kind)
    broken = [
        f"{name} p.{number}: {line.strip()}"
        for name, pages in documents.items()
        for number, (_, text) in enumerate(pages, start=1)
        for line in text.splitlines()
        if BROKEN.search(line)
    ]
    assert broken == []
    whole = "".join(text for pages in documents.values() for _, text in pages)
    # The packet prints no ids (as the source; its cards' id lines are an option), but times.
    assert ID.search(whole) or TIME.search(whole), "the document prints ids or times at all"


@pytest.mark.parametrize("kind", WORD_DOCUMENTS)
def test_the_documents_print_in_kai_for_chinese_and_times_for_latin(printed, kind):
    """標楷體 prints as AR PL KaitiM Big5 (PostScript name ZenKai-Medium), Times New Roman as
    Liberation Serif (deploy/fonts.conf); another face for either means the widths the columns are
    sized for are not the printed ones. (A symbol the Kai face lacks, such as ☐, may come from another.)"""
    for name in _word_documents(printed, kind):
        faces = fonts(printed.pdf(name))
        assert {"ZenKai-Medium", "LiberationSerif"} <= faces, f"{name}: {sorted(faces)}"


def test_the_city_summaries_count_table_header_stays_on_one_line_per_column(printed):
    """參與合作 on one line (not 參與合 / 作) in every city's printed summary."""
    for name in _word_documents(printed, "city summaries"):
        text = printed.pages[name][0][1]
        header = next(line for line in text.splitlines() if line.strip().startswith("類別"))
        assert "參與合作" in header, f"{name}: {header}"


def test_the_list_download_prints_the_year_apart_from_the_category(pdfs):
    """年度 (a number, centred) and 類別 are printed with room between them, not 「111 111年度列管案」."""
    text = "".join(text for _, text in pdfs["proposals.xlsx"])
    rows = re.findall(r"\b1\d\d-(?:[CJ]\d\d|\d\d) +(1\d\d)( +)(?:1\d\d年度列管案|請求中央協助|八縣市共同合作)", text)
    assert len(rows) == 55 and all(len(gap) >= 2 for _, gap in rows), sorted({len(g) for _, g in rows})
