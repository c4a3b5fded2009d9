"""試算表更新: a group lead downloads the update workbook of their group, fills it in Excel or
LibreOffice and uploads it; every problem is listed by sheet, row and column, or every change is
previewed (field, old -> new) before 「套用」 writes them as versions by the uploader, all or nothing.
The checks (roles included) are in dashboard/documents/sheet_import.py, not here."""

import hashlib

import pandas as pd
import streamlit as st

from dashboard.documents import sheet_import, update_sheet
from dashboard.domain.permissions import Actor, PermissionDenied
from dashboard.store.models import WorkGroup
from pages.shared import cached, diff_view, lead_pages, run_context, signed_out, styling, year_choice

ALL = ""  # the secretariat's choice of every group
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PREVIEW_COLUMNS = ["編號", "提案名稱", "欄位", "原值", "新值"]
DONE_KEY = "sheet-done"  # the success line of the last apply, shown once after the rerun
UPLOAD_GEN = "sheet-upload-gen"  # part of the uploader's key: a new value clears it after an apply
READ_KEY = "sheet-read"  # (name and sha256, the file as read) of the latest upload


def group_choices(groups: list[WorkGroup], actor: Actor) -> dict[str, str]:
    """{group id: name} of the workbooks `actor` may download: a lead's own groups, the secretariat's all."""
    if actor.is_secretariat:
        return {ALL: "全部議題組", **{g.id: g.name for g in groups}}
    return {g.id: g.name for g in groups if g.id in actor.groups}


def preview_table(plan: sheet_import.Plan) -> pd.DataFrame:
    return pd.DataFrame(plan.changes, columns=PREVIEW_COLUMNS)


def preview_markup(plan: sheet_import.Plan) -> str:
    """Every change: 編號 名稱｜欄位, then the old and new text whole, side by side, the changed
    characters marked (escaped: pages/shared/diff_view.py)."""
    return (
        '<div class="bt-sheet-preview">'
        + "".join(
            diff_view.field_change(f"{pid}　{title}｜{field}", old, new) for pid, title, field, old, new in plan.changes
        )
        + "</div>"
    )


def read_once(name: str, data: bytes) -> sheet_import.Upload:
    """The uploaded file read (parsed) once: every rerun of the page (a widget, the apply button)
    plans from the same read, found by the file's content; only the latest file is kept."""
    key = (name, hashlib.sha256(data).hexdigest())
    kept = st.session_state.get(READ_KEY)
    if kept is None or kept[0] != key:
        kept = (key, sheet_import.read_upload(name, data))
        st.session_state[READ_KEY] = kept
    return kept[1]


def _workbook(cycle: int, group: WorkGroup | None) -> bytes:
    with cached.session() as s:
        return update_sheet.workbook(s, scope=update_sheet.Scope(cycle, group))


def _download(actor: Actor, stamp: tuple, cycle: int | None) -> None:
    st.subheader("1. 下載更新試算表")
    groups = cached.groups(stamp, cycle)
    choices = group_choices(groups, actor)
    if not choices or cycle is None:
        st.info("您的帳號沒有負責的議題組，無法下載更新試算表；請洽祕書處。")
        return
    row = st.container(horizontal=True, vertical_alignment="bottom")
    group_id = row.selectbox("議題組", list(choices), format_func=choices.get, key="sheet-group", width=220)
    scope = f"{choices[group_id]}-{cycle}年度"
    row.download_button(
        "下載試算表（.xlsx）",
        data=lambda: _workbook(cycle, next((g for g in groups if g.id == group_id), None)),
        on_click="ignore",
        file_name=f"提案更新-{scope}.xlsx",
        mime=XLSX_MIME,
        icon=":material/download:",
        key="sheet-download",
    )
    st.caption(
        f"{year_choice.year_label(cycle)}的提案（於側欄「年度」切換），每案一列；灰色欄位（{'、'.join(update_sheet.CONTEXT)}）已鎖定，白色欄位可修改，"
        "狀態欄有下拉清單，填寫方式見活頁簿的「說明」工作表。"
    )


