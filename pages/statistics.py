"""統計登錄: a proposal's lead (or the secretariat) enters a new period of each kind of table the
proposal has, or corrects one: its cross-border mutual aid (an 8×8 grid per metric: 火警, 救護, 轉報),
its social-worker training flows (one 8×8 grid: home city → host city), both with a typed total per
row and column checked against the cells, and its other figures (an editable table of rows: name,
city, value, unit…). Every save is a version (who, when, why), listed below the form.
The checks and rights are dashboard/domain/statistics.py's, not here."""

from datetime import date

import pandas as pd
import streamlit as st

from dashboard.domain import dates, statistics
from dashboard.domain.editing import EditError
from dashboard.domain.permissions import PermissionDenied, may_edit
from pages.shared import cached, lead_pages, run_context, signed_out, styling, url, year_choice
from pages.shared.statistics_view import (
    ROW_TOTAL,
    grid_frame,
    proposal_history,
    proposal_tables,
    read_corner,
    read_grid,
)

ID = "id"
NEW = ""  # the period choice of a new period
DONE_KEY = "statistics-done"
FORM_GEN = "statistics-form-gen"

INDEX_WIDTH, CELL_WIDTH = 120, 76  # px: the grid's city names, and a count up to 99,999 with its header
AID, SOCIAL, OTHER = "aid", "social", "other"  # the kinds of table the page enters
KIND_LABELS = {AID: "跨區救災救護支援", SOCIAL: "社工跨市受訓", OTHER: "其他統計數據"}


def enterable(frame: pd.DataFrame, actor) -> dict[str, str]:
    """{id: 「id 名稱」} of the cycle's proposals whose statistics `actor` enters."""
    return {r.id: f"{r.id} {r.title}" for r in frame.itertuples() if may_edit(actor, r)}


def period_choice(tables: list[statistics.Table]) -> dict[str, str]:
    choices = {NEW: "新增統計區間"}
    for t in reversed(tables):
        source = "會議資料的數字" if t.version == 0 else f"第 {t.version} 版"
        choices[t.period.key] = f"更正 {t.period.label}（{source}）"
    return choices


def history_table(stamp: tuple, proposal_id: str) -> pd.DataFrame:
    rows = [
        {
            "統計表": f"{statistics.TABLE_KINDS[v.table_kind]}（{statistics.Period.from_key(v.period_key).label}）",
            "版本": f"第 {v.version} 版",
            "時間": dates.roc_datetime(dates.in_taipei(v.recorded_at)),
            "修改者": v.recorded_by,
            "原因": v.reason or "",
            "修改": "；".join(f"{c['field']}：{_shown(c['old'])} → {_shown(c['new'])}" for c in v.changes[:20])
            + ("…" if len(v.changes) > 20 else ""),
        }
        for v in proposal_history(stamp, proposal_id)
    ]
    return pd.DataFrame(rows, columns=["統計表", "版本", "時間", "修改者", "原因", "修改"])


def _shown(value) -> str:
    return "（空白）" if value is None else f"{value:,}" if isinstance(value, int) else str(value)


def kinds_of(stamp: tuple, proposal_id: str) -> dict[str, list[statistics.Table]]:
    """{kind: the proposal's tables of it} of the kinds it has (all three when it has none yet)."""
    indicators = proposal_tables(stamp, proposal_id, statistics.INDICATORS)
    found = {
        AID: proposal_tables(stamp, proposal_id, statistics.MUTUAL_AID),
        SOCIAL: [t for t in indicators if any(statistics.is_social_worker(r) for r in t.rows)],
        OTHER: [t for t in indicators if any(not statistics.is_social_worker(r) for r in t.rows)],
    }
    return {kind: tables for kind, tables in found.items() if tables} or found


def _period_key(proposal_id: str, kind: str) -> str:
    return f"statistics-period-{proposal_id}" if kind == AID else f"statistics-period-{kind}-{proposal_id}"


