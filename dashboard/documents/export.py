"""Write the store as CSV files: one per table, UTF-8 with BOM so that Excel shows the Chinese."""

import csv
from pathlib import Path

import pandas as pd
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel, select

from dashboard.documents import sheets
from dashboard.domain import queries, vocab
from dashboard.store.models import (
    AgendaItem,
    City,
    Decision,
    GroupMeeting,
    GroupTerm,
    Meeting,
    Organiser,
    Proposal,
    WorkGroup,
)

LIST_SEPARATOR = ";"
ENCODING = "utf-8-sig"
LINE_END = "\r\n"  # RFC 4180; a field holding a line break of either kind is then quoted


def _flatten_lists(frame: pd.DataFrame) -> pd.DataFrame:
    """The list columns of a proposals frame joined with ';', one cell each."""
    return frame.assign(
        **{
            column: frame[column].map(LIST_SEPARATOR.join)
            for column in ("lead_units", "lead_cities", "types", "cities")
        }
    )


def proposals_table(frame: pd.DataFrame) -> pd.DataFrame:
    """The proposals as flat columns, lists joined with ';' (the CSV export)."""
    flat = _flatten_lists(frame).assign(subgroup=frame["subgroup"].fillna(""))
    columns = [
        "id",
        "year",
        "track",
        "group",
        "subgroup",
        "title",
        "card_title",
        "lead_units",
        "lead_cities",
        "types",
        "cities",
        "cities_scope",
        "tracking_status",
        "progress_status",
        "central_ministry",
        "resolution",
    ]
    return flat[columns]


def mutual_aid_table(frame: pd.DataFrame) -> pd.DataFrame:
    return frame[["from_city", "to_city", "fire", "ambulance", "relay", "period_start", "period_end"]]


def _model_table(session: Session, model: type[SQLModel]) -> pd.DataFrame:
    rows = [row.model_dump() for row in session.exec(select(model))]
    return pd.DataFrame(rows, columns=list(model.model_fields))


def export_csv(engine: Engine, directory: Path) -> list[Path]:
    """Write every table to directory; returns the files written."""
    directory.mkdir(parents=True, exist_ok=True)
    with Session(engine) as session:
        tables = {
            "proposals": proposals_table(queries.proposals_frame(session, cycle=queries.ALL_CYCLES)),
            "proposal_texts": _proposal_texts(session),
            "mutual_aid": mutual_aid_table(queries.mutual_aid_frame(session, cycle=queries.ALL_CYCLES)),
            "indicators": queries.indicators_frame(session, cycle=queries.ALL_CYCLES),
            "cities": _model_table(session, City),
            "groups": _model_table(session, WorkGroup),
            "group_terms": _model_table(session, GroupTerm),  # each group's name and host from a cycle on
            "group_meetings": _model_table(session, GroupMeeting),
            "meetings": _model_table(session, Meeting),
            "agenda": _model_table(session, AgendaItem),
            "organisers": _model_table(session, Organiser),
            "decisions": _model_table(session, Decision),
        }
    written = []
    for name, table in tables.items():
        path = directory / f"{name}.csv"
        sheets.csv_safe_frame(table).to_csv(
            path, index=False, encoding=ENCODING, quoting=csv.QUOTE_MINIMAL, lineterminator=LINE_END
        )
        written.append(path)
    return written


def _proposal_texts(session: Session) -> pd.DataFrame:
    columns = [
        "id",
        "card_unit",
        "description",
        "approach",
        "benefits",
        "contact",
        "progress",
        "tracking_reason",
        "recommendation_date",
        "tracking_basis",
        "progress_basis",
        "notes",
    ]
    rows = [{c: getattr(p, c) for c in columns} for p in session.exec(select(Proposal).order_by(Proposal.sort_order))]
    return pd.DataFrame(rows, columns=columns)


# --- Downloads of the proposal list (issue 3) ---------------------------------------------------

DOWNLOAD_HEADERS = {
    "id": "編號",
    "year": "年度",
    "track_label": "類別",
    "group": "議題組",
    "subgroup": "分組",
    "title": "提案名稱",
    "card_title": "提案單名稱",
    "lead_units": "提案單位",
    "lead_cities": "主辦縣市",
    "types": "提案類型",
    "cities": "合作縣市",
    "cities_scope": "合作範圍",
    "tracking_status": "列管狀態",
    "progress_status": "進度狀態",
    "central_ministry": "中央部會",
    "risk": "風險燈號",
    "resolution": "會議決議",
}


def proposals_download(frame: pd.DataFrame) -> pd.DataFrame:
    """The given proposal rows (e.g. a filtered list) as flat columns with Chinese headers."""
    flat = _flatten_lists(frame).assign(
        cities_scope=frame["cities_scope"].map(vocab.CITY_SCOPES).fillna(""),
        resolution=frame["resolution"].fillna(vocab.UNDECIDED),
    )  # never a blank
    flat = flat[list(DOWNLOAD_HEADERS)].astype(object).where(flat[list(DOWNLOAD_HEADERS)].notna(), "")
    return flat.rename(columns=DOWNLOAD_HEADERS).reset_index(drop=True)


def csv_bytes(table: pd.DataFrame) -> bytes:
    """CSV as UTF-8 with BOM, which Excel opens with the Chinese intact; no text runs as a formula."""
    text = sheets.csv_safe_frame(table).to_csv(index=False, quoting=csv.QUOTE_MINIMAL, lineterminator=LINE_END)
    return text.encode(ENCODING)


def xlsx_bytes(table: pd.DataFrame, *, sheet: str = "提案列表") -> bytes:
    """An .xlsx workbook with one sheet, columns sized to their text, set up to print (sheets.workbook_bytes)."""
    return sheets.workbook_bytes(
        sheets.Sheet(sheet, list(table.columns), [list(row) for row in table.itertuples(index=False)]),
        title=f"北臺區域合作{sheet}",
    )
