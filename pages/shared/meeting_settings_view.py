"""What the 會議設定 page shows and sends, without drawing: the agenda as the table editor holds it
and back, the fields a form changed, and the history table. Not a page: used by pages/meeting_settings.py."""

from datetime import date, time

import pandas as pd

from dashboard.domain import meeting_settings as ms
from dashboard.domain.agenda import DECISION_KEY
from dashboard.domain.dates import in_taipei, roc_datetime

AGENDA_COLUMNS = ["start", "end", "minutes", "decision", "title", "note"]  # the short ones first: in view on a phone
HISTORY_COLUMNS = ["版本", "時間", "修改者", "類別", "欄位", "原值", "新值", "原因"]
LIST_FIELDS = tuple(ms.organiser_field(role) for role in ms.ORGANISER_ROLES)


def agenda_frame(rows: list[dict]) -> pd.DataFrame:
    """The agenda (agenda_rows' form) as the table editor shows it: one row an item, text cells."""
    return pd.DataFrame(
        [
            {
                "start": row.get("start", ""),
                "end": row.get("end", ""),
                "minutes": str(row["minutes"]) if row.get("minutes") is not None else "",
                "title": row.get("title", ""),
                "note": row.get("note", ""),
                "decision": row.get("key") == DECISION_KEY,
            }
            for row in rows
        ],
        columns=AGENDA_COLUMNS,
    ).astype({"decision": bool})


def agenda_rows(frame_rows: list[dict], editor_state: dict | None) -> list[dict]:
    """The rows the editor holds now: `frame_rows` (what it was given) with its state's edits,
    additions and deletions applied (st.data_editor's session state), in agenda_rows' form."""
    state = editor_state or {}
    rows = [dict(row) for row in frame_rows]
    for index, edits in (state.get("edited_rows") or {}).items():
        position = int(index)
        if 0 <= position < len(rows):
            if ("start" in edits or "end" in edits) and "minutes" not in edits:
                edits = {**edits, "minutes": None}  # computed again from the new times
            rows[position].update(edits)
    deleted = {int(i) for i in state.get("deleted_rows") or []}
    rows = [row for position, row in enumerate(rows) if position not in deleted]
    rows += [dict(added) for added in state.get("added_rows") or []]
    return [_agenda_row(row) for row in rows if any(_present(v) for k, v in row.items() if k != "decision")]


def _present(value) -> bool:
    if value is None or value is False:
        return False
    try:
        if pd.isna(value):
            return False
    except (TypeError, ValueError):
        pass
    return str(value).strip() != ""


def _agenda_row(row: dict) -> dict:
    out = {key: row.get(key) for key in ("start", "end", "minutes", "title", "note") if _present(row.get(key))}
    if str(out.get("minutes", "")).strip().isdigit():
        out["minutes"] = int(str(out["minutes"]).strip())
    if row.get("decision") is True:
        out["key"] = DECISION_KEY
    return out


def names_text(names: list[str]) -> str:
    return "、".join(names)


def form_changes(document: dict, values: dict) -> dict:
    """The fields whose value in the form differs from the document's (unchanged ones keep their
    marks): dates and times as the document writes them, unit lists split on 、."""
    changes = {}
    for field, value in values.items():
        if isinstance(value, date):
            value = value.isoformat()
        elif isinstance(value, time):
            value = f"{value:%H:%M}"
        elif isinstance(value, str):
            value = value.strip()
        old = document.get(field)
        if field in LIST_FIELDS:
            same = names_text(old or []) == ms.value_text(field, value) or (not old and not value)
        else:
            same = (old or "") == (value or "")
        if not same:
            changes[field] = value
    return changes


def history_frame(versions: list[ms.HistoryEntry]) -> pd.DataFrame:
    """One row per field changed, newest change first."""
    rows = [
        {
            "版本": v.label,
            "時間": roc_datetime(in_taipei(v.recorded_at)),
            "修改者": v.recorded_by,
            "類別": ms.kind_label(v.kind),
            "欄位": ms.field_label(c["field"]),
            "原值": ms.value_text(c["field"], c["old"]),
            "新值": ms.value_text(c["field"], c["new"]),
            "原因": v.reason or "",
        }
        for v in versions
        for c in v.changes
    ]
    return pd.DataFrame(rows, columns=HISTORY_COLUMNS)


def label(field: str, marks: tuple[str, ...]) -> str:
    """A field's label, with the carried mark while it waits for confirmation."""
    text = ms.field_label(field)
    return f"{text}（{ms.CARRIED_MARK}）" if field in marks else text
