"""Editing a proposal on its card through AppTest: a group lead signs in with a store account,
updates progress and sees it on the card, the proposal list and the group page; others get no
form; every save is in the history; a save based on an older version is refused without losing
what was typed; only the secretariat reverts."""

import pytest
from sqlmodel import Session, select

from dashboard.domain import accounts, editing, permissions, proposal_rules, proposal_yaml, vocab
from dashboard.store.db import make_engine
from dashboard.store.models import Proposal, WorkGroup
from dashboard.web import auth
from tests import databases
from tests.pagetest import build_store, diff_fields, history_rows, markdown_text, open_page, serving, table_values

PASSWORD = "lead pass 123"
OWN, OTHER = "112-J02", "112-C01"  # the lead's group (education) and another (transport)


@pytest.fixture
def store(tmp_path):
    """A store with a lead of OWN's sub-group and a secretariat account, served to the app."""
    url = build_store(tmp_path / "store.db")
    engine = make_engine(url)
    with Session(engine) as s:
        group = s.get(Proposal, OWN).subgroup_id
        assert group and group != s.get(Proposal, OTHER).group_id
        hashed = auth.hash_password(PASSWORD, rounds=4)
        accounts.add(
            s, actor=permissions.OPERATOR, name="教育窗口", role=vocab.LEAD, groups=(group,), password_hash=hashed
        )
        accounts.add(
            s, actor=permissions.OPERATOR, name="另一窗口", role=vocab.LEAD, groups=(group,), password_hash=hashed
        )
        accounts.add(s, actor=permissions.OPERATOR, name="祕書乙", role=vocab.SECRETARIAT, password_hash=hashed)
    with serving(url):
        yield engine
    engine.dispose()
    databases.drop(url)


def signed_in(name: str, proposal_id: str = OWN):
    at = open_page("card", {"id": proposal_id})
    at.sidebar.text_input(key="sign-in-name").input(name)
    at.sidebar.text_input(key="sign-in-password").input(PASSWORD)
    next(b for b in at.sidebar.button if b.label == "登入").click()
    at = at.run()
    assert not at.exception and not at.sidebar.error
    return at


def widget(at, kind: str, label: str):
    return next(w for w in getattr(at, kind) if w.label == label)


def has_form(at) -> bool:
    return any(b.label == "儲存修改" for b in at.button)


def save(at, **typed):
    """Type into the form (label -> value) and press 儲存修改."""
    for label, value in typed.items():
        kind = (
            "text_area"
            if any(w.label == label for w in at.text_area)
            else ("selectbox" if any(w.label == label for w in at.selectbox) else "text_input")
        )
        field = widget(at, kind, label)
        field.select(value) if kind == "selectbox" else field.input(value)
    next(b for b in at.button if b.label == "儲存修改").click()
    return at.run()


def click(at, label: str):
    next(b for b in at.button if b.label == label).click()
    return at.run()


def errors(at) -> str:
    return "\n".join(e.value for e in at.error)


def history_table(at) -> list[dict]:
    return history_rows(at)


def progress_text(engine, proposal_id: str, text: str) -> str:
    """New progress text that keeps the progress basis (which must appear in it or in the reason)."""
    with Session(engine) as s:
        return f"{text}{s.get(Proposal, proposal_id).progress_basis}"


def new_status(engine, proposal_id: str) -> str:
    with Session(engine) as s:
        current = s.get(Proposal, proposal_id).progress_status
    return next(status for status in vocab.PROGRESS_STATUSES if status != current)


