"""Who is signed in, and the sign-in panel: accounts in the store (group leads and the secretariat,
dashboard/domain/accounts.py), secretariat users of secrets.toml, or an OIDC login.

Password users are the store's enabled accounts with a password and `[secretariat.users]` of
secrets.toml (name = bcrypt hash); a name in both signs in with the store's. When an `[auth]`
section is configured, Streamlit's OIDC login (st.login) is offered too: its e-mail maps to a store
account, or counts as secretariat when listed in `[secretariat] oidc_emails`. Without any of these
the pages are read-only; a secrets file that is broken is reported on the form and in the log
instead. Failed attempts are slowed per client address (dashboard/web/throttle.py). Not a page:
imported by the card page, the meeting page and the presenter view.

A password sign-in lasts beyond its tab: it gets a session token (dashboard/web/sessions.py) that this
tab keeps in st.session_state and the browser in a cookie (COOKIE: path /, SameSite=Strict, Secure
over https), written by a few lines of JavaScript since Streamlit sets no cookies of its own for us.
A reload or a new tab sends the cookie with its connection (st.context.cookies) and is signed in
again. The token never goes into the URL: presenters share deep links. OIDC sign-ins persist through
Streamlit's own cookie.
"""

import importlib.util
import json
import logging
import math
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol

import streamlit as st

from dashboard.domain import accounts, passwords, queries, vocab
from dashboard.domain.permissions import READER, Actor
from dashboard.web import auth, sessions, throttle
from pages.shared import cached, page_list, url

SESSION_KEY = "secretariat_user"  # the password-signed-in name in this tab
TOKEN_KEY = "sign_in_token"  # its session token, checked against the store on every run
ENDED_KEY = "sign_in_ended"  # a cookie's token found ended, so it is not looked up again
COOKIE_DUE_KEY = "sign_in_cookie_due"  # the sidebar writes the cookie at the next run (a new token, a sign-out)
COOKIE_RUN_KEY = "sign_in_cookie_run"  # the page run that last wrote the cookie (once per run)
SIGNED_OUT_HERE_KEY = "sign_in_left"  # this tab's own 登出: its forms are not kept (pages/shared/run_context.py)
COOKIE = "beitai_session"
# Visitors see where they stand, never how the server is set up (README documents that).
READ_ONLY_NOTE = "目前為唯讀：本站尚未開放登入。"
BROKEN_NOTE = "祕書處登入設定有誤，請管理者修正 .streamlit/secrets.toml（詳見伺服器紀錄）："
CLOCK = time.time  # the throttle's clock; tests replace it
SESSION_CLOCK = time.time  # the session tokens' clock; tests replace it
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Settings:
    """The sign-in settings from st.secrets."""

    users: dict[str, str]  # name -> bcrypt hash, from [secretariat.users]
    oidc: bool  # an [auth] section is configured
    oidc_emails: frozenset[str]  # casefolded, from [secretariat] oidc_emails
    problems: tuple[auth.Problem, ...] = ()  # what is wrong in secrets.toml, shown on the form


def settings() -> Settings:
    """The sign-in settings, read once per run and passed on: without a secrets file, every read of
    st.secrets looks for the files again. A missing secrets file means read-only; a broken one is
    reported (on the form and in the log), since silently turning read-only would leave the
    secretariat unable to sign in without knowing why."""
    try:
        secretariat = st.secrets.get("secretariat")
        oidc = isinstance(st.secrets.get("auth"), Mapping)
    except FileNotFoundError as error:  # StreamlitSecretNotFoundError: missing, or failed to parse
        if getattr(error, "error_id", None) == "no-secrets-found":
            return Settings(users={}, oidc=False, oidc_emails=frozenset())
        cause = error.__cause__  # tomllib's error names line and column; Streamlit's adds the server's path
        problem = auth.Problem(
            f"secrets.toml 不是有效的 TOML 檔：{cause}" if cause else f"無法讀取 secrets.toml：{error}"
        )
        _log_problems((problem,))
        return Settings(users={}, oidc=False, oidc_emails=frozenset(), problems=(problem,))
    accounts = auth.read_accounts(secretariat)
    problems = accounts.problems
    if oidc and not oidc_installed():  # st.login would fail at the click; say so on the form instead
        oidc, problems = False, (*problems, auth.Problem(OIDC_MISSING))
    _log_problems(problems)
    return Settings(users=accounts.users, oidc=oidc, oidc_emails=accounts.oidc_emails, problems=problems)


