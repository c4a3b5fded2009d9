"""What the 統計登錄 page reads and how its grids look: a proposal's tables per period (cached per
store stamp), and the 8×8 origin-destination grid of one metric as an editable table with a typed
total per row and per column. The checks are dashboard/domain/statistics.py's."""

import pandas as pd
import streamlit as st

from dashboard.domain import statistics
from pages.shared import cached

ROW_TOTAL = "列合計（選填）"  # a column: the requesting city's total as typed
COLUMN_TOTAL = "欄合計（選填）"  # a row: each supporting city's total as typed


@st.cache_resource(show_spinner=False, max_entries=64)
def proposal_tables(stamp: tuple, proposal_id: str, table_kind: str) -> list[statistics.Table]:
    with cached.session() as s:
        return statistics.proposal_tables(s, proposal_id, table_kind)


@st.cache_resource(show_spinner=False, max_entries=64)
def proposal_history(stamp: tuple, proposal_id: str) -> list:
    with cached.session() as s:
        history = statistics.proposal_history(s, proposal_id)
        for v in history:
            s.expunge(v)
        return history


def grid_frame(
    values: dict[str, dict[str, int | None]],
    names: list[str],
    row_totals: dict[str, int] | None = None,
    column_totals: dict[str, int] | None = None,
    corner: int | None = None,
) -> pd.DataFrame:
    """One metric's grid as the editor shows it: rows = requesting cities and a last row of column
    totals, columns = supporting cities and a last column of row totals; blank = not reported.
    Cells are text (blank where nothing is typed, not a null marker; 1,208 may be typed as such);
    statistics.od_rows reads them. The totals (and the corner: the grand total) as stored, if any."""
    row_totals, column_totals = row_totals or {}, column_totals or {}
    rows = {
        source: [_text(values.get(source, {}).get(target)) for target in names] + [_text(row_totals.get(source))]
        for source in names
    }
    rows[COLUMN_TOTAL] = [_text(column_totals.get(t)) for t in names] + [_text(corner)]
    return pd.DataFrame.from_dict(rows, orient="index", columns=[*names, ROW_TOTAL], dtype="string")


def read_grid(frame: pd.DataFrame, names: list[str]) -> tuple[dict, dict, dict]:
    """(cells, row totals, column totals) of an edited grid, as statistics.od_rows takes them."""
    cells = {source: {t: _value(frame.at[source, t]) for t in names} for source in names}
    row_totals = {source: _value(frame.at[source, ROW_TOTAL]) for source in names}
    column_totals = {t: _value(frame.at[COLUMN_TOTAL, t]) for t in names}
    return cells, row_totals, column_totals


def read_corner(frame: pd.DataFrame):
    """The grid's bottom-right cell as typed (the grand total), None when blank."""
    return _value(frame.at[COLUMN_TOTAL, ROW_TOTAL])


def _value(value):
    return None if value is None or pd.isna(value) or not str(value).strip() else value


def _text(value) -> str:
    return "" if value is None else str(value)