def test_a_lead_updates_progress_and_every_page_shows_it(store):
    status, text = new_status(store, OWN), progress_text(store, OWN, "已於本季完成兩場交流會議。")
    at = signed_in("教育窗口")
    with Session(store) as s:
        group_name = s.get(WorkGroup, s.get(Proposal, OWN).subgroup_id).name
    panel = "\n".join(s.value for s in at.sidebar.success)
    assert "議題組窗口：教育窗口" in panel and f"負責議題組：{group_name}" in panel
    assert "尚無線上修改" in "\n".join(c.value for c in at.caption)
    at = save(at, 進度說明=text, 進度狀態=status)
    assert not at.exception and not errors(at), errors(at)
    assert any("已儲存為第 1 版" in s.value for s in at.success)
    assert text in markdown_text(at)  # the card itself, at once
    assert "第 1 版" in "\n".join(c.value for c in at.caption) and "教育窗口" in "\n".join(c.value for c in at.caption)
    assert widget(at, "text_area", "進度說明").value == text  # the form reopened on it

    with Session(store) as s:
        group = s.get(Proposal, OWN).group_id
    listing = open_page("proposals")
    row = next(line for line in table_values(listing).splitlines() if OWN in line)
    assert status in row
    group_page = open_page("groups", {"group": group})
    row = next(line for line in table_values(group_page).splitlines() if OWN in line)
    assert status in row


def test_a_lead_gets_no_form_on_another_groups_card_and_a_reader_none_at_all(store):
    at = signed_in("教育窗口", OTHER)
    assert not has_form(at)
    assert not has_form(open_page("card", {"id": OWN}))  # not signed in
    assert has_form(signed_in("教育窗口", OWN))


def test_two_edits_are_two_versions_in_the_history_newest_first(store):
    text = progress_text(store, OWN, "第一次更新的進度。")
    at = signed_in("教育窗口")
    at = save(at, 進度說明=text)
    at = save(at, 聯絡人="教育局 王小明 02-1234-5678", **{"修改原因（選填）": "換聯絡窗口"})
    assert not errors(at), errors(at)
    rows = history_table(at)
    assert [r["版本"] for r in rows] == ["第 2 版", "第 1 版"]
    assert (
        rows[0]["欄位"] == "聯絡人"
        and rows[0]["新值"] == "教育局 王小明 02-1234-5678"
        and rows[0]["原因"] == "換聯絡窗口"
    )
    assert rows[1]["欄位"] == "進度說明" and rows[1]["新值"] == text and rows[1]["修改者"] == "教育窗口"
    assert history_rows(open_page("card", {"id": OWN})), "readers see the history too"


def test_a_refused_value_names_its_field_and_keeps_what_was_typed(store):
    at = signed_in("教育窗口")
    at = save(at, 進度狀態依據="這句話不在進度說明裡")
    assert "進度狀態依據" in errors(at) and "逐字" in errors(at)
    assert widget(at, "text_input", "進度狀態依據").value == "這句話不在進度說明裡"
    with Session(store) as s:
        assert editing.current_version(s, OWN) == 0


def test_a_save_that_loses_by_an_instant_is_refused_and_keeps_what_was_typed(store, monkeypatch):
    """The other save commits after this page run read the versions, just before this save: the
    refusal and the other person's change are shown all the same, and nothing typed is lost."""
    typed = progress_text(store, OWN, "甲輸入的進度，不可遺失。")
    at = signed_in("教育窗口")
    real_edit = editing.edit

    def rival_first(session, **kwargs):
        with Session(store) as rival:
            real_edit(
                rival,
                actor=permissions.Actor(name="祕書乙", role=vocab.SECRETARIAT),
                proposal_id=OWN,
                changes={"contact": "乙同時改的聯絡人"},
                base_version=0,
            )
        monkeypatch.setattr(editing, "edit", real_edit)
        return real_edit(session, **kwargs)

    monkeypatch.setattr(editing, "edit", rival_first)
    at = save(at, 進度說明=typed)
    assert not at.exception
    refusal = errors(at)
    assert "未儲存" in refusal and "祕書乙" in refusal and "第 1 版" in refusal
    assert "乙同時改的聯絡人" in markdown_text(at)
    assert widget(at, "text_area", "進度說明").value == typed
    with Session(store) as s:
        assert editing.current_version(s, OWN) == 1 and s.get(Proposal, OWN).progress != typed