def _form(stamp, actor, proposal_id: str, tables: list[statistics.Table], names: list[str]) -> None:
    choices = period_choice(tables)
    key = st.selectbox("統計區間", list(choices), format_func=choices.get, key=_period_key(proposal_id, AID))
    standing = next((t for t in tables if t.period.key == key), None)
    gen = st.session_state.setdefault(FORM_GEN, 0)
    grids = statistics.od_grids(standing.rows, cached.cities(stamp)) if standing else {}
    suffix = f"{proposal_id}-{key}-{gen}"  # a new form for another proposal, period, or after a save
    with st.form(f"statistics-form-{suffix}", border=False):
        if standing is None:
            row = st.container(horizontal=True)
            start = row.date_input(
                "統計區間開始日", value=None, min_value=date(2000, 1, 1), key=f"statistics-start-{suffix}", width=200
            )
            end = row.date_input(
                "統計區間結束日", value=None, min_value=date(2000, 1, 1), key=f"statistics-end-{suffix}", width=200
            )
            period = None
        else:
            start = end = None
            period = standing.period
            st.caption(
                f"更正 {period.label} 的數字；目前為{'會議資料的數字' if standing.version == 0 else f'第 {standing.version} 版'}。"
            )
        st.caption(
            "列為請求支援縣市、欄為支援縣市（即會議資料「某縣市協請其他縣市支援之數量」表）；空白表示該組合未列入，"
            "同一組合只填部分類別時其餘以 0 計。最後一欄與最後一列可填原文的合計，儲存時與各格相加比對。"
        )
        edited = {}
        tabs = st.tabs(list(statistics.OD_METRICS.values()))
        for tab, metric in zip(tabs, statistics.OD_METRICS, strict=True):
            with tab:
                edited[metric] = st.data_editor(
                    grid_frame(grids.get(metric, {}), names),
                    key=f"statistics-grid-{metric}-{suffix}",
                    column_config={
                        "_index": st.column_config.Column("請求＼支援", width=INDEX_WIDTH),
                        **{
                            c: st.column_config.TextColumn(c, width=CELL_WIDTH, max_chars=12)
                            for c in [*names, ROW_TOTAL]
                        },
                    },
                    num_rows="fixed",
                    width="stretch",
                )
        reason = st.text_input("原因（選填）", max_chars=statistics.REASON_MAX_CHARS, key=f"statistics-reason-{suffix}")
        submitted = st.form_submit_button("儲存", type="primary", icon=":material/save:")
    if submitted:
        _save_aid(proposal_id, period or statistics.Period(start, end), standing, edited, names, reason)


def _save_aid(proposal_id, period, standing, edited, names, reason) -> None:
    cells, row_totals, column_totals = {}, {}, {}
    for metric, frame in edited.items():
        cells[metric], row_totals[metric], column_totals[metric] = read_grid(frame, names)
    _save(
        proposal_id,
        AID,
        period,
        lambda s, writer: statistics.add_mutual_aid_period(
            s,
            actor=writer,
            proposal_id=proposal_id,
            period=period,
            grids=cells,
            row_totals=row_totals,
            column_totals=column_totals,
            base_version=standing.version if standing else 0,
            reason=reason,
        ),
    )


def _save(proposal_id: str, kind: str, period: statistics.Period, write) -> None:
    """Save one period's figures of `kind` as a version by whoever is signed in now, through
    `write(session, writer)`. Nothing is written, and the form keeps what was typed, when the sign-in
    has ended or a problem is found (both said above the form)."""
    writer = signed_out.writer()
    if writer is None:  # signed out since the form was opened: it keeps what was typed
        return
    try:
        with cached.session() as s:
            version = write(s, writer)
    except (EditError, statistics.StaleStatistics, PermissionDenied) as error:
        _refused(error)
        return
    _saved(writer, proposal_id, KIND_LABELS[kind], period, version)


def _refused(error: Exception) -> None:
    if isinstance(error, EditError):
        st.error(
            f"未儲存，有 {len(error.problems)} 個問題（已填的數字保留）：\n\n"
            + "\n".join(f"- {url.md_text(str(p))}" for p in error.problems),
            icon=":material/error:",
        )
    else:
        st.error(f"未儲存：{url.md_text(str(error))}", icon=":material/block:")


def _saved(actor, proposal_id: str, what: str, period: statistics.Period, version) -> None:
    if version is None:
        st.info("數字與目前相同，沒有新增版本。", icon=":material/info:")
        return
    st.session_state[DONE_KEY] = (
        f"已儲存提案 {proposal_id} 的{what}（{period.label}）：第 {version.version} 版，記錄者「{actor.name}」。"
    )
    st.session_state[FORM_GEN] = st.session_state.get(FORM_GEN, 0) + 1
    st.rerun()


def _period_fields(suffix: str, *, as_of: bool):
    """The new period's dates: (start, end, as_of)."""
    row = st.container(horizontal=True)
    start = row.date_input(
        "統計區間開始日", value=None, min_value=date(2000, 1, 1), key=f"statistics-start-{suffix}", width=200
    )
    end = row.date_input(
        "統計區間結束日", value=None, min_value=date(2000, 1, 1), key=f"statistics-end-{suffix}", width=200
    )
    until = (
        row.date_input(
            "截至（選填）", value=None, min_value=date(2000, 1, 1), key=f"statistics-as-of-{suffix}", width=200
        )
        if as_of
        else None
    )
    return start, end, until


