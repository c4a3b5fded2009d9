"""試算表更新 through AppTest: a reader is asked to sign in; a lead downloads only their own groups,
uploads an edited workbook, sees the preview table, applies it (one version by them) and sees the
same file change nothing the second time; a bad file lists its problems by row and column."""

import pytest
import streamlit as st
from sqlmodel import Session, select
from streamlit.testing.v1 import AppTest

from dashboard.documents import sheet_import, update_sheet
from dashboard.domain import accounts, editing, vocab
from dashboard.domain.permissions import OPERATOR
from dashboard.store.db import make_engine
from dashboard.store.models import ProposalVersion, WorkGroup
from dashboard.web import auth, sessions
from pages.shared import auth_form, signed_out
from tests import databases
from tests.datadocs import cycle_of_data
from tests.pagetest import APP, build_store, diff_fields, markdown_text, serving, sign_in
from tests.test_update_sheet import edited, label, new_proposal_id

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PASSWORD = "sheet pass"  # of both accounts below


@pytest.fixture(scope="module")
def url(tmp_path_factory):
    url = build_store(tmp_path_factory.mktemp("sheet") / "store.db")
    with Session(make_engine(url)) as s:
        secret = auth.hash_password(PASSWORD, rounds=4)
        accounts.add(s, actor=OPERATOR, name="交通窗口", role=vocab.LEAD, groups=("transport",), password_hash=secret)
        accounts.add(s, actor=OPERATOR, name="祕書甲", role=vocab.SECRETARIAT, password_hash=secret)
    with serving(url):
        yield url
    databases.drop(url)


def _open(user: str | None) -> AppTest:
    st.cache_resource.clear()
    at = AppTest.from_file(APP, default_timeout=60)
    if user:
        at.session_state[auth_form.SESSION_KEY] = user
    at.switch_page("../pages/sheet.py")
    return at.run()


def _workbook(url: str) -> bytes:
    with Session(make_engine(url)) as s:
        return update_sheet.workbook(s, scope=update_sheet.Scope(cycle_of_data(), s.get(WorkGroup, "transport")))


def _versions(url: str) -> list[ProposalVersion]:
    with Session(make_engine(url)) as s:
        return list(s.exec(select(ProposalVersion)))


def _upload(at: AppTest, name: str, data: bytes) -> AppTest:
    at.file_uploader[0].set_value((name, data, XLSX))
    return at.run()


def test_a_reader_is_asked_to_sign_in(url):
    at = _open(None)
    assert not at.exception
    assert any("請先" in i.value and "登入" in i.value for i in at.info)
    assert not at.file_uploader


def test_a_lead_downloads_only_their_groups_and_the_secretariat_any(url):
    lead = _open("交通窗口")
    assert not lead.exception
    assert lead.selectbox(key="sheet-group").options == ["交通運輸組"]
    assert f"{cycle_of_data()}年度的提案" in "\n".join(c.value for c in lead.caption)
    assert lead.get("download_button")
    secretariat = _open("祕書甲")
    with Session(make_engine(url)) as s:
        names = [g.name for g in s.exec(select(WorkGroup).order_by(WorkGroup.sort_order))]
    assert secretariat.selectbox(key="sheet-group").options == ["全部議題組", *names]


def test_a_lead_uploads_sees_the_preview_applies_and_a_second_upload_changes_nothing(url):
    target = new_proposal_id()
    data = edited(_workbook(url), {(target, label("contact")): "頁面上傳的聯絡人"})
    at = _upload(_open("交通窗口"), "交通.xlsx", data)
    assert not at.exception and not at.error
    [change] = diff_fields(markdown_text(at))
    assert change["欄位"].startswith(f"{target}　") and change["欄位"].endswith(f"｜{label('contact')}")
    assert change["新值"] == "頁面上傳的聯絡人" and change["原值"]  # the old text whole
    assert _versions(url) == []  # previewed only

    at = at.button(key="sheet-apply").click().run()
    assert not at.exception
    assert any("已套用「交通.xlsx」：1 案" in s.value for s in at.success)
    with Session(make_engine(url)) as s:
        [version] = editing.history(s, target)
    assert (version.recorded_by, version.reason) == ("交通窗口", "試算表更新：交通.xlsx")

    again = _upload(_open("交通窗口"), "交通.xlsx", data)
    assert any("沒有任何變更" in i.value for i in again.info)
    assert len(_versions(url)) == 1


def test_a_bad_file_lists_its_problems_by_row_and_column_and_offers_no_apply(url):
    target = new_proposal_id()
    data = edited(_workbook(url), {(target, label("progress_status")): "差不多了"})
    at = _upload(_open("交通窗口"), "壞.xlsx", data)
    assert not at.exception
    [error] = at.error
    assert "工作表「提案更新」第" in error.value and "進度狀態：未知的進度狀態「差不多了」" in error.value
    assert all(b.key != "sheet-apply" for b in at.button)


def test_an_upload_is_parsed_once_however_often_the_page_reruns(url, monkeypatch):
    reads = []
    original = sheet_import.read_upload

    def counted(name, data):
        reads.append(name)
        return original(name, data)

    monkeypatch.setattr(sheet_import, "read_upload", counted)
    data = edited(_workbook(url), {(new_proposal_id(), label("progress_status")): "差不多了"})
    at = _upload(_open("交通窗口"), "壞.xlsx", data)
    assert at.error and reads == ["壞.xlsx"]
    at.run()  # reruns of the page, as any widget makes
    at.run()
    assert at.error and reads == ["壞.xlsx"]
    _upload(at, "好.xlsx", _workbook(url))  # another file is read
    assert reads == ["壞.xlsx", "好.xlsx"]


def test_signed_out_in_another_tab_the_apply_writes_nothing_keeps_the_file_and_applies_after_signing_in(url):
    """pages/shared/signed_out.py for 套用: refused with 「已登出，請重新登入」, nothing written, the
    file still chosen and its preview shown; after signing in again in the same tab the same button
    applies it as the lead."""
    target = new_proposal_id()
    data = edited(_workbook(url), {(target, label("contact")): "登出後才套用的聯絡人"})
    at = sign_in(_open(None), PASSWORD, "交通窗口", key="sheet-sign-in")
    at = _upload(at, "交通.xlsx", data)
    assert not at.exception and not at.error
    before = len(_versions(url))
    sessions.revoke(make_engine(url), at.session_state[auth_form.TOKEN_KEY])  # 登出 in another tab
    at = at.button(key="sheet-apply").click().run()
    assert not at.exception and not at.success
    assert signed_out.REFUSED in [e.value for e in at.error]
    assert any("「交通窗口」的登入已結束" in w.value for w in at.warning)
    assert len(_versions(url)) == before
    [change] = diff_fields(markdown_text(at))  # the file is still chosen, its preview shown
    assert change["新值"] == "登出後才套用的聯絡人"

    at = sign_in(at, PASSWORD, "交通窗口", key="sheet-sign-in")
    assert not at.exception and not at.error
    at = at.button(key="sheet-apply").click().run()
    assert any("已套用「交通.xlsx」：1 案" in s.value for s in at.success)
    with Session(make_engine(url)) as s:
        latest = editing.history(s, target)[0]
    assert (latest.recorded_by, latest.reason) == ("交通窗口", "試算表更新：交通.xlsx")
    assert len(_versions(url)) == before + 1