def _upload(actor: Actor) -> None:
    st.subheader("2. 上傳填好的試算表")
    done = st.session_state.pop(DONE_KEY, None)
    if done:
        st.success(done, icon=":material/check_circle:")
    gen = st.session_state.setdefault(UPLOAD_GEN, 0)
    uploaded = st.file_uploader(
        "更新試算表（.xlsx，或由它另存、或由匯出取得的 CSV）",
        type=["xlsx", "csv"],
        key=f"sheet-upload-{gen}",
        max_upload_size=sheet_import.MAX_BYTES // 1024 // 1024,
    )
    if uploaded is None:
        st.session_state.pop(READ_KEY, None)  # nothing kept for a file no longer there
        return
    try:
        with cached.session() as s:
            plan = sheet_import.plan_upload(s, actor=actor, upload=read_once(uploaded.name, uploaded.getvalue()))
    except PermissionDenied as error:
        st.error(str(error), icon=":material/block:")
        return
    if plan.problems:
        st.error(
            f"「{plan.file_name}」有 {len(plan.problems)} 個問題，未套用任何變更；請修正後重新上傳：\n\n"
            + "\n".join(f"- {p.record}｜{p.field}：{p.message}" for p in plan.problems),
            icon=":material/error:",
        )
        return
    for note in plan.notes:
        st.warning(note, icon=":material/info:")
    if not plan.changes:
        st.info(f"「{plan.file_name}」與目前的資料相同，沒有任何變更。", icon=":material/info:")
        return
    meetings = f"、工作會議 {len(plan.log.ops)} 場" if plan.log.ops else ""
    meetings += f"、統計表 {len(plan.statistics.tables)} 個" if plan.statistics.tables else ""
    st.markdown(f"**預覽：{len(plan.rows)} 案{meetings}、{len(plan.changes)} 項變更**（尚未套用）")
    st.caption("每項變更並列原值與新值（全文），刪去的字加刪除線、新增的字加底線。")
    st.markdown(diff_view.CSS, unsafe_allow_html=True)
    st.markdown(preview_markup(plan), unsafe_allow_html=True)
    if st.button(f"套用 {len(plan.changes)} 項變更", type="primary", key="sheet-apply", icon=":material/done_all:"):
        _apply(actor, plan, gen)


def _apply(actor: Actor, plan: sheet_import.Plan, gen: int) -> None:
    actor = signed_out.writer()
    if actor is None:  # signed out since the file was previewed: it stays chosen, nothing applied
        return
    try:
        with cached.session() as s:
            versions = sheet_import.apply(s, actor=actor, plan=plan)
    except (sheet_import.SheetRefused, PermissionDenied) as error:
        st.error(str(error), icon=":material/block:")
        return
    ids = "、".join(v.proposal_id for v in versions)
    ids = f"（{ids}）" if ids else ""
    meetings = f"、工作會議 {len(plan.log.ops)} 場" if plan.log.ops else ""
    meetings += f"、統計表 {len(plan.statistics.tables)} 個" if plan.statistics.tables else ""
    st.session_state[DONE_KEY] = (
        f"已套用「{plan.file_name}」：{len(versions)} 案{meetings}各新增一個版本{ids}，記錄者「{actor.name}」。"
    )
    st.session_state[UPLOAD_GEN] = gen + 1  # a cleared uploader: the applied file is not previewed again
    st.rerun()


def render() -> None:
    stamp = run_context.get().stamp
    styling.style()
    st.title("試算表更新")
    actor = lead_pages.signed_in("以試算表更新提案", key="sheet-sign-in")
    if actor is None:
        return
    st.markdown(
        "下載議題組的更新試算表，在 Excel 或 LibreOffice 填寫後上傳：先列出每一項變更（原值 → 新值），"
        "確認後才套用，每案成為一個新版本；有任何問題時全部不套用。"
    )
    _download(actor, stamp, year_choice.chosen_year(stamp))
    _upload(actor)


if __name__ == "__main__":  # Streamlit runs a page as __main__; tests may import its parts
    render()