def _standing_caption(standing: statistics.Table) -> None:
    st.caption(
        f"更正 {standing.period.label} 的數字；目前為"
        f"{'會議資料的數字' if standing.version == 0 else f'第 {standing.version} 版'}。"
    )


def _social_form(stamp, actor, proposal_id: str, tables: list[statistics.Table], names: list[str]) -> None:
    """The social-worker training flows of one period: an 8×8 grid (home city → host city)."""
    choices = period_choice(tables)
    key = st.selectbox("統計區間", list(choices), format_func=choices.get, key=_period_key(proposal_id, SOCIAL))
    standing = next((t for t in tables if t.period.key == key), None)
    cities = cached.cities(stamp)
    cells, row_totals, column_totals, grand = statistics.social_worker_grid(standing.rows if standing else [], cities)
    suffix = f"{SOCIAL}-{proposal_id}-{key}-{st.session_state.setdefault(FORM_GEN, 0)}"
    with st.form(f"statistics-form-{suffix}", border=False):
        if standing is None:
            start, end, until = _period_fields(suffix, as_of=True)
        else:
            _standing_caption(standing)
        st.caption(
            "列為社工所屬縣市、欄為開課縣市（「X 的社工參加 Y 開的課程」的人數）；空白表示該組合未列入。"
            "最後一欄與最後一列可填各縣市的合計，右下角可填總計，儲存時與各格相加比對。"
        )
        edited = st.data_editor(
            grid_frame(cells, names, row_totals, column_totals, grand),
            key=f"statistics-grid-{suffix}",
            column_config={
                "_index": st.column_config.Column("所屬＼開課", width=INDEX_WIDTH),
                **{c: st.column_config.TextColumn(c, width=CELL_WIDTH, max_chars=12) for c in [*names, ROW_TOTAL]},
            },
            num_rows="fixed",
            width="stretch",
        )
        reason = st.text_input("原因（選填）", max_chars=statistics.REASON_MAX_CHARS, key=f"statistics-reason-{suffix}")
        submitted = st.form_submit_button("儲存", type="primary", icon=":material/save:")
    if not submitted:
        return
    period = standing.period if standing else statistics.Period(start, end, until)
    grid, typed_rows, typed_columns = read_grid(edited, names)
    _save_part(
        proposal_id,
        SOCIAL,
        period,
        standing,
        reason,
        lambda: statistics.social_worker_rows(
            grid,
            cities=cities,
            row_totals=typed_rows,
            column_totals=typed_columns,
            grand_total=read_corner(edited),
            like=_latest_rows(tables, standing),
        ),
    )


def _save_part(proposal_id: str, kind: str, period, standing: statistics.Table | None, reason: str, rows) -> None:
    """Save the social-worker grid or the other figures of one period; `rows()` makes the rows from
    what was typed (raising EditError for what is wrong)."""
    _save(
        proposal_id,
        kind,
        period,
        lambda s, writer: statistics.save_indicator_part(
            s,
            actor=writer,
            proposal_id=proposal_id,
            period=period,
            rows=rows(),
            social_workers=kind == SOCIAL,
            new=standing is None,
            base_version=standing.version if standing else 0,
            reason=reason,
        ),
    )


def _latest_rows(tables: list[statistics.Table], standing: statistics.Table | None) -> list[dict]:
    """The rows a new period takes its names and units from: the period corrected, else the latest."""
    if standing:
        return standing.rows
    return max(tables, key=lambda t: t.period.latest).rows if tables else []