def test_a_save_on_an_older_version_is_refused_then_applies_on_the_latest(store):
    typed = progress_text(store, OWN, "乙輸入的進度，不可遺失。")
    first, second = signed_in("教育窗口"), signed_in("另一窗口")  # both open the form on version 0
    first = save(first, 聯絡人="甲先改的聯絡人")
    assert not errors(first)
    second = save(second, 進度說明=typed)
    refusal = errors(second)
    assert "教育窗口" in refusal and "第 1 版" in refusal
    assert "甲先改的聯絡人" in markdown_text(second)  # the other person's change is shown
    assert widget(second, "text_area", "進度說明").value == typed
    with Session(store) as s:
        assert s.get(Proposal, OWN).progress != typed

    second = click(second, "以最新版本為基礎")
    assert widget(second, "text_area", "進度說明").value == typed
    assert widget(second, "text_area", "聯絡人").value == "甲先改的聯絡人"  # untouched: the latest value
    second = click(second, "儲存修改")
    assert not errors(second), errors(second)
    with Session(store) as s:
        saved = s.get(Proposal, OWN)
        assert (saved.progress, saved.contact) == (typed, "甲先改的聯絡人")
        assert editing.current_version(s, OWN) == 2


def radio(at, label: str):
    return next(w for w in at.radio if w.label == label)


def test_two_sentences_added_to_one_text_are_both_kept_after_the_choice(store):
    """Lead A adds a sentence to 進度說明 and saves; B, who opened the card before, adds another: B's
    save is refused, both texts are shown whole side by side, and B must choose before moving on;
    merging keeps both sentences (before the fix, B's text replaced A's without a word)."""
    with Session(store) as s:
        opened = s.get(Proposal, OWN).progress
    a_says, b_says = "甲補充：已於第3季辦理聯合訪視。", "乙補充：各校回報已彙整<b>完成</b>。"
    first, second = signed_in("教育窗口"), signed_in("另一窗口")
    first = save(first, 進度說明=opened + a_says)
    assert not errors(first), errors(first)
    second = save(second, 進度說明=opened + b_says)
    refusal = errors(second)
    assert "未儲存" in refusal and "教育窗口" in refusal and "雙方都修改了「進度說明」" in refusal
    [theirs_vs_mine] = [f for f in diff_fields(markdown_text(second)) if f["右標題"] == "您的內容"]
    assert theirs_vs_mine["欄位"] == "進度說明：雙方都修改了此欄"
    assert theirs_vs_mine["原值"] == opened + a_says and theirs_vs_mine["新值"] == opened + b_says  # whole
    assert "<ins>各校回報已彙整&lt;b&gt;完成&lt;/b&gt;</ins>" in markdown_text(second)  # escaped, marked
    assert "<b>完成" not in markdown_text(second)
    assert widget(second, "text_area", "進度說明").value == opened + b_says

    second = click(second, "以最新版本為基礎")  # no choice yet: the form stays where it was
    assert "尚未選擇：「進度說明」" in errors(second)
    assert widget(second, "text_area", "進度說明").value == opened + b_says

    radio(second, "「進度說明」採用").set_value("合併兩者（在下方修改）")
    second = second.run()
    assert widget(second, "text_area", "合併後的「進度說明」").value == opened + a_says + b_says
    second = click(second, "以最新版本為基礎")
    assert not errors(second), errors(second)
    assert widget(second, "text_area", "進度說明").value == opened + a_says + b_says
    second = click(second, "儲存修改")
    assert not errors(second), errors(second)
    with Session(store) as s:
        assert s.get(Proposal, OWN).progress == opened + a_says + b_says
        assert editing.current_version(s, OWN) == 2


