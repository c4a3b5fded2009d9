"""Write the store as CSV files: one per table, UTF-8 with BOM so that Excel shows the Chinese."""
import csv
from pathlib import Path

import pandas as pd
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel, select

from dashboard import queries
from dashboard.models import (
    AgendaItem, City, Decision, GroupMeeting, Indicator, Meeting, Organiser, WorkGroup,
)

LIST_SEPARATOR = ";"
ENCODING = "utf-8-sig"


def proposals_table(frame: pd.DataFrame) -> pd.DataFrame:
    """The proposals as flat columns, lists joined with ';' (also used for downloads)."""
    flat = frame.assign(
        lead_units=frame["lead_units"].map(LIST_SEPARATOR.join),
        lead_cities=frame["lead_cities"].map(LIST_SEPARATOR.join),
        types=frame["types"].map(LIST_SEPARATOR.join),
        cities=frame["cities"].map(LIST_SEPARATOR.join),
        group=frame["group"],
        subgroup=frame["subgroup"].fillna(""),
    )
    columns = ["id", "year", "track", "group", "subgroup", "title", "card_title", "lead_units", "lead_cities",
               "types", "cities", "cities_scope", "tracking_status", "progress_status", "central_ministry",
               "resolution"]
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
            "proposals": proposals_table(queries.proposals_frame(session)),
            "proposal_texts": _proposal_texts(session),
            "mutual_aid": mutual_aid_table(queries.mutual_aid_frame(session)),
            "indicators": queries.indicators_frame(session),
            "cities": _model_table(session, City),
            "groups": _model_table(session, WorkGroup),
            "group_meetings": _model_table(session, GroupMeeting),
            "meetings": _model_table(session, Meeting),
            "agenda": _model_table(session, AgendaItem),
            "organisers": _model_table(session, Organiser),
            "decisions": _model_table(session, Decision),
        }
    written = []
    for name, table in tables.items():
        path = directory / f"{name}.csv"
        table.to_csv(path, index=False, encoding=ENCODING, quoting=csv.QUOTE_MINIMAL)
        written.append(path)
    return written


def _proposal_texts(session: Session) -> pd.DataFrame:
    from dashboard.models import Proposal
    columns = ["id", "card_unit", "description", "approach", "benefits", "contact", "progress",
               "tracking_reason", "tracking_basis", "progress_basis", "notes"]
    rows = [{c: getattr(p, c) for c in columns} for p in session.exec(select(Proposal).order_by(Proposal.sort_order))]
    return pd.DataFrame(rows, columns=columns)
