"""A proposal's versions as the card shows them: 最後更新 and the 修改紀錄 (newest first: each version's
who, when and why, then every field it changed with the whole old and new text side by side, the
changed characters marked; pages/shared/diff_view.py). Values are shown as text (escaped): lists
joined with 、, lead units as 單位（縣市）."""

from datetime import datetime

import pandas as pd
import streamlit as st

from dashboard.domain import editing, vocab
from dashboard.domain.dates import in_taipei, roc_datetime
from dashboard.store.models import ProposalVersion
from pages.shared import cached, diff_view
from pages.shared.styling import esc

HISTORY_COLUMNS = ["版本", "時間", "修改者", "欄位", "原值", "新值", "原因"]
CHANGE_COLUMNS = ["版本", "修改者", "欄位", "原值", "新值"]
# Fields a revert may touch besides the editable ones (an edit of 合作縣市 moves the card's box too).
_LABELS = {"cities_scope": "合作縣市（勾選框）"}


def label(field: str) -> str:
    return _LABELS.get(field) or editing.field_label(field)


def value_text(field: str, value) -> str:
    """A stored value as one line of text: 單位（縣市） for lead units, lists joined with 、."""
    if value is None:
        return ""
    if field == "cities_scope":
        return vocab.CITY_SCOPES.get(value, str(value))
    if isinstance(value, list):
        return "、".join(
            f"{item.get('unit', '')}（{item.get('city', '')}）" if isinstance(item, dict) else str(item)
            for item in value
        )
    return str(value)


def when(version: ProposalVersion) -> str:
    """112年8月8日 15:12, Taipei time (SQLite hands back naive UTC)."""
    at: datetime = version.recorded_at
    return roc_datetime(in_taipei(at))


def change_rows(versions: list[ProposalVersion], *, reason: bool = True) -> pd.DataFrame:
    rows = [
        {
            "版本": f"第 {v.version} 版",
            "時間": when(v),
            "修改者": v.recorded_by,
            "欄位": label(c["field"]),
            "原值": value_text(c["field"], c["old"]),
            "新值": value_text(c["field"], c["new"]),
            "原因": v.reason or "",
        }
        for v in versions
        for c in v.changes
    ]
    return pd.DataFrame(rows, columns=HISTORY_COLUMNS if reason else CHANGE_COLUMNS)


def version_head(version: ProposalVersion) -> str:
    """第 3 版｜112年8月8日 15:12｜王小明｜原因：…, as escaped markup."""
    parts = [f"第 {version.version} 版", when(version), version.recorded_by or ""]
    if version.kind and version.kind != vocab.VersionKind.EDIT:
        parts.append(vocab.version_kind_label(version.kind))
    if version.reason:
        parts.append(f"原因：{version.reason}")
    return "｜".join(esc(p) for p in parts)


def versions_markup(versions: list[ProposalVersion]) -> str:
    """The versions in the order given: a heading line each, then each field changed (old and new
    whole, side by side, the changed characters marked). One <div> block, escaped."""
    blocks = []
    for version in versions:
        changes = "".join(
            diff_view.field_change(
                label(c["field"]), value_text(c["field"], c["old"]), value_text(c["field"], c["new"])
            )
            for c in version.changes
        )
        blocks.append(f'<div class="bt-diff-version"><b>{version_head(version)}</b></div>{changes}')
    return '<div class="bt-history-diff">' + "".join(blocks) + "</div>"


@st.cache_resource(show_spinner=False, max_entries=256)
def history_view(stamp: tuple, proposal_id: str) -> tuple[list[ProposalVersion], str]:
    """(versions newest first, the 修改紀錄 markup), once per store stamp: an edit is a new version."""
    versions = cached.proposal_history(stamp, proposal_id)
    return versions, versions_markup(versions)


def last_updated(versions: list[ProposalVersion]) -> str:
    if not versions:
        return "最後更新：依會議資料載入，尚無線上修改。"
    latest = versions[0]
    return f"最後更新：{when(latest)}　{latest.recorded_by}　第 {latest.version} 版"


def show(stamp: tuple, proposal_id: str) -> None:
    versions, markup = history_view(stamp, proposal_id)
    st.subheader("修改紀錄")
    if not versions:
        st.caption("尚無修改紀錄：內容為會議資料載入時的版本。")
        return
    st.caption(f"共 {len(versions)} 個版本，最新在上；每個欄位並列原值與新值，刪去的字加刪除線、新增的字加底線。")
    st.markdown(diff_view.CSS, unsafe_allow_html=True)
    st.markdown(markup, unsafe_allow_html=True)