OIDC_MISSING = "secrets.toml 設定了 [auth]（OIDC 登入），但伺服器未安裝 Authlib；請安裝 .[oidc] 後重新啟動。"


def oidc_installed() -> bool:
    """Whether st.login can work: Streamlit needs Authlib for it (the `oidc` extra)."""
    return importlib.util.find_spec("authlib") is not None


_logged: set[auth.Problem] = set()  # each problem is logged once per process, not on every run


def _log_problems(problems) -> None:
    for problem in set(problems) - _logged:
        _logged.add(problem)
        log.error(
            "Sign-in settings: %s%s", problem.message, f" (account {problem.account!r})" if problem.account else ""
        )


def _oidc_email(config: Settings) -> str | None:
    """The e-mail of the OIDC-signed-in user, if any."""
    if not config.oidc:
        return None
    try:
        if not st.user.get("is_logged_in", False):
            return None
        return str(st.user.get("email") or "") or None
    except Exception:  # st.user not available in this runtime
        return None


def read_actor(config: Settings) -> Actor:
    """Who this session acts as, read from the store now: an account in the store (its role and
    groups), a secretariat user of secrets.toml or its OIDC list, or READER when nobody is signed
    in. A page run reads it once (pages/shared/run_context.py), so a disabled account stops acting
    at its next run (even when secrets.toml has the same name); a write reads it again. One
    statement for a password sign-in, none for a reader."""
    name, account = _password_account(config)
    if account is not None:
        return account.actor or READER  # disabled: no longer acts, whatever secrets.toml says
    email = _oidc_email(config)
    if email:
        with cached.engine().connect() as connection:
            found = accounts.standing_by_email(connection, email)
        if found is not None and found.actor is not None:
            return found.actor
    if name and name in config.users:  # the account may have been removed since sign-in
        return Actor(name=name, role=vocab.SECRETARIAT)
    if email and email.casefold() in config.oidc_emails:
        return Actor(name=email, role=vocab.SECRETARIAT)
    return READER


def _password_account(config: Settings) -> tuple[str | None, accounts.Standing | None]:
    """The name this tab is signed in as with a password, and its account in the store now (None
    for a user of secrets.toml): by the tab's own token, or else by the token in the browser's
    cookie (a reload or a new tab). A token that has ended (signed out anywhere, expired, account
    disabled or password changed) signs the tab out."""
    name, token = st.session_state.get(SESSION_KEY), st.session_state.get(TOKEN_KEY)
    if token is None:
        cookie = cookie_token()
        if name or not cookie or cookie == st.session_state.get(ENDED_KEY):
            if not name:
                return None, None
            with cached.engine().connect() as connection:
                return name, accounts.standing(connection, name)
        token = cookie
    holder = sessions.holder(cached.engine(), token, config.users, clock=SESSION_CLOCK)
    if holder is None:
        st.session_state.pop(SESSION_KEY, None)
        st.session_state.pop(TOKEN_KEY, None)
        st.session_state[ENDED_KEY] = token
        return None, None
    st.session_state[SESSION_KEY], st.session_state[TOKEN_KEY] = holder.name, token
    return holder.name, holder.account


def cookie_token() -> str | None:
    """The session token the browser sent when this tab connected, if any."""
    try:
        value = st.context.cookies.get(COOKIE)
    except Exception:  # no request context in this runtime
        return None
    return value if isinstance(value, str) and value else None


def _cookie_script(token: str | None) -> str:
    """JavaScript that stores `token` in the session cookie, or deletes the cookie when None."""
    value, age = (token, int(sessions.MAX_AGE)) if token else ("", 0)
    return (
        "<script>document.cookie = "
        + json.dumps(f"{COOKIE}={value}; Path=/; Max-Age={age}; SameSite=Strict")
        + " + (location.protocol === 'https:' ? '; Secure' : '');</script>"
    )


def _keep_cookie(run: "PageRun") -> None:
    """Make the browser's cookie match this tab: this tab's token, or none once it has ended. Once
    per page run (`run`: the sidebar and a page's sign-in panel may both ask)."""
    if st.session_state.get(COOKIE_RUN_KEY) is run:
        return
    st.session_state[COOKIE_RUN_KEY] = run
    token = st.session_state.get(TOKEN_KEY)
    if token or cookie_token() or st.session_state.get(ENDED_KEY):
        st.html(_cookie_script(token), unsafe_allow_javascript=True, width="content")