def test_choosing_theirs_keeps_their_text_and_the_other_fields_typed(store):
    with Session(store) as s:
        opened = s.get(Proposal, OWN).progress
    first, second = signed_in("教育窗口"), signed_in("另一窗口")
    first = save(first, 進度說明=opened + "甲的一句。")
    second = save(second, 進度說明=opened + "乙的一句。", 聯絡人="乙改的聯絡人")
    assert "雙方都修改了「進度說明」" in errors(second)
    radio(second, "「進度說明」採用").set_value("採用對方的內容")
    second = click(second.run(), "以最新版本為基礎")
    assert widget(second, "text_area", "進度說明").value == opened + "甲的一句。"
    assert widget(second, "text_area", "聯絡人").value == "乙改的聯絡人"
    second = click(second, "儲存修改")
    assert not errors(second), errors(second)
    with Session(store) as s:
        saved = s.get(Proposal, OWN)
        assert (saved.progress, saved.contact) == (opened + "甲的一句。", "乙改的聯絡人")


def test_the_history_shows_old_and_new_whole_with_the_changed_characters_marked(store):
    with Session(store) as s:
        opened = s.get(Proposal, OWN).progress
    at = save(signed_in("教育窗口"), 進度說明=opened + "新增<img src=x>一句。")
    [row] = history_rows(at)
    assert (row["欄位"], row["原值"], row["新值"]) == ("進度說明", opened, opened + "新增<img src=x>一句。")
    markup = next(m.value for m in at.markdown if "bt-history-diff" in m.value)
    assert "<ins>新增&lt;img src=x&gt;一句。</ins>" in markup and "<img" not in markup


def test_only_the_secretariat_reverts_a_version(store):
    lead = signed_in("教育窗口")
    with Session(store) as s:
        before = s.get(Proposal, OWN).contact
    lead = save(lead, 聯絡人="要被還原的聯絡人")
    assert not any(b.label == "還原此版本" for b in lead.button)

    clerk = signed_in("祕書乙")
    assert "祕書處：祕書乙" in "\n".join(s.value for s in clerk.sidebar.success)
    clerk = click(clerk, "還原此版本")
    assert any("確定要還原第 1 版" in w.value for w in clerk.warning)
    clerk = click(clerk, "確定還原")
    assert not clerk.exception and any("已還原第 1 版" in s.value for s in clerk.success)
    with Session(store) as s:
        assert s.get(Proposal, OWN).contact == before
        assert [v.kind for v in editing.history(s, OWN)] == [vocab.VersionKind.REVERT, vocab.VersionKind.EDIT]
    assert history_table(clerk)[0]["原值"] == "要被還原的聯絡人"


def test_on_the_meeting_page_a_lead_cannot_record_decisions_and_the_store_secretariat_can(store):
    def signed_in_on_meeting(name: str):
        at = open_page("meeting")
        at.sidebar.text_input(key="sign-in-name").input(name)
        at.sidebar.text_input(key="sign-in-password").input(PASSWORD)
        next(b for b in at.sidebar.button if b.label == "登入").click()
        return at.run()

    lead = signed_in_on_meeting("教育窗口")
    assert "議題組窗口：教育窗口" in "\n".join(s.value for s in lead.sidebar.success)
    assert not any(b.label == "記錄決議" for b in lead.button)
    clerk = signed_in_on_meeting("祕書乙")
    assert any(b.label == "記錄決議" for b in clerk.button)


def test_a_disabled_account_stops_editing_at_the_next_run(store):
    at = signed_in("教育窗口")
    assert has_form(at)
    with Session(store) as s:
        accounts.set_disabled(s, actor=permissions.OPERATOR, name="教育窗口")
    at = at.run()
    assert not at.sidebar.success  # signed out; the form stays for what may have been typed
    assert any("「教育窗口」的登入已結束" in w.value for w in at.warning)
    at = save(at, 進度說明=progress_text(store, OWN, "停用後打的字。"))
    assert "已登出，請重新登入" in errors(at)
    with Session(store) as s:
        assert editing.history(s, OWN) == []


