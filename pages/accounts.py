"""帳號管理 (the secretariat only): who may sign in, with which role and groups and until which day;
add an account, change one (role, groups, enabled, last day, a new password), and read its history.
Accounts are never deleted, so every recorded change keeps its author.

The chair rotates yearly among the cities and the host city's staff become the secretariat: at the
hand-over the new secretariat is added and the outgoing one's accounts get their last day.

The change form remembers the version of the account it was drawn from (its base) and the values
it showed then (its seed), in session_state, as the proposal form does (pages/shared/edit_form.py):
only what was typed differently is sent, based on that version, and a save after someone else's is
refused (accounts.StaleAccountEdit) with what they changed. A refusal keeps everything typed."""

import pandas as pd
import streamlit as st

from dashboard.domain import accounts, dates, passwords, vocab
from dashboard.domain.permissions import Actor, PermissionDenied
from dashboard.web import auth
from pages.shared import auth_form, cached, lead_pages, run_context, signed_out, styling, url

ADDED_KEY = "accounts-added"  # what the last action did, shown after the form is cleared
GENERATION_KEY = "accounts-generation"  # part of the add form's widget keys: a new value clears it
WHICH_KEY = "accounts-which"  # the account chosen for the change form and its history
STATUS = {False: "啟用", True: "停用"}
PASSWORD_HELP = f"至少 {passwords.MIN_CHARS} 個字，可用空格與中文；不可是常見密碼或帳號名稱。"


def until_text(view: accounts.AccountView) -> str:
    return f"至{dates.roc_date(view.until)}" if view.until else "不限"


def status_text(view: accounts.AccountView) -> str:
    if view.disabled:
        return "停用"
    return "已到期" if view.ended else "啟用"


def account_table(views: list[accounts.AccountView], group_names: dict[str, str]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "帳號": [v.name for v in views],
            "角色": [vocab.ROLES.get(v.role, v.role) for v in views],
            "議題組": ["、".join(group_names.get(g, g) for g in v.groups) or "（全部）" for v in views],
            "電子郵件（OIDC）": [v.email or "" for v in views],
            "密碼登入": ["是" if v.has_password else "否" for v in views],
            "使用期限": [until_text(v) for v in views],
            "狀態": [status_text(v) for v in views],
        }
    )


def _password_pair(keys: tuple[str, str], label: str = "密碼") -> tuple[str, str]:
    """A password typed twice, side by side (one under the other on a phone)."""
    row = st.container(horizontal=True, gap="medium")
    first = row.text_input(label, type="password", key=keys[0], width=260, help=PASSWORD_HELP)
    again = row.text_input(f"再次輸入{label.split('（')[0]}", type="password", key=keys[1], width=260)
    return first, again


def add_form(actor: Actor, group_names: dict[str, str]) -> None:
    gen = st.session_state.setdefault(GENERATION_KEY, 0)
    with st.form(f"accounts-add-{gen}", border=True):
        st.markdown("**新增帳號**")
        row = st.container(horizontal=True, gap="medium")
        name = row.text_input("帳號名稱", key=f"accounts-name-{gen}", width=220)
        role = row.radio(
            "角色",
            list(vocab.ROLES),
            format_func=vocab.ROLES.get,
            horizontal=True,
            key=f"accounts-role-{gen}",
            width="content",
        )
        groups = st.multiselect(
            "議題組（議題組窗口必選；祕書處不選）",
            list(group_names),
            format_func=group_names.get,
            key=f"accounts-groups-{gen}",
            placeholder="選擇議題組",
        )
        email = st.text_input("電子郵件（以機關帳號 OIDC 登入時使用，選填）", key=f"accounts-email-{gen}")
        password, again = _password_pair((f"accounts-password-{gen}", f"accounts-again-{gen}"))
        row = st.container(horizontal=True, gap="medium")
        until = row.date_input(
            "使用期限（最後一天，選填）",
            value=None,
            key=f"accounts-until-{gen}",
            width=220,
            format="YYYY/MM/DD",
            help="帳號可使用到這一天結束，隔天 0 時（臺北時間）起即無法登入與修改。",
        )
        reason = row.text_input("新增原因（選填）", key=f"accounts-reason-{gen}", width=320)
        submitted = st.form_submit_button("新增帳號", type="primary", icon=":material/person_add:")
    if not submitted:
        return
    where = f"新增帳號「{name.strip()}」" if name.strip() else "新增帳號"
    if password != again:
        st.error(f"{where}：兩次輸入的密碼不一致，未新增。")
        return
    writer = signed_out.writer()
    if writer is None:  # signed out since the form was opened: it keeps what was typed
        return
    try:
        hashed = auth.new_password_hash(password, name.strip()) if password else None
        with cached.session() as s:
            accounts.add(
                s,
                actor=writer,
                name=name,
                role=role,
                groups=tuple(groups),
                password_hash=hashed,
                email=email or None,
                until=until,
                reason=reason,
            )
    except (accounts.AccountError, PermissionDenied, ValueError) as error:
        st.error(f"{where}，未新增：{url.md_text(error)}")
        return
    st.session_state[ADDED_KEY] = f"已新增{vocab.ROLES[role]}帳號「{name.strip()}」。"
    st.session_state[GENERATION_KEY] = gen + 1
    st.rerun()


