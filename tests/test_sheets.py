"""Downloads of the proposal list and the CLI's CSV export: typed text never runs as a formula,
a proposal without a decision reads 未決議, and the workbook prints on A4 landscape."""

import csv
import io
from datetime import UTC, datetime

import openpyxl
import pytest
from sqlmodel import Session

from dashboard.datafiles import build
from dashboard.documents import export, sheets
from dashboard.domain import decisions, queries, vocab
from dashboard.domain.permissions import Actor
from tests.xlsxcheck import assert_prints_on_a4_landscape_with_its_header

RISKY = ["=1+1", "+886-2-2960-3456", "-5", "@SUM(A1:A2)", "\tx", "\rx", '=HYPERLINK("http://x","點我")']


@pytest.fixture
def table(session):
    """The download table of the first proposals, their titles replaced by risky text."""
    frame = queries.proposals_frame(session).head(len(RISKY)).copy()
    frame["title"] = RISKY
    return export.proposals_download(frame)


def test_the_excel_download_keeps_risky_titles_as_text(table):
    sheet = openpyxl.load_workbook(io.BytesIO(export.xlsx_bytes(table))).active
    column = list(table.columns).index("提案名稱")
    cells = [row[column] for row in sheet.iter_rows(min_row=2)]
    assert [c.value for c in cells] == RISKY  # readable exactly as typed
    assert all(c.data_type == "s" for c in cells)


def test_the_csv_download_marks_risky_titles_as_text(table):
    rows = list(csv.DictReader(io.StringIO(export.csv_bytes(table).decode("utf-8-sig"), newline="")))
    assert [r["提案名稱"] for r in rows] == ["'" + text for text in RISKY]
    assert rows[0]["編號"] == table["編號"][0]  # ordinary text unchanged


def test_the_downloads_write_out_undecided(table):
    assert set(table["會議決議"]) == {vocab.UNDECIDED}
    sheet = openpyxl.load_workbook(io.BytesIO(export.xlsx_bytes(table))).active
    column = list(table.columns).index("會議決議")
    assert {row[column].value for row in sheet.iter_rows(min_row=2)} == {vocab.UNDECIDED}


def test_the_excel_download_prints_on_a4_landscape_with_the_header_on_every_page(table):
    sheet = openpyxl.load_workbook(io.BytesIO(export.xlsx_bytes(table))).active
    assert_prints_on_a4_landscape_with_its_header(sheet)


def test_the_cli_export_guards_a_note_too(fresh_engine, tmp_path):
    build.load(fresh_engine)
    with Session(fresh_engine) as s:
        decisions.record(
            s,
            proposal_id="111-01",
            resolution="保留",
            note="=1+1",
            actor=Actor.secretariat("祕書甲"),
            now=datetime(2023, 8, 8, tzinfo=UTC),
        )
    export.export_csv(fresh_engine, tmp_path)
    rows = list(csv.DictReader(io.StringIO((tmp_path / "decisions.csv").read_text("utf-8-sig"), newline="")))
    assert rows[0]["note"] == "'=1+1"


@pytest.mark.parametrize(
    "value, safe", [("=1", "'=1"), ("臺北市", "臺北市"), ("a=b", "a=b"), (5, 5), (-5, -5), ("", "")]
)
def test_csv_safe_touches_only_text_that_starts_like_a_formula(value, safe):
    assert sheets.csv_safe(value) == safe


def test_the_excel_download_gives_wrapped_chinese_room_and_centres_numbers(session):
    """LibreOffice prints a line of Chinese at 11 pt about 17 pt below the last (a 15 pt line cut a
    four-line title's last line in half); the year, a number, no longer sits right against 類別's text."""
    table = export.proposals_download(queries.proposals_frame(session))
    sheet = openpyxl.load_workbook(io.BytesIO(export.xlsx_bytes(table))).active
    title = list(table.columns).index("提案名稱")
    usable = sheet.column_dimensions[sheet.cell(1, title + 1).column_letter].width - 1
    tall = 0
    for row in sheet.iter_rows(min_row=2):
        lines = -(-sheets.text_width(row[title].value) // usable)  # at least, as the sheet's width counts
        if lines > 1:
            tall += 1
            assert sheet.row_dimensions[row[0].row].height >= 17 * lines, row[0].value
        assert row[1].alignment.horizontal == "center" and row[2].alignment.horizontal != "center"
    assert tall >= 10


def test_a_filtered_download_is_named_after_its_filter():
    from pages.shared.list_filter import download_file_name

    assert download_file_name("112年度", {}, ".xlsx") == "北臺合作提案_112年度.xlsx"
    params = {"group": ["交通運輸組"], "risk": ["紅（需副首長協調）"]}
    assert download_file_name("112年度", params, ".xlsx") == "北臺合作提案_112年度_交通運輸組_紅.xlsx"
    assert download_file_name("112年度", params, ".csv") == "北臺合作提案_112年度_交通運輸組_紅.csv"
    many = {
        "year": ["111"],
        "group": ["防災治安組／治安組", "交通運輸組"],
        "city": ["桃園市"],
        "role": ["主辦"],
        "q": ['a/b:c*?"<>|\\ 月票\x07'],
    }
    name = download_file_name("112年度", many, ".csv")
    assert name == "北臺合作提案_112年度_111年_防災治安組-治安組、交通運輸組_桃園市主辦_含「a-b-c------- 月票-」.csv"
    long = download_file_name("112年度", {"q": ["長" * 300]}, ".xlsx")
    assert len(long) < 80 and long.endswith(".xlsx")
