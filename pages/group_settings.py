"""議題組設定 (the secretariat only): each working group's name and host agency in the chosen
cycle, with the hosts carried over from the year before marked until confirmed; rename, set the
host, add a group (a split), end one or merge it into another. Every change is a version, listed
below; a save based on a version someone changed since is refused (dashboard/domain/group_terms.py).

Forms keep what was typed when a save is refused; a save that succeeds clears them."""

import pandas as pd
import streamlit as st

from dashboard.domain import dates, group_changes, group_terms
from dashboard.domain.accounts import AccountError
from dashboard.domain.editing import EditError
from dashboard.domain.permissions import PermissionDenied
from pages.shared import cached, lead_pages, run_context, signed_out, styling, url, year_choice

DONE_KEY = "group-settings-done"  # what the last save did, shown after the forms are cleared
GENERATION_KEY = "group-settings-generation"  # part of every form's widget keys: a new value clears them
NO_PARENT = ""
NO_TARGET = ""


def groups_table(groups: list[group_terms.CycleGroup]) -> pd.DataFrame:
    names = {g.id: g.name for g in groups}
    return pd.DataFrame(
        {
            "議題組": [("　└ " if g.parent_id else "") + g.name for g in groups],
            "主辦機關": [g.host_agency or "（由分組主辦）" for g in groups],
            "狀態": [group_terms.state_text(g, names) for g in groups],
        }
    )


def history_table(versions: list[tuple]) -> pd.DataFrame:
    """(version, the group's name in the version's year) rows, newest first."""
    return pd.DataFrame(
        {
            "時間": [dates.roc_datetime(dates.in_taipei(v.recorded_at)) for v, _ in versions],
            "年度": [f"{v.year}年度" for v, _ in versions],
            "議題組": [name for _, name in versions],
            "版本": [f"第 {v.version} 版" for v, _ in versions],
            "修改者": [v.recorded_by for v, _ in versions],
            "類型": [group_terms.KIND_LABELS.get(v.kind, v.kind) for v, _ in versions],
            "變更": ["；".join(group_terms.change_lines(v)) for v, _ in versions],
            "原因": [v.reason or "" for v, _ in versions],
        }
    )


def _saved(message: str) -> None:
    st.session_state[DONE_KEY] = message
    st.session_state[GENERATION_KEY] = st.session_state.get(GENERATION_KEY, 0) + 1
    st.rerun()


def _refused(error: Exception) -> None:
    text = "；".join(str(p) for p in error.problems) if isinstance(error, EditError) else str(error)
    st.error(url.md_text(text), icon=":material/error:")
    for version in getattr(error, "newer", []):
        st.caption(url.md_text("；".join(group_terms.change_lines(version))))


WRITE_ERRORS = (group_changes.GroupError, PermissionDenied, AccountError, EditError)


def edit_form(cycle: int, open_groups: list[group_terms.CycleGroup], versions: dict[str, int], gen: int) -> None:
    by_id = {g.id: g for g in open_groups}
    st.subheader("修改名稱或主辦機關")
    chosen = st.selectbox(
        "議題組",
        list(by_id),
        index=None,
        format_func=lambda gid: ("　└ " if by_id[gid].parent_id else "") + by_id[gid].name,
        placeholder="選擇議題組",
        key=f"gs-edit-group-{gen}",
    )
    if chosen is None:
        return
    group = by_id[chosen]
    base_key = f"gs-edit-base-{gen}-{chosen}"
    base = st.session_state.setdefault(base_key, versions.get(chosen, 0))  # the version the form was opened on
    with st.form(f"gs-edit-{gen}-{chosen}", border=True):
        if group.host_carried and group.host_agency:
            st.caption(f"主辦機關{group_terms.CARRIED_NOTE}：儲存即確認（可先改為主政縣市的機關）。")
        row = st.container(horizontal=True, gap="medium")
        name = row.text_input("名稱", value=group.name, key=f"gs-edit-name-{gen}-{chosen}", width=220)
        host = row.text_input("主辦機關", value=group.host_agency or "", key=f"gs-edit-host-{gen}-{chosen}", width=320)
        order = row.number_input(
            "排序", min_value=1, value=group.sort_order, step=1, key=f"gs-edit-order-{gen}-{chosen}", width=110
        )
        reason = st.text_input("修改原因（選填）", key=f"gs-edit-reason-{gen}-{chosen}")
        submitted = st.form_submit_button(f"儲存（自{cycle}年度起）", type="primary", icon=":material/save:")
    if not submitted:
        return
    changes = {"name": name, "sort_order": int(order)}
    if host.strip() or group.host_agency:
        changes["host_agency"] = host
    writer = signed_out.writer()
    if writer is None:  # signed out since the form was opened: it keeps what was typed
        return
    try:
        with cached.session() as s:
            version = group_changes.edit(
                s,
                actor=writer,
                group_id=chosen,
                year=cycle,
                changes=changes,
                base_version=base,
                reason=reason,
            )
    except WRITE_ERRORS as error:
        _refused(error)
        if isinstance(error, group_changes.StaleGroupEdit):
            st.session_state[base_key] = error.current  # saving again is a decision taken after seeing it
            st.info("已載入目前版本的依據；確認上列修改後，可再按一次儲存。")
        return
    if version is None:
        st.info(f"「{group.name}」在{cycle}年度沒有變更。")
        return
    _saved(f"已儲存「{name.strip()}」自{cycle}年度起的設定（第 {version.version} 版）。")