def _state_key(name: str, what: str) -> str:
    return f"accounts-edit-{what}-{name}"


def change_form(actor: Actor, view: accounts.AccountView, group_names: dict[str, str]) -> None:
    """The form changing `view`'s account, drawn from the version it was first shown at."""
    state = st.session_state
    seed: accounts.AccountView = state.setdefault(_state_key(view.name, "seed"), view)
    key = f"accounts-edit-{view.name}-{seed.version}"  # a new base draws fresh widgets
    with st.form(key, border=True):
        st.markdown(f"**修改帳號「{url.md_text(view.name)}」**（第 {seed.version} 版）")
        row = st.container(horizontal=True, gap="medium")
        role = row.radio(
            "角色",
            list(vocab.ROLES),
            index=list(vocab.ROLES).index(seed.role) if seed.role in vocab.ROLES else 0,
            format_func=vocab.ROLES.get,
            horizontal=True,
            key=f"{key}-role",
            width="content",
        )
        disabled = row.radio(
            "狀態",
            list(STATUS),
            index=int(seed.disabled),
            format_func=STATUS.get,
            horizontal=True,
            key=f"{key}-status",
            width="content",
        )
        groups = st.multiselect(
            "議題組（議題組窗口必選；改為祕書處時不需選）",
            list(group_names),
            default=[g for g in seed.groups if g in group_names],
            format_func=group_names.get,
            key=f"{key}-groups",
            placeholder="選擇議題組",
        )
        until = st.date_input(
            "使用期限（最後一天，留空表示不限）",
            value=seed.until,
            key=f"{key}-until",
            width=260,
            format="YYYY/MM/DD",
            help="帳號可使用到這一天結束，隔天 0 時（臺北時間）起即無法登入與修改。",
        )
        password, again = _password_pair((f"{key}-password", f"{key}-again"), "新密碼（留空表示不變）")
        reason = st.text_input("修改原因（選填，記入修改紀錄）", key=f"{key}-reason")
        submitted = st.form_submit_button("儲存修改", type="primary", icon=":material/save:")
    if submitted:
        typed = {"role": role, "groups": groups, "disabled": disabled, "until": until}
        _save(actor, seed, typed, password, again, reason, group_names)
    refused = state.get(_state_key(view.name, "refused"))
    if refused:
        st.error(refused)
        if isinstance(state.get(_state_key(view.name, "stale")), int) and st.button(
            "放棄我的修改，改以最新內容重新填寫", key=f"{key}-rebase", icon=":material/sync:"
        ):
            _forget(view.name)
            st.rerun()


def _save(actor, seed, typed: dict, password: str, again: str, reason: str, group_names) -> None:
    """Send what differs from the seed, based on the seed's version; a refusal is kept in
    session_state (shown under the form) and leaves every widget as typed."""
    name, state = seed.name, st.session_state
    state.pop(_state_key(name, "refused"), None)
    state.pop(_state_key(name, "stale"), None)
    where = f"帳號「{name}」的修改未儲存"
    if password != again:
        state[_state_key(name, "refused")] = f"{where}：兩次輸入的新密碼不一致。"
        return
    changes = {
        "role": typed["role"] if typed["role"] != seed.role else None,
        "groups": typed["groups"] if sorted(typed["groups"]) != sorted(seed.groups) else None,
        "disabled": typed["disabled"] if typed["disabled"] != seed.disabled else None,
        "until": typed["until"] if typed["until"] != seed.until else accounts.KEEP,
    }
    writer = signed_out.writer()
    if writer is None:  # signed out since the form was opened: it keeps what was typed
        return
    try:
        hashed = auth.new_password_hash(password, name) if password else None
        with cached.session() as s:
            version = accounts.change(
                s,
                actor=writer,
                name=name,
                base_version=seed.version,
                password_hash=hashed,
                reason=reason,
                **changes,
            )
    except accounts.StaleAccountEdit as error:
        state[_state_key(name, "refused")] = f"{where}：{url.md_text(error)}"
        state[_state_key(name, "stale")] = error.current
        return
    except passwords.PasswordError as error:
        state[_state_key(name, "refused")] = f"{where}：新密碼不符規定：{url.md_text(error)}"
        return
    except (accounts.AccountError, PermissionDenied, ValueError) as error:
        state[_state_key(name, "refused")] = f"{where}：{url.md_text(error)}"
        return
    if version is None:
        state[_state_key(name, "refused")] = f"帳號「{name}」沒有變更：表單內容與目前相同。"
        return
    if hashed and name == writer.name:
        auth_form.renew_session(name, hashed)  # the new password ends every other session, not this one
    done = "；".join(accounts.describe(c, group_names) for c in version.changes)
    state[ADDED_KEY] = f"已修改帳號「{name}」（第 {version.version} 版）：{done}。"
    _forget(name)
    st.rerun()


