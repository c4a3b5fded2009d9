"""The meeting page and its presenter view through AppTest: read-only for everyone, recording for
the signed-in secretariat, notes shown as text."""

import pytest
from sqlmodel import Session

from dashboard.datafiles import build
from dashboard.domain import decisions, vocab
from dashboard.domain.permissions import Actor
from dashboard.store.db import make_engine
from dashboard.store.models import Proposal
from pages.shared import auth_form
from tests.pagetest import MEETING_PASSWORD as PASSWORD
from tests.pagetest import page_texts, sign_in

HTML_NOTE = "<script>alert(1)</script><b>x</b>"


def _buttons(at) -> list[str]:
    return [b.label for b in at.button]


def _record(db_url: str, proposal_id: str, resolution: str, note: str | None = None) -> None:
    engine = make_engine(db_url)
    build.ensure_built(engine)
    with Session(engine) as s:
        decisions.record(
            s, proposal_id=proposal_id, resolution=resolution, note=note, actor=Actor.secretariat("祕書甲")
        )


def _history(db_url: str, proposal_id: str) -> list:
    with Session(make_engine(db_url)) as s:
        return decisions.history(s, proposal_id=proposal_id)


def test_without_secrets_the_page_is_read_only_and_tells_visitors_nothing_about_setup(meeting):
    at = meeting.run()
    assert not at.exception
    assert "記錄決議" not in _buttons(at)
    assert not at.get("form") or all("record" not in (f.proto.form_id or "") for f in at.get("form"))
    sidebar = "\n".join(c.value for c in at.sidebar.caption) + "\n".join(i.value for i in at.sidebar.info)
    assert "唯讀" in sidebar
    for setup in ("README", "secrets", "hash_password", "雜湊"):
        assert setup not in sidebar and setup not in page_texts(at)
    assert "只有登入的祕書處人員可以記錄決議" in page_texts(at)


def test_the_page_shows_the_agenda_the_decision_list_and_the_minutes_downloads(meeting):
    meeting.query_params["clock"] = "15:12"
    at = meeting.run()
    assert not at.exception
    text = page_texts(at)
    assert "15:12" in text and "年度合作方案決議" in text and "剩 33 分鐘" in text
    agenda_table = at.dataframe[0].value
    running = agenda_table[agenda_table["狀態"] == "進行中"]
    assert list(running["時間"]) == ["15:10–15:45"]
    lists = [d.value for d in at.dataframe[1:] if "編號" in d.value.columns]
    assert sum(len(frame) for frame in lists) == 55
    assert set().union(*(set(frame["決議"]) for frame in lists)) == {vocab.UNDECIDED}
    labels = [b.proto.label for b in at.get("download_button")]
    assert any(".docx" in label for label in labels) and any(".xlsx" in label for label in labels)


def test_an_anonymous_session_cannot_record_even_with_accounts_configured(secretariat):
    at = secretariat.run()
    assert not at.exception
    assert "記錄決議" not in _buttons(at)
    assert "登入" in _buttons(at)


def test_a_signed_in_secretariat_user_records_and_history_is_kept(secretariat, db_url):
    at = sign_in(secretariat.run(), PASSWORD)
    assert not at.exception
    assert any("祕書甲" in s.value for s in at.sidebar.success)
    for resolution, note in [("保留", "待補資料"), ("修正後通過", HTML_NOTE)]:
        at.radio(key="page-res-111-01").set_value(resolution)
        at.text_input(key="page-note-111-01").input(note)
        next(b for b in at.button if b.label == "記錄決議").click()
        at = at.run()
        assert not at.exception
        assert [m.value for m in at.main.success] == [f"已記錄 111-01：{resolution}"]  # said once, inline
    rows = _history(db_url, "111-01")
    assert [(d.resolution, d.note, d.recorded_by) for d in rows] == [
        ("保留", "待補資料", "祕書甲"),
        ("修正後通過", HTML_NOTE, "祕書甲"),
    ]
    history = next(d.value for d in at.dataframe if "記錄者" in d.value.columns)
    assert list(history["決議"]) == ["修正後通過", "保留"]  # newest first, the older one kept