def add_form(cycle: int, open_groups: list[group_terms.CycleGroup], gen: int) -> None:
    tops = {g.id: g.name for g in open_groups if not g.parent_id}
    proposals = cached.proposals(run_context.get().stamp, cycle)
    titles = dict(zip(proposals["id"], proposals["title"]))
    st.subheader("新增議題組或分組")
    with st.form(f"gs-add-{gen}", border=True):
        row = st.container(horizontal=True, gap="medium")
        name = row.text_input("名稱", key=f"gs-add-name-{gen}", width=220)
        host = row.text_input("主辦機關", key=f"gs-add-host-{gen}", width=320)
        parent = st.selectbox(
            "上層議題組（新增分組時選擇）",
            [NO_PARENT, *tops],
            format_func=lambda gid: tops.get(gid, "（無：新增為議題組）"),
            placeholder="選擇上層議題組",
            key=f"gs-add-parent-{gen}",
        )
        move = st.multiselect(
            f"移入的提案（{cycle}年度；拆分議題組時選擇）",
            list(titles),
            format_func=lambda pid: f"{pid} {titles[pid]}",
            key=f"gs-add-move-{gen}",
            placeholder="選擇提案（選填）",
        )
        reason = st.text_input("原因（選填）", key=f"gs-add-reason-{gen}")
        submitted = st.form_submit_button(f"新增（自{cycle}年度起）", icon=":material/add:")
    if not submitted:
        return
    writer = signed_out.writer()
    if writer is None:  # signed out since the form was opened: it keeps what was typed
        return
    try:
        with cached.session() as s:
            group_changes.add(
                s,
                actor=writer,
                group_id=None,
                year=cycle,
                values={"name": name, "host_agency": host, "parent": parent},
                move=tuple(move),
                reason=reason,
            )
    except WRITE_ERRORS as error:
        _refused(error)
        return
    _saved(f"已新增「{name.strip()}」（自{cycle}年度起）" + (f"，移入 {len(move)} 案提案。" if move else "。"))


def close_form(cycle: int, open_groups: list[group_terms.CycleGroup], versions: dict[str, int], gen: int) -> None:
    names = {g.id: ("　└ " if g.parent_id else "") + g.name for g in open_groups}
    st.subheader("結束或併入其他議題組")
    with st.form(f"gs-close-{gen}", border=True):
        row = st.container(horizontal=True, gap="medium")
        chosen = row.selectbox(
            "結束的議題組",
            list(names),
            index=None,
            format_func=names.get,
            placeholder="選擇議題組",
            key=f"gs-close-group-{gen}",
            width=260,
        )
        into = row.selectbox(
            "併入",
            [NO_TARGET, *names],
            format_func=lambda gid: names.get(gid, "（不併入：只結束）"),
            placeholder="選擇併入的議題組",
            key=f"gs-close-into-{gen}",
            width=260,
        )
        st.caption(f"併入時，{cycle}年度起的提案移入該組，原組窗口也取得該組。過去年度維持原樣。")
        reason = st.text_input("原因（選填）", key=f"gs-close-reason-{gen}")
        submitted = st.form_submit_button(f"結束（自{cycle}年度起）", icon=":material/block:")
    if not submitted:
        return
    if chosen is None:
        st.error("請先選擇要結束的議題組。")
        return
    writer = signed_out.writer()
    if writer is None:  # signed out since the form was opened: it keeps what was typed
        return
    try:
        with cached.session() as s:
            group_changes.close(
                s,
                actor=writer,
                group_id=chosen,
                year=cycle,
                into=into or None,
                base_version=versions.get(chosen, 0),
                reason=reason,
            )
    except WRITE_ERRORS as error:
        _refused(error)
        return
    target = f"，併入「{names[into].strip('　└ ')}」" if into else ""
    _saved(f"「{names[chosen].strip('　└ ')}」自{cycle}年度起結束{target}。")


def render() -> None:
    styling.style()
    st.title("議題組設定")
    actor = lead_pages.signed_in("設定議題組", key="group-settings-sign-in")
    if actor is None:
        return
    if not actor.is_secretariat:
        st.warning("只有祕書處可以設定議題組。", icon=":material/block:")
        return
    stamp = run_context.get().stamp
    cycle = year_choice.chosen_year(stamp)
    if cycle is None:
        st.info("資料庫沒有任何年度；請先載入 data/。")
        return
    done = st.session_state.pop(DONE_KEY, None)
    if done:
        st.success(url.md_text(done), icon=":material/check_circle:")
    view = cached.group_settings(stamp, cycle)
    groups = view["groups"]
    open_groups = [g for g in groups if not g.closed]
    unconfirmed = [g.name for g in open_groups if g.host_carried and g.host_agency]
    st.caption(
        f"{year_choice.year_label(cycle)}的議題組。主政縣市輪替時，各組多由主政縣市的機關主辦；"
        f"修改自所選年度起生效，之前的年度（含其會議資料）維持原樣。"
    )
    if unconfirmed:
        st.warning(
            f"{len(unconfirmed)} 組的主辦機關{group_terms.CARRIED_NOTE}：" + url.md_text("、".join(unconfirmed)),
            icon=":material/pending:",
        )
    st.dataframe(groups_table(groups), hide_index=True, height="content", key="gs-table")
    gen = st.session_state.setdefault(GENERATION_KEY, 0)
    # the versions the forms were opened on: a save after someone else's is refused as stale
    opened = st.session_state.setdefault(f"gs-versions-{gen}-{cycle}", view["versions"])
    edit_form(cycle, open_groups, opened, gen)
    add_form(cycle, open_groups, gen)
    close_form(cycle, open_groups, opened, gen)
    st.subheader("修改紀錄")
    if view["history"]:
        st.dataframe(history_table(view["history"]), hide_index=True, key="gs-history")
    else:
        st.info("尚無修改紀錄。")


if __name__ == "__main__":  # Streamlit runs a page as __main__; tests may import its parts
    render()