def test_a_refused_lead_unit_is_named_by_its_row_and_column(writable_engine):
    from pages.shared import edit_form

    rows = [("臺北市", "臺北市政府教育局"), (None, "沒有縣市的單位")]
    with Session(writable_engine) as s, pytest.raises(editing.EditError) as refused:
        editing.edit(
            s,
            actor=permissions.OPERATOR,
            proposal_id=OWN,
            base_version=0,
            changes={"lead_units": edit_form.document_value("lead_units", rows)},
        )
    assert [edit_form.problem_text(p) for p in refused.value.problems] == ["提案單位第 2 筆的縣市：必填欄位，不可空白"]


def test_the_history_shows_lead_units_as_unit_and_city_and_lists_joined(writable_engine):
    from pages.shared import card_history

    with Session(writable_engine) as s:
        before = proposal_yaml.proposal_document(s, s.get(Proposal, OWN))
        units = [{"unit": "臺北市政府教育局", "city": "臺北市"}, {"unit": "基隆市政府教育處", "city": "基隆市"}]
        cities = before["cities"][1:]  # one city fewer
        editing.edit(
            s,
            actor=permissions.OPERATOR,
            proposal_id=OWN,
            base_version=0,
            changes={"lead_units": units, "cities": cities},
            reason="新增主辦單位",
        )
        rows = card_history.change_rows(editing.history(s, OWN)).set_index("欄位")
        stored = proposal_yaml.proposal_document(s, s.get(Proposal, OWN))
    assert rows.loc["提案單位", "新值"] == "臺北市政府教育局（臺北市）、基隆市政府教育處（基隆市）"
    assert rows.loc["提案單位", "原值"] == "、".join(f"{u['unit']}（{u['city']}）" for u in before["lead_units"])
    assert rows.loc["合作縣市", "原值"] == "、".join(before["cities"]) and len(before["cities"]) > 1
    assert (
        rows.loc["合作縣市", "新值"] == "、".join(stored["cities"]) and rows.loc["合作縣市", "原因"] == "新增主辦單位"
    )


def test_a_contact_with_a_line_break_is_saved_and_shown_with_it(store):
    contact = "新北市政府教育局 王小明\n02-2960-3456 分機 4500"
    at = save(signed_in("教育窗口"), 聯絡人=contact)
    assert not errors(at), errors(at)
    with Session(store) as s:
        assert s.get(Proposal, OWN).contact == contact
    card = markdown_text(open_page("card", {"id": OWN}))
    assert "<th>聯絡人</th><td class=text>新北市政府教育局 王小明<br>02-2960-3456 分機 4500</td>" in card
    assert widget(at, "text_area", "聯絡人").value == contact  # the form reopens with it


def test_each_text_shows_its_limit_and_a_paste_past_it_keeps_the_first_part_and_says_so(store):
    at = signed_in("教育窗口")
    limits = {w.label: w.max_chars for w in [*at.text_area, *at.text_input]}
    assert limits["聯絡人"] == proposal_rules.MAX_CHARS["contact"] and limits["進度說明"] == 3000
    # A paste past the limit, as the browser sends it when it does not cut it (Streamlit cuts it then).
    widget(at, "text_area", "聯絡人").set_value("長" * 299 + "尾巴")
    at = save(at)
    assert not at.exception and not errors(at), errors(at)
    with Session(store) as s:
        assert s.get(Proposal, OWN).contact == "長" * 299 + "尾"
    assert "「聯絡人」已達上限 300 字：貼上的內容若較長，超出的部分未收錄" in "\n".join(w.value for w in at.warning)
    at = save(at, 聯絡人="短")
    assert not at.warning  # said of the save that filled it only