def test_a_wrong_password_is_refused_and_slowed_down(secretariat):
    at = sign_in(secretariat.run(), "guess")
    assert any("帳號或密碼錯誤" in e.value and "1 秒" in e.value for e in at.error)
    assert "記錄決議" not in _buttons(at)
    at = sign_in(at, PASSWORD)  # the frozen clock never lets the lock run out
    assert any("失敗次數過多" in e.value for e in at.error)
    assert "記錄決議" not in _buttons(at)


def test_a_removed_account_loses_its_session(secretariat):
    secretariat.session_state[auth_form.SESSION_KEY] = "已刪除的帳號"
    at = secretariat.run()
    assert "記錄決議" not in _buttons(at)


@pytest.mark.parametrize("presenting", [False, True])
def test_a_note_holding_html_is_shown_as_text(meeting, db_url, presenting):
    _record(db_url, "111-03", "保留", HTML_NOTE)
    meeting.query_params["item"] = "111-03"
    if presenting:
        meeting.query_params["present"] = "1"
    at = meeting.run()
    assert not at.exception
    assert any(t.value == f"備註：{HTML_NOTE}" for t in at.text)
    assert not any("<script" in m.value or "<b>x" in m.value for m in at.markdown)


def _step_button(at, shortcut: str):
    return next(b for b in at.button if b.proto.shortcut == shortcut.lower())


def test_presenter_view_steps_through_the_proposals_and_the_address_bar_follows(meeting):
    meeting.query_params.update({"present": "1", "item": "111-03", "clock": "15:12"})
    at = meeting.run()
    assert not at.exception
    assert at.title[0].value.startswith("111-03")
    assert "第 3／12 案" in page_texts(at) and "剩 33 分鐘" in page_texts(at)
    assert not at.sidebar.children  # nothing is drawn in the sidebar
    _step_button(at, "PageDown").click()  # what a presentation clicker sends
    at = at.run()
    assert at.title[0].value.startswith("111-04")
    assert at.query_params == {"present": "1", "item": "111-04", "clock": "15:12"}
    _step_button(at, "PageUp").click()
    at = at.run()
    assert at.title[0].value.startswith("111-03")
    assert at.query_params == {"present": "1", "item": "111-03", "clock": "15:12"}


@pytest.mark.parametrize(
    "shortcut, title",
    [
        ("PageDown", "111-04"),
        ("Right", "111-04"),
        ("Down", "111-04"),
        ("PageUp", "111-02"),
        ("Left", "111-02"),
        ("Up", "111-02"),
    ],
)
def test_clicker_and_arrow_keys_each_step_once(meeting, shortcut, title):
    meeting.query_params.update({"present": "1", "item": "111-03"})
    at = meeting.run()
    shortcuts = [b.proto.shortcut for b in at.button if b.proto.shortcut]
    assert len(shortcuts) == len(set(shortcuts))  # one key, one button: a key press steps once
    assert "Space" not in shortcuts  # Space presses the focused button; it must not also step
    _step_button(at, shortcut).click()
    at = at.run()
    assert at.title[0].value.startswith(title)


def test_the_first_and_last_steps_keep_their_buttons_but_go_nowhere(meeting):
    meeting.query_params.update({"present": "1", "step": "1"})
    at = meeting.run()
    assert _step_button(at, "PageUp").disabled and not _step_button(at, "PageDown").disabled
    meeting.query_params.update({"present": "1", "step": "62"})
    at = meeting.run()
    assert _step_button(at, "PageDown").disabled and not _step_button(at, "PageUp").disabled


@pytest.mark.parametrize(
    "params, title",
    [
        ({"step": "1"}, "開放登入"),
        ({"step": "5"}, "年度合作方案決議"),
        ({"item": "112-J03"}, "112-J03"),
        ({"step": "62"}, "會議結束"),
        ({"clock": "15:12"}, "年度合作方案決議"),  # without a step: the item running now
    ],
)
def test_presenter_view_opens_any_step_from_its_url(meeting, params, title):
    meeting.query_params.update({"present": "1", **params})
    at = meeting.run()
    assert not at.exception
    assert at.title[0].value.startswith(title)