def _other_form(stamp, actor, proposal_id: str, tables: list[statistics.Table], names: list[str]) -> None:
    """The other figures of one period: rows of name, city, value, unit… in an editable table."""
    choices = period_choice(tables)
    key = st.selectbox("統計區間", list(choices), format_func=choices.get, key=_period_key(proposal_id, OTHER))
    standing = next((t for t in tables if t.period.key == key), None)
    cities = cached.cities(stamp)
    like = _latest_rows(tables, standing)
    entries = statistics.indicator_entries(like, cities)
    if standing is None:  # a new period: the latest period's rows, their figures to fill in
        entries = [{**e, "value": None} for e in entries]
    columns = statistics.INDICATOR_COLUMNS
    frame = pd.DataFrame(entries, columns=list(columns)).astype({"value": "Int64", "total": "boolean"})
    suffix = f"{OTHER}-{proposal_id}-{key}-{st.session_state.setdefault(FORM_GEN, 0)}"
    with st.form(f"statistics-form-{suffix}", border=False):
        if standing is None:
            start, end, until = _period_fields(suffix, as_of=True)
            st.caption("填統計區間的開始日與結束日，或只填「截至」日期。下表沿用最近一期的項目，請填新的數值。")
        else:
            _standing_caption(standing)
        st.caption(
            "每列一項數字；縣市空白表示八縣市合計或不分縣市。勾選「合計」的列須等於同名稱（同縣市）各列相加。"
            "表末可新增列，選取列後可刪除。"
        )
        edited = st.data_editor(
            frame,
            key=f"statistics-rows-{suffix}",
            column_config={
                "label": st.column_config.TextColumn(columns["label"], width="medium", max_chars=120),
                "city": st.column_config.SelectboxColumn(columns["city"], options=names),
                "counterpart": st.column_config.SelectboxColumn(columns["counterpart"], options=names),
                "value": st.column_config.NumberColumn(columns["value"], min_value=0, step=1, format="%d"),
                "unit": st.column_config.TextColumn(columns["unit"], width="small", max_chars=20),
                "total": st.column_config.CheckboxColumn(columns["total"], width="small"),
                "note": st.column_config.TextColumn(columns["note"], width="medium", max_chars=1000),
            },
            num_rows="dynamic",
            hide_index=True,
            width="stretch",
            placeholder="",  # an empty cell shows nothing (not Streamlit's "None")
        )
        reason = st.text_input("原因（選填）", max_chars=statistics.REASON_MAX_CHARS, key=f"statistics-reason-{suffix}")
        submitted = st.form_submit_button("儲存", type="primary", icon=":material/save:")
    if not submitted:
        return
    period = standing.period if standing else statistics.Period(start, end, until)
    typed = edited.astype(object).where(pd.notna(edited), None).to_dict("records")
    _save_part(
        proposal_id,
        OTHER,
        period,
        standing,
        reason,
        lambda: statistics.indicator_rows_from_entries(typed, cities=cities, like=like),
    )


def render() -> None:
    stamp = run_context.get().stamp
    styling.style()
    st.title("統計登錄")
    actor = lead_pages.signed_in("登錄統計數字", key="statistics-sign-in")
    if actor is None:
        return
    cycle = year_choice.chosen_year(stamp)
    st.markdown(
        "每次彙整進度時，提案的議題組窗口（或祕書處）在這裡登錄該案新一期的統計（跨區救災救護支援、社工跨市受訓"
        "或其他統計數據，每個統計區間一表），或更正已登錄的數字；每次儲存是一個版本，提案單、地圖、縣市摘要與會議資料"
        "即改用新數字。"
    )
    done = st.session_state.pop(DONE_KEY, None)
    if done:
        st.success(done, icon=":material/check_circle:")
    choices = enterable(cached.proposals(stamp, cycle), actor)
    if not choices:
        st.info(
            f"{year_choice.year_label(cycle)}沒有您負責的提案；請於側欄切換年度，或洽祕書處。", icon=":material/info:"
        )
        return
    raw = st.query_params.get(ID, "").strip().upper()
    if raw and raw not in choices:
        url.unknown_in_url("提案編號", raw, f"{year_choice.year_label(cycle)}您可登錄統計的提案：{'、'.join(choices)}")
    with_aid = [pid for pid in choices if proposal_tables(stamp, pid, statistics.MUTUAL_AID)]
    url.seed_widget("statistics-proposal", raw if raw in choices else (with_aid or list(choices))[0])
    proposal_id = st.selectbox(
        "提案",
        list(choices),
        format_func=choices.get,
        key="statistics-proposal",
        on_change=url.widget_to_url,
        args=("statistics-proposal", ID),
    )
    names = [c.name for c in cached.cities(stamp)]
    kinds = kinds_of(stamp, proposal_id)
    if len(kinds) > 1:
        kind = st.segmented_control(
            "統計表",
            list(kinds),
            format_func=KIND_LABELS.get,
            default=next(iter(kinds)),
            required=True,
            key=f"statistics-kind-{proposal_id}",
        )
    else:
        kind = next(iter(kinds))
    st.subheader(KIND_LABELS[kind])
    form = {AID: _form, SOCIAL: _social_form, OTHER: _other_form}[kind]
    form(stamp, actor, proposal_id, kinds[kind], names)
    st.subheader("修改紀錄")
    history = history_table(stamp, proposal_id)
    if history.empty:
        st.caption("這一案的統計尚未在儀表板登錄或更正（目前為會議資料的數字）。")
    else:
        st.dataframe(history, hide_index=True, key="statistics-history")


if __name__ == "__main__":  # Streamlit runs a page as __main__; tests may import its parts
    render()
