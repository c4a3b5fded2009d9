"""我的提案: the proposals a signed-in lead keeps current (the secretariat: all), when each was last
updated, and which are not updated this quarter, in the chosen year (pages/shared/year_choice.py).
Readers are asked to sign in."""

import pandas as pd
import streamlit as st

from dashboard.domain import dates, vocab, worklist
from pages.shared import cached, lead_pages, run_context, styling, tables, url, year_choice

COLUMNS = {  # what a lead looks for first (stale, progress, last update) before the narrow screen cuts off
    "url": tables.LIST_COLUMNS["url"],
    "title": st.column_config.TextColumn("提案名稱", width=300),
    "stale": st.column_config.TextColumn(worklist.STALE, width=110),
    "progress_status": tables.LIST_COLUMNS["progress_status"],
    "risk": st.column_config.TextColumn("風險燈號", width=150),
    "updated": st.column_config.TextColumn("最後更新", width=140),
    "updated_by": st.column_config.TextColumn("更新者", width=90),
    "group": st.column_config.TextColumn("議題組", width=90),
    "tracking_status": tables.LIST_COLUMNS["tracking_status"],
}
NEVER = "尚無線上更新"


def table(items: list[worklist.WorkItem], lights: dict | None = None) -> pd.DataFrame:
    """The work list as rows; `lights`: risk.RiskState by id (the light, and 本季未更新 when not of this quarter)."""
    lights = lights or {}
    return pd.DataFrame(
        {
            "url": [url.card_link(i.id).href for i in items],
            "title": [i.title for i in items],
            "group": [i.group for i in items],
            "progress_status": [i.progress_status for i in items],
            "tracking_status": [i.tracking_status for i in items],
            "updated": [dates.roc_datetime(i.updated_at) if i.updated_at else NEVER for i in items],
            "updated_by": [i.updated_by or "" for i in items],
            "stale": ["⚠ " + worklist.STALE if i.stale else "" for i in items],
            "risk": [lights[i.id].short if i.id in lights else vocab.RISK_UNSET for i in items],
        },
        columns=list(COLUMNS),
    )


def render() -> None:
    styling.style()
    stamp = run_context.get().stamp
    cycle = year_choice.chosen_year(stamp)
    st.title("我的提案")
    actor = lead_pages.signed_in("檢視自己負責的提案", key="mine-sign-in")
    if actor is None:
        return
    today = dates.now_taipei().date()
    items = cached.work_list(stamp, actor, today)
    in_year = set(cached.proposals(stamp, cycle)["id"])
    items = [i for i in items if i.id in in_year]
    stale = [i for i in items if i.stale]
    scope = f"{year_choice.year_label(cycle)}" + ("所有提案" if actor.is_secretariat else "您負責議題組的提案")
    st.markdown(
        f"**{scope}：{len(items)} 案**，其中 **{len(stale)} 案{worklist.quarter_label(today)}尚未更新**"
        f"（自 {dates.roc_date(worklist.quarter_start(today))}起沒有人線上修改；延續列管與自資料檔匯入不算更新）。"
        "點選編號開啟提案單更新進度。"
    )
    bar = st.container(horizontal=True, vertical_alignment="center", gap="medium")
    only_stale = bar.toggle(f"只顯示{worklist.STALE}", key="mine-stale")
    url.page_link(bar, url.page_of("new"), label="新增提案", icon=":material/note_add:")
    shown = stale if only_stale else items
    if not shown:
        st.success("所有提案本季都已更新。" if items else "您的議題組目前沒有提案。")
        return
    st.dataframe(
        table(shown, cached.risk_states(stamp, today)),
        hide_index=True,
        height="content",
        column_config=COLUMNS,
        key="mine-table",
    )


if __name__ == "__main__":  # Streamlit runs a page as __main__; tests may import its parts
    render()