def password_users(config: Settings) -> dict[str, str]:
    """name -> bcrypt hash of everyone who may sign in with a password; the store's accounts first."""
    with cached.session() as s:
        return {**config.users, **accounts.password_hashes(s)}


def offers_sign_in(config: Settings, stamp: queries.StoreStamp) -> bool:
    """Whether anyone can sign in at all (else the pages say they are read-only)."""
    return offers_password(config, stamp) or config.oidc or bool(config.problems)


def offers_password(config: Settings, stamp: queries.StoreStamp) -> bool:
    return bool(config.users) or stamp.password_accounts > 0


def role_line(actor: Actor, stamp: queries.StoreStamp) -> str:
    """「議題組窗口：王小明」 and, for a lead, the groups they edit (names from the store), as markdown
    for st.success: the account and group names are escaped, so that a name is shown as typed."""
    line = f"{vocab.ROLES.get(actor.role, actor.role)}：{url.md_text(actor.name)}"
    if actor.role == vocab.LEAD and actor.groups:
        names = {g.id: g.name for g in cached.groups(stamp)}
        line += "\n\n負責議題組：" + "、".join(url.md_text(n) for n in sorted(names.get(g, g) for g in actor.groups))
    return line


class PageRun(Protocol):
    """What the panel needs of the page run (pages/shared/run_context.RunContext, which reads who is
    signed in through this module: named by its shape here, so the two modules do not import each other)."""

    actor: Actor
    settings: "Settings"
    stamp: tuple


def sign_in_panel(run: "PageRun", *, key: str = "sign-in") -> None:
    """Sign-in (or the signed-in user, their role and a sign-out button) in the current container,
    for the page run `run` (run_context.get())."""
    _panel(key, run)
    _keep_cookie(run)  # last, so its (empty) element adds no gap above the panel


def _panel(key: str, run: "PageRun") -> None:
    actor, config = run.actor, run.settings
    if actor.name:
        if url.is_presenting():  # the sidebar, where every page shows who is signed in, is hidden
            _signed_in(run, key)
        return
    if not offers_sign_in(config, run.stamp):
        st.caption(READ_ONLY_NOTE)
        return
    if config.problems:
        st.error("\n".join([BROKEN_NOTE] + [f"- {problem.message}" for problem in config.problems]))
    email = _oidc_email(config)
    if email:  # signed in with OIDC but without an account
        st.warning(f"{email} 沒有本站帳號，僅能檢視。")
        if st.button("登出", key=f"{key}-oidc-out"):
            st.logout()
    elif config.oidc and st.button("以機關帳號登入（OIDC）", key=f"{key}-oidc"):
        st.login()
    if offers_password(config, run.stamp):
        _password_form(key, config)


def _password_form(key: str, config: Settings) -> None:
    with st.form(f"{key}-form", clear_on_submit=True):
        st.caption("議題組窗口登入後可更新所屬提案；祕書處登入後可記錄決議。")
        name = st.text_input("帳號", key=f"{key}-name")
        password = st.text_input("密碼", type="password", key=f"{key}-password")
        submitted = st.form_submit_button("登入")
    if not submitted:
        return
    users = password_users(config)  # read at the attempt, not from the run's start
    result = auth.sign_in(
        users, name, password, client=client(), throttle=throttle.Throttle(cached.engine(), clock=CLOCK)
    )
    if result.ok:
        st.session_state[TOKEN_KEY] = sessions.issue(
            cached.engine(), result.user, users[result.user], clock=SESSION_CLOCK
        )
        st.session_state[SESSION_KEY] = result.user
        st.session_state[COOKIE_DUE_KEY] = True  # pages that draw no panel once signed in: the sidebar writes it
        st.rerun()
    st.error(failure_message(result))


def failure_message(result: auth.SignInResult) -> str:
    seconds = math.ceil(result.wait_seconds)
    if result.busy:
        return "系統正忙於處理其他登入，請稍後再試。"
    if result.refused:
        return f"登入失敗次數過多，請於 {seconds} 秒後再試。"
    if seconds:
        return f"帳號或密碼錯誤。請等 {seconds} 秒後再試；連續失敗時等待時間會加長。"
    return "帳號或密碼錯誤。"


def client() -> str:
    """The address this session's attempts are counted under (see throttle.client_id)."""
    try:
        peer, forwarded = st.context.ip_address, st.context.headers.get_all("X-Forwarded-For")
    except Exception:  # no request context in this runtime
        peer, forwarded = None, []
    if not isinstance(peer, str):  # None on loopback; AppTest's stand-in is not an address either
        peer = None
    return throttle.client_id(
        peer, [hop for hop in forwarded if isinstance(hop, str)] if isinstance(forwarded, list) else []
    )