def test_a_text_stored_before_the_limits_opens_whole_and_is_never_cut_on_save(store):
    # A contact longer than today's limit, as an edit made before the limits could have stored it.
    long_contact = "舊聯絡資料" * 70  # 350 characters, past the 300 of the contact field
    with Session(store) as s:
        s.get(Proposal, OWN).contact = long_contact
        s.commit()
    at = signed_in("教育窗口")
    field = widget(at, "text_area", "聯絡人")
    assert field.value == long_contact and field.max_chars >= len(long_contact)  # whole, not cut
    at = save(at, 進度說明="本期辦理情形")
    assert "聯絡人" in errors(at) and "300" in errors(at)  # refused, naming the field and its limit
    with Session(store) as s:
        assert s.get(Proposal, OWN).contact == long_contact  # nothing lost
    assert widget(at, "text_area", "進度說明").value == "本期辦理情形"  # what was typed stays


# --- every text of the card (issue 19) ----------------------------------------------------------

CARD_TEXTS = {"提案名稱": 120, "提案單上的名稱": 120, "說明": 3000, "具體作法": 3000, "合作效益": 3000, "聯絡人": 300}


def test_the_form_has_every_text_of_the_card_with_its_limit_multi_line_where_the_card_is(store):
    at = signed_in("教育窗口")
    areas = {w.label: w.max_chars for w in at.text_area}
    lines = {w.label: w.max_chars for w in at.text_input}
    for label in ("說明", "具體作法", "合作效益", "聯絡人"):
        assert areas[label] == CARD_TEXTS[label]
    assert lines["提案名稱"] == lines["提案單上的名稱"] == 120
    assert areas["對應中央部會"] == 100  # one agency a line, as the packet prints C06's two
    assert {"##### 辦理情形", "##### 提案單內容"} <= {m.value for m in at.markdown}


def test_a_lead_changes_the_cards_title_and_texts_and_the_card_shows_them(store):
    title, description = "跨縣市賃居生安全維護合作方案（修訂）", "第一段：現況。\n第二段：作法。"
    at = save(signed_in("教育窗口"), 提案名稱=title, 提案單上的名稱="賃居生安全合作", 說明=description)
    assert not at.exception and not errors(at), errors(at)
    card = markdown_text(at)
    assert f"{OWN}　{title}" in card and "提案單上的名稱：賃居生安全合作" in card
    assert "<th>說明</th><td class=text>第一段：現況。<br>第二段：作法。</td>" in card
    with Session(store) as s:
        saved = s.get(Proposal, OWN)
        assert (saved.title, saved.card_title, saved.description) == (title, "賃居生安全合作", description)
    assert {r["欄位"] for r in history_table(at)} == {"提案名稱", "提案單上的名稱", "說明"}
    assert widget(at, "text_input", "提案名稱").value == title  # the form reopens on the saved version


def test_a_title_past_its_limit_keeps_its_first_part_and_says_so_even_when_the_save_is_refused(store):
    at = signed_in("教育窗口")
    widget(at, "text_input", "提案名稱").set_value("名" * 119 + "尾巴")  # as sent when the browser does not cut it
    at = save(at, 進度狀態依據="這句話不在進度說明裡")
    warnings = "\n".join(w.value for w in at.warning)
    assert "「提案名稱」已達上限 120 字：貼上的內容若較長，超出的部分未收錄" in warnings
    assert "進度狀態依據" in errors(at)  # refused for the other field; what was typed stays
    assert widget(at, "text_input", "提案名稱").value == "名" * 119 + "尾"
    with Session(store) as s:
        assert editing.current_version(s, OWN) == 0


def test_a_carried_proposal_without_a_card_offers_its_title_but_not_the_cards_texts(store):
    with Session(store) as s:
        carried = s.exec(
            select(Proposal.id).where(Proposal.cities_scope.is_(None)).order_by(Proposal.sort_order)
        ).first()
    at = signed_in("祕書乙", carried)
    labels = {w.label for w in [*at.text_area, *at.text_input, *at.multiselect]}
    assert "提案名稱" in labels and "聯絡人" in labels
    assert not labels & {"提案單上的名稱", "說明", "具體作法", "合作效益", "合作縣市", "提案類型"}
