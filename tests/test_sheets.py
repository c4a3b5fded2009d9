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