def renew_session(name: str, password_hash: str) -> None:
    """Keep this tab signed in after its own account's password changed: the change ends every
    session of the old password (this tab's too), so the tab gets a new one; its cookie follows at
    the next run (account_sidebar)."""
    sessions.revoke(cached.engine(), st.session_state.get(TOKEN_KEY))
    st.session_state[TOKEN_KEY] = sessions.issue(cached.engine(), name, password_hash, clock=SESSION_CLOCK)
    st.session_state[SESSION_KEY] = name
    st.session_state[COOKIE_DUE_KEY] = True


def own_password_hash(actor: Actor) -> str | None:
    """The password hash of the signed-in account in the store, None when it has none there (a
    user of secrets.toml or OIDC only): whether it can change its password in the app."""
    if actor.name is None:
        return None
    with cached.session() as s:
        return accounts.password_hash_of(s, actor.name)


def change_own_password(actor: Actor, old: str, new: str, again: str) -> str | None:
    """Change the signed-in account's password, knowing the old one; what went wrong (None: done).
    The old password is checked as at sign-in (throttled, one check at a time), so that a tab left
    signed in cannot be used to guess it; the new one by the rules of a new password."""
    if new != again:
        return "兩次輸入的新密碼不一致，密碼未變更。"
    current = own_password_hash(actor)
    if current is None:
        return "此帳號不是以本站密碼登入，無法在這裡變更密碼。"
    result = auth.sign_in(
        {actor.name: current},
        actor.name,
        old,
        client=client(),
        throttle=throttle.Throttle(cached.engine(), clock=CLOCK),
    )
    if not result.ok:
        if result.busy or result.refused:
            return f"{failure_message(result)}（密碼未變更）"
        wait = math.ceil(result.wait_seconds)
        return "目前的密碼不正確，密碼未變更。" + (f"請等 {wait} 秒後再試。" if wait else "")
    try:
        hashed = auth.new_password_hash(new, actor.name)
        with cached.session() as s:
            accounts.change(s, actor=actor, name=actor.name, password_hash=hashed)
    except passwords.PasswordError as error:
        return f"新密碼不符規定，密碼未變更：{error}"
    except (accounts.AccountError, ValueError) as error:
        return f"密碼未變更：{error}"
    renew_session(actor.name, hashed)
    return None


def account_sidebar(run: "PageRun") -> None:
    """Who is signed in, a link to change the password and 登出, in the sidebar of every page (the
    entrypoint draws it; not in presentation mode). From the run's context: no query of its own.
    The browser's cookie is written here only once after this tab's token changed here (a new
    password, a sign-out): the sign-in panel keeps it on the pages that show the panel."""
    with st.sidebar:
        if run.actor.name is not None:
            _signed_in(run, "sidebar")
        if st.session_state.pop(COOKIE_DUE_KEY, False):
            _keep_cookie(run)


def _signed_in(run: "PageRun", key: str) -> None:
    """The signed-in user, their role (a lead's groups) and what they may do; 變更密碼 for a password
    sign-in; 登出."""
    actor = run.actor
    st.success(role_line(actor, run.stamp))
    st.caption("可記錄決議、修改所有提案。" if actor.is_secretariat else "可更新所屬議題組的提案。")
    row = st.container(horizontal=True, gap="small", vertical_alignment="center")
    if st.session_state.get(SESSION_KEY) and not url.is_presenting():
        row.page_link(page_list.page_path("password"), label="變更密碼", icon=":material/password:")
    if row.button("登出", key=f"{key}-out", icon=":material/logout:"):
        st.session_state[COOKIE_DUE_KEY] = True
        _sign_out(run.settings)


def _sign_out(config: Settings) -> None:
    """Sign out: a password session ends in the store (so every tab of it is signed out, and the
    cookie is deleted on the next run); an OIDC one through Streamlit."""
    token = st.session_state.pop(TOKEN_KEY, None)
    st.session_state[SIGNED_OUT_HERE_KEY] = True
    sessions.revoke(cached.engine(), token)
    if token:
        st.session_state[ENDED_KEY] = token
    if st.session_state.pop(SESSION_KEY, None) is None and _oidc_email(config):
        st.logout()  # no rerun after it: a new run would drop the redirect to the provider's logout
        return
    st.rerun()