def _forget(name: str) -> None:
    """Drop the form's seed and refusal: the next run draws it from the version in force."""
    for what in ("seed", "refused", "stale"):
        st.session_state.pop(_state_key(name, what), None)


def history_markdown(versions, group_names: dict[str, str]) -> str:
    """The versions, newest first, as one markdown list: a line per version (number, time in
    Taipei, who, why) with its changes under it; it wraps on a phone, where a table would cut."""
    lines = []
    for v in versions:
        head = (
            f"**第 {v.version} 版**｜{dates.roc_datetime(dates.in_taipei(v.recorded_at))}｜{url.md_text(v.recorded_by)}"
        )
        if v.version == 1:
            head += "｜新增帳號"
        if v.reason:
            head += f"｜原因：{url.md_text(v.reason)}"
        lines.append(f"- {head}")
        lines.extend(f"    - {url.md_text(text)}" for text in accounts.described(v, group_names))
    return "\n".join(lines)


def history_section(name: str, group_names: dict[str, str]) -> None:
    with cached.session() as s:
        versions = accounts.history(s, name)
    st.markdown(f"**「{url.md_text(name)}」的修改紀錄**（新到舊）")
    if not versions:
        st.caption("尚無修改紀錄：此帳號建立於開始記錄帳號版本之前，之後未曾修改。")
        return
    with st.container(key="accounts-history"):
        st.markdown(history_markdown(versions, group_names))


def change_section(actor: Actor, views: list[accounts.AccountView], group_names: dict[str, str]) -> None:
    st.subheader("修改帳號")
    st.caption(
        "可變更角色、議題組窗口的議題組、停用或重新啟用、使用期限，或重設密碼（新密碼會讓該帳號其他已登入的"
        "裝置登出）。交接時請為卸任的祕書處帳號設定使用期限的最後一天。"
    )
    by_name = {v.name: v for v in views}
    name = st.selectbox(
        "帳號",
        list(by_name),
        index=None,
        placeholder="選擇要修改的帳號",
        format_func=lambda n: f"{n}（{vocab.ROLES.get(by_name[n].role, '')}，{status_text(by_name[n])}）",
        key=WHICH_KEY,
        width=360,
    )
    if name is None:
        return
    change_form(actor, by_name[name], group_names)
    history_section(name, group_names)


def render() -> None:
    styling.style()
    st.title("帳號管理")
    actor = lead_pages.signed_in("管理帳號", key="accounts-sign-in")
    if actor is None:
        return
    if not actor.is_secretariat:
        st.warning("只有祕書處可以管理帳號。", icon=":material/block:")
        return
    done = st.session_state.pop(ADDED_KEY, None)
    if done:
        st.success(done, icon=":material/check_circle:")
    stamp = run_context.get().stamp
    group_names = {g.id: g.name for g in cached.groups(stamp)}
    with cached.session() as s:
        views = accounts.listing(s)
    if views:
        st.dataframe(account_table(views, group_names), hide_index=True, height="content", key="accounts-table")
    else:
        st.info("資料庫中還沒有帳號；請由下方新增第一個議題組窗口或祕書處帳號。")
    st.caption(
        f"帳號不會刪除，只能停用或設定使用期限，讓每筆修改紀錄都找得到作者。停用或過了使用期限（今天是"
        f"{dates.roc_date(dates.now_taipei())}）即無法登入與修改。"
    )
    add_form(actor, group_names)
    if views:
        change_section(actor, views, group_names)


if __name__ == "__main__":  # Streamlit runs a page as __main__; tests may import its parts
    render()