@pytest.mark.parametrize(
    "params, shown",
    [
        ({"step": "999"}, "` 999 `"),
        ({"step": "abc", "clock": "15:12"}, "` abc `"),
        ({"item": "999-X"}, "` 999-X `"),
        ({"item": "[連結](https://example.com)"}, "` [連結](https://example.com) `"),
        ({"item": "`x`"}, "`` `x` ``"),
    ],
)
def test_a_step_the_url_names_wrongly_is_reported_not_replaced(meeting, params, shown):
    meeting.query_params.update({"present": "1", **params})
    at = meeting.run()
    assert not at.exception
    [error] = at.error
    assert shown in error.value  # the value as typed, in a code span: plain text, never a link
    assert not at.title  # no other step instead
    assert at.query_params == {"present": "1", **params}  # the address keeps what was typed
    assert at.selectbox(key="present-jump").value is None  # the way on: the jump list and 回第一步
    assert any(link.proto.label == "回第一步" for link in at.get("page_link"))


def test_a_proposal_id_in_lower_case_opens_that_proposal_and_corrects_the_url(meeting):
    meeting.query_params.update({"present": "1", "item": "112-j03"})
    at = meeting.run()
    assert at.title[0].value.startswith("112-J03") and not at.error
    assert at.query_params == {"present": "1", "item": "112-J03"}


@pytest.mark.parametrize("presenting", [False, True])
def test_a_clock_that_is_not_a_time_says_so(meeting, presenting):
    meeting.query_params.update({"clock": "25:99", **({"present": "1", "step": "5"} if presenting else {})})
    at = meeting.run()
    assert not at.exception
    assert any("彩排時鐘" in w.value and "` 25:99 `" in w.value for w in at.warning)


def test_leaving_presentation_mode_takes_it_out_of_the_address_bar(meeting):
    meeting.query_params.update({"present": "1", "item": "111-03", "clock": "15:12"})
    at = meeting.run()
    next(b for b in at.button if b.label == "離開簡報模式").click()
    at = at.run()
    assert at.query_params == {"item": "111-03", "clock": "15:12"}  # a reload stays in the normal page
    assert at.sidebar.children and at.selectbox(key="item-select").value == "111-03"


def test_the_jump_list_reaches_any_agenda_item_section_or_proposal(meeting):
    meeting.query_params.update({"present": "1", "step": "2", "clock": "15:12"})
    at = meeting.run()
    jump = at.selectbox(key="present-jump")
    options = jump.options
    assert jump.value == options[1] and options[1].startswith("議程 2")
    assert sum(1 for o in options if o.startswith(("111-", "112-"))) == 55
    transport = next(o for o in options if o.startswith("112年度新增合作提案｜交通運輸組"))
    at = jump.set_value(transport).run()
    assert at.title[0].value.startswith("112-")
    assert at.query_params["item"] == at.title[0].value.split("　")[0] and at.query_params["clock"] == "15:12"
    proposal = next(o for o in options if o.startswith("112-J03"))
    at = at.selectbox(key="present-jump").set_value(proposal).run()
    assert at.title[0].value.startswith("112-J03")
    assert at.query_params == {"present": "1", "item": "112-J03", "clock": "15:12"}
    assert at.selectbox(key="present-jump").value == proposal
    last = next(o for o in options if "會議結束" in o)
    at = at.selectbox(key="present-jump").set_value(last).run()
    assert at.query_params == {"present": "1", "step": "62", "clock": "15:12"}


def test_presenter_view_is_read_only_until_signed_in(secretariat):
    secretariat.query_params.update({"present": "1", "item": "111-01"})
    at = secretariat.run()
    assert "記錄決議" not in _buttons(at)
    secretariat.session_state[auth_form.SESSION_KEY] = "祕書甲"
    at = secretariat.run()
    assert "記錄決議" in _buttons(at)
    assert at.radio(key="present-res-111-01").options == ["照案通過", "修正後通過", "保留", "不通過"]


def test_the_decision_overview_links_every_section(meeting, db_url):
    _record(db_url, "111-01", "照案通過")
    meeting.query_params.update({"present": "1", "step": "5"})
    at = meeting.run()
    labels = [link.proto.label for link in at.get("page_link")]
    assert "擬解除列管：12 案，已決 1" in labels and "擬持續列管：1 案，已決 0" in labels
    assert sum(1 for label in labels if "案，已決" in label) == 11


