"""Signing in, in a real browser: with a password, and with OpenID Connect against a real provider
(oidc-provider-mock) that the test starts on a free port. Both must survive a reload and a new tab,
and end on signing out. The store has one group lead, 窗口甲, of PROPOSAL's sub-group, with a password
and the e-mail address LEAD_EMAIL; the role of an OIDC sign-in comes from that address.
No fixed waits: every check is a retrying `expect`."""

import contextlib
import secrets

import pytest
from sqlmodel import Session, select

from dashboard.domain import accounts, permissions, vocab
from dashboard.store.db import make_engine
from dashboard.store.models import Proposal
from dashboard.web import auth
from pages.shared import auth_form
from tests import databases
from tests.browser.conftest import (
    DONE,
    EXCEPTION,
    LOCAL,
    PORT_TAKEN,
    RUN_TIMEOUT,
    expect,
    free_port,
    poll,
    start_server,
    stop_server,
)

pytestmark = pytest.mark.browser

PASSWORD = "browser lead pass"
PROPOSAL = "112-J02"
LEAD, LEAD_EMAIL = "窗口甲", "lead.j02@example.org"
STRANGER_EMAIL = "visitor@example.org"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """(dashboard URL, provider URL, a proposal of another group) for a server whose secrets.toml
    points st.login at the provider, on a store holding the lead's account."""
    from oidc_provider_mock import run_server_in_thread

    folder = tmp_path_factory.mktemp("signin")
    database_url = databases.new_url(folder / "live.db", loaded=True)  # PostgreSQL in CI's second pass
    engine = make_engine(database_url)
    with Session(engine) as s:
        mine = s.get(Proposal, PROPOSAL)
        accounts.add(
            s,
            actor=permissions.OPERATOR,
            name=LEAD,
            role=vocab.LEAD,
            groups=(mine.subgroup_id,),
            password_hash=auth.hash_password(PASSWORD, rounds=4),
            email=LEAD_EMAIL,
        )
        other = next(p.id for p in s.exec(select(Proposal).where(Proposal.group_id != mine.group_id)))
    engine.dispose()
    with contextlib.ExitStack() as stack:
        provider = stack.enter_context(run_server_in_thread())
        provider_url = f"http://localhost:{provider.server_port}"
        for attempt in range(3):  # a port chosen here can be taken before the server binds it
            port = free_port()  # st.login's redirect URI names the server's port, so choose it first
            secrets_file = folder / "secrets.toml"
            secrets_file.write_text(
                "[auth]\n"
                f'redirect_uri = "http://127.0.0.1:{port}/oauth2callback"\n'
                f'cookie_secret = "{secrets.token_hex(32)}"\n'
                'client_id = "beitai-dashboard"\n'
                f'client_secret = "{secrets.token_hex(16)}"\n'
                f'server_metadata_url = "{provider_url}/.well-known/openid-configuration"\n',
                encoding="utf-8",
            )
            try:
                proc, url = start_server(
                    folder, "--secrets.files", str(secrets_file), database_url=database_url, port=port
                )
                break
            except RuntimeError as error:
                if PORT_TAKEN not in str(error) or attempt == 2:
                    raise
        try:
            yield url, provider_url, other
        finally:
            stop_server(proc)
            databases.drop(database_url)


@pytest.fixture
def context(browser, site):
    """A browser that reaches the dashboard and the provider, nothing else."""
    _, provider_url, _ = site
    context = browser.new_context(viewport={"width": 1280, "height": 720}, locale="zh-TW")
    context.route("**/*", lambda r: r.continue_() if r.request.url.startswith((*LOCAL, provider_url)) else r.abort())
    yield context
    context.close()


def _open(page, url: str) -> None:
    page.goto(url)
    _settled(page)


def _settled(page) -> None:
    expect(page.locator(DONE)).to_be_attached(timeout=RUN_TIMEOUT)
    expect(page.locator(EXCEPTION)).to_have_count(0)


def _sidebar(page):
    return page.locator('[data-testid="stSidebar"]')


def _is_lead_on_own_card(page, url: str) -> None:
    """The page shows the lead signed in, on their own proposal's card with its 更新提案 form."""
    _open(page, f"{url}/card?id={PROPOSAL}")
    expect(_sidebar(page)).to_contain_text(f"議題組窗口：{LEAD}")
    expect(page.get_by_role("button", name="儲存修改")).to_be_visible()
    expect(page.locator('[data-testid="stSidebarNav"]')).to_contain_text("我的提案")