def test_the_form_starts_empty_and_refuses_to_record_without_a_choice(secretariat, db_url):
    _record(db_url, "111-02", "保留")
    secretariat.session_state[auth_form.SESSION_KEY] = "祕書甲"
    secretariat.query_params.update({"present": "1", "item": "111-02"})
    at = secretariat.run()
    assert at.radio(key="present-res-111-02").value is None  # never shows a stale resolution
    next(b for b in at.button if b.label == "記錄決議").click()
    at = at.run()
    assert any("請先選擇決議" in e.value for e in at.error)
    assert [d.resolution for d in _history(db_url, "111-02")] == ["保留"]


def _decision_list(at):
    return next(d.value for d in at.dataframe if "分類" in d.value.columns)


def test_a_decision_recorded_elsewhere_shows_on_the_next_run(meeting, db_url):
    at = meeting.run()  # builds the store and the page's caches
    _record(db_url, "112-J03", "保留", "待補資料")  # another secretariat session records
    at = at.run()
    row = _decision_list(at).set_index("編號").loc["112-J03"]
    assert (row["決議"], row["備註"]) == ("保留", "待補資料")
    assert any("保留" in m.value and "1 案" in m.value for m in at.markdown if "共 55 案" in m.value)
    at.query_params.update({"present": "1", "item": "112-J03"})
    at = at.run()
    assert any("保留" in m.value for m in at.markdown if m.value.startswith("決議："))


def test_the_list_is_the_meetings_own_in_a_store_of_many_years(meeting, db_url):
    engine = make_engine(db_url)
    build.ensure_built(engine)
    with Session(engine) as s:
        p = s.get(Proposal, "112-J01")
        s.add(Proposal(**{**p.model_dump(), "id": "114-J01", "year": 114, "sort_order": p.sort_order + 1000}))
        s.commit()
    at = meeting.run()
    assert not at.exception
    ids = list(_decision_list(at)["編號"])
    assert len(ids) == 55 and "114-J01" not in ids
    options = at.selectbox(key="item-select").options
    assert len(options) == 55 and not any(o.startswith("114-J01") for o in options)


def test_the_meeting_page_reports_an_unknown_item_instead_of_showing_another(meeting):
    meeting.query_params["item"] = "999-X"
    at = meeting.run()
    assert not at.exception
    assert any("` 999-X `" in e.value for e in at.error)
    assert at.selectbox(key="item-select").value is None
    assert at.query_params == {"item": "999-X"}
    at = at.selectbox(key="item-select").set_value("112-J03").run()
    assert at.query_params == {"item": "112-J03"} and not at.error


def test_the_meeting_page_opens_a_lower_case_item_and_corrects_the_url(meeting):
    meeting.query_params["item"] = "112-j03"
    at = meeting.run()
    assert at.selectbox(key="item-select").value == "112-J03" and not at.error
    assert at.query_params == {"item": "112-J03"}


def test_a_proposal_step_shows_the_recommendation_and_links_the_card(meeting):
    meeting.query_params.update({"present": "1", "item": "112-J23"})
    at = meeting.run()
    text = page_texts(at)
    assert "建議解除列管" in text and "已完成" in text
    [link] = [p for p in at.get("page_link") if "提案單" in p.proto.label]
    assert "id=112-J23" in link.proto.query_string


@pytest.mark.parametrize(
    "proposal_id, label",
    [
        ("111-01", "解除列管原因"),  # carried over, proposed for de-listing
        ("111-13", "持續列管原因"),  # carried over, to keep tracking
        ("112-C05", "解除列管原因"),  # a new proposal its group proposes to de-list: named like the others
    ],
)
def test_the_presenter_and_the_meeting_page_name_the_reason_alike(meeting, db_url, proposal_id, label):
    from dashboard.domain import meeting as meeting_store
    from pages import meeting as meeting_view

    meeting.query_params.update({"present": "1", "item": proposal_id})
    at = meeting.run()
    assert not at.exception
    reasons = [t.value for t in at.text if "列管原因：" in t.value]
    assert len(reasons) == 1 and reasons[0].startswith(f"{label}：")
    with Session(make_engine(db_url)) as s:
        entry = next(e for e in meeting_store.meeting_data(s).entries if e.id == proposal_id)
    assert f"{label}：" in meeting_view.proposal_markup(entry)