def _is_reader(page, url: str) -> None:
    _open(page, f"{url}/card?id={PROPOSAL}")
    expect(_sidebar(page).get_by_role("button", name="登入", exact=True)).to_be_visible()
    expect(_sidebar(page)).not_to_contain_text(f"議題組窗口：{LEAD}")
    expect(page.get_by_role("button", name="儲存修改")).to_have_count(0)
    expect(page.locator('[data-testid="stSidebarNav"]')).not_to_contain_text("我的提案")


def test_a_password_sign_in_survives_a_reload_and_a_new_tab_and_signing_out_ends_it(context, site):
    url, _, _ = site
    page = context.new_page()
    _open(page, f"{url}/card?id={PROPOSAL}")
    sidebar = _sidebar(page)
    sidebar.get_by_label("帳號").fill(LEAD)
    sidebar.get_by_label("密碼").fill(PASSWORD)
    sidebar.get_by_role("button", name="登入", exact=True).click()
    expect(sidebar).to_contain_text(f"議題組窗口：{LEAD}")
    _settled(page)

    expect(page).to_have_url(f"{url}/card?id={PROPOSAL}")  # the token never goes into the address
    # The page's script writes the cookie as the run's last element; on a loaded machine that can land
    # after the run reports finished, so the reload waits for the cookie, as a person's would.
    [cookie] = poll(lambda: [c for c in context.cookies() if c["name"] == auth_form.COOKIE], bool, what="cookie")
    page.reload()
    _is_lead_on_own_card(page, url)
    assert (cookie["path"], cookie["sameSite"], cookie["secure"], cookie["httpOnly"]) == ("/", "Strict", False, False)
    assert cookie["expires"] > 0  # kept when the browser restarts, until the store ends it

    tab = context.new_page()
    _open(tab, f"{url}/mine")
    expect(tab.locator('[data-testid="stMain"]')).to_contain_text(PROPOSAL)  # 我的提案 lists the lead's proposal
    expect(tab.locator('[data-testid="stMain"]')).not_to_contain_text("請先以議題組窗口或祕書處帳號登入")

    sidebar.get_by_role("button", name="登出", exact=True).click()
    expect(sidebar.get_by_role("button", name="登入", exact=True)).to_be_visible()
    _settled(page)
    page.reload()
    _is_reader(page, url)
    _is_reader(tab, url)  # the other tab's session ended with it


def _oidc_sign_in(page, url: str, email: str) -> None:
    """Through the provider's own form: type the subject (the mock makes it the e-mail claim)."""
    _open(page, f"{url}/card?id={PROPOSAL}")
    _sidebar(page).get_by_role("button", name="以機關帳號登入（OIDC）").click()
    page.locator('input[name="sub"]').fill(email)
    page.get_by_role("button", name="Authorize").click()
    page.wait_for_url(f"{url}/**")  # back at the dashboard, Streamlit's callback done
    _settled(page)


def test_an_oidc_sign_in_gets_the_role_of_its_e_mail_and_survives_a_reload_and_a_new_tab(context, site):
    url, provider_url, other = site
    page = context.new_page()
    _oidc_sign_in(page, url, LEAD_EMAIL)
    _is_lead_on_own_card(page, url)
    _open(page, f"{url}/card?id={other}")  # another group's proposal: shown, not editable
    expect(page.locator('[data-testid="stMain"]')).to_contain_text(other)
    expect(_sidebar(page)).to_contain_text(f"議題組窗口：{LEAD}")
    expect(page.get_by_role("button", name="儲存修改")).to_have_count(0)

    page.reload()
    _is_lead_on_own_card(page, url)
    tab = context.new_page()
    _is_lead_on_own_card(tab, url)

    _sidebar(page).get_by_role("button", name="登出", exact=True).click()
    page.get_by_role("button", name="End session").click()  # the provider confirms the end of its session
    page.wait_for_url(f"{url}/**")
    _settled(page)
    page.reload()
    _is_reader(page, url)
    expect(_sidebar(page).get_by_role("button", name="以機關帳號登入（OIDC）")).to_be_visible()


def test_an_oidc_sign_in_without_an_account_stays_a_reader_and_is_told_so(context, site):
    url, _, _ = site
    page = context.new_page()
    _oidc_sign_in(page, url, STRANGER_EMAIL)
    _open(page, f"{url}/card?id={PROPOSAL}")
    expect(_sidebar(page)).to_contain_text(f"{STRANGER_EMAIL} 沒有本站帳號，僅能檢視。")
    expect(page.get_by_role("button", name="儲存修改")).to_have_count(0)
    expect(page.locator('[data-testid="stSidebarNav"]')).not_to_contain_text("我的提案")
