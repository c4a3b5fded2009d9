"""The risk light on the pages (AppTest): the card shows it with its meaning in words, its history
and whether it is of this quarter; a lead sets it in the card's form (紅 refused without a reason,
naming the field); the list filters by it; the overview lists 紅 before 黃; the group page counts it."""

from datetime import UTC, datetime

import pytest
from sqlmodel import Session
from streamlit.testing.v1 import AppTest

from dashboard.domain import editing, vocab
from dashboard.domain.permissions import Actor
from dashboard.store.db import make_engine
from dashboard.store.models import Proposal, ProposalVersion
from pages.shared import auth_form
from tests import databases
from tests.pagetest import APP, LEAD, open_page, serving, store_with_accounts

TRANSPORT = Actor(name=LEAD, role=vocab.LEAD, groups=frozenset({"transport"}))
RED, YELLOW, GREEN, UNSET = "112-J10", "112-C01", "112-J07", "112-C02"  # transport proposals
RED_REASON = "跨市公車路網整合需兩市副首長協調經費分擔"


def _set(s, pid: str, **changes) -> ProposalVersion:
    return editing.edit(
        s, actor=TRANSPORT, proposal_id=pid, changes=changes, base_version=editing.current_version(s, pid)
    )


@pytest.fixture(scope="module")
def url(tmp_path_factory):
    """Transport proposals with lights: 紅 and 綠 set now, 黃 set in an earlier quarter (stale)."""
    url = store_with_accounts(tmp_path_factory.mktemp("risk") / "store.db")
    engine = make_engine(url)
    with Session(engine) as s:
        _set(s, RED, risk=vocab.RISK_RED, risk_reason=RED_REASON)
        _set(s, GREEN, risk=vocab.RISK_GREEN, risk_reason="依進度執行")
        old = _set(s, YELLOW, risk=vocab.RISK_YELLOW, risk_reason="招標延後，議題組處理中")
        old = s.get(ProposalVersion, old.id)
        old.recorded_at = datetime(2020, 2, 1, tzinfo=UTC)  # a quarter long past
        s.add(old)
        s.commit()
    engine.dispose()
    with serving(url):
        yield url
    databases.drop(url)


def card_html(at: AppTest) -> str:
    return "\n".join(m.value for m in at.markdown if "bt-card" in m.value and "<style>" not in m.value)


def test_the_card_shows_the_light_in_words_with_its_reason_and_history(url):
    at = open_page("card", {"id": RED})
    assert not at.exception
    html = card_html(at)
    assert "紅（需副首長協調）" in html and RED_REASON in html
    assert "燈號紀錄" in html and LEAD in html
    assert vocab.STALE not in html


def test_a_light_of_an_earlier_quarter_says_it_is_not_updated(url):
    html = card_html(open_page("card", {"id": YELLOW}))
    assert "黃（延遲，議題組處理中）" in html and vocab.STALE in html and "109年第1季" in html


def test_an_unassessed_card_says_so(url):
    html = card_html(open_page("card", {"id": UNSET}))
    assert vocab.RISK_UNSET in html and "尚未評估" in html


def test_a_lead_sets_the_light_in_the_form_and_red_needs_a_reason(url):
    at = AppTest.from_file(APP, default_timeout=60)  # open_as, with the card's id in the URL
    at.session_state[auth_form.SESSION_KEY] = LEAD
    at.query_params["id"] = UNSET
    at.switch_page("../pages/card.py")
    at = at.run()
    assert not at.exception
    light = next(w for w in at.selectbox if w.label == "風險燈號")
    assert light.value == "" and vocab.RISK_UNSET in light.options[0]
    light.select(vocab.RISK_RED)
    next(b for b in at.button if b.label == "儲存修改").click()
    at = at.run()
    errors = "\n".join(e.value for e in at.error)
    assert "風險燈號原因" in errors and "未儲存" in errors
    with Session(make_engine(url)) as s:
        assert s.get(Proposal, UNSET).risk is None
    next(w for w in at.text_area if w.label == "風險燈號原因").input("需副首長協調用地")
    next(b for b in at.button if b.label == "儲存修改").click()
    at = at.run()
    assert not at.error
    with Session(make_engine(url)) as s:
        stored = s.get(Proposal, UNSET)
        assert (stored.risk, stored.risk_reason) == (vocab.RISK_RED, "需副首長協調用地")
        assert editing.history(s, UNSET)[0].recorded_by == LEAD
        # back to unassessed for the other tests
        _set(s, UNSET, risk=None, risk_reason=None)


@pytest.mark.parametrize(
    "value, expected",
    [("紅", [RED]), ("紅（需副首長協調）", [RED]), ("黃", [YELLOW])],
)
def test_the_list_filters_by_light(url, value, expected):
    at = open_page("proposals", {"risk": value})
    assert not at.exception and not at.error
    assert at.dataframe[0].value["id"].tolist() == expected
    assert "risk" in at.dataframe[0].value.columns


def test_the_list_filters_the_unassessed(url):
    at = open_page("proposals", {"risk": vocab.RISK_UNSET})
    ids = at.dataframe[0].value["id"].tolist()
    assert RED not in ids and GREEN not in ids and UNSET in ids and len(ids) == 55 - 3


def test_the_overview_lists_red_before_yellow_with_counts(url):
    at = open_page("home")
    assert not at.exception
    markup = next(m.value for m in at.markdown if "風險燈號" in m.value or "需副首長協調" in m.value)
    assert markup.index(RED) < markup.index(YELLOW) and GREEN not in markup  # 綠 is counted, not listed
    assert markup.index("紅（需副首長協調）") < markup.index("黃（延遲") < markup.index("綠（進度正常）")
    assert RED_REASON in markup and vocab.STALE in markup
    assert "本季未更新" in "\n".join(c.value for c in at.caption)


def test_the_group_page_counts_the_lights(url):
    at = open_page("groups", {"group": "transport"})
    assert not at.exception
    line = next(m.value for m in at.markdown if "風險燈號" in m.value)
    assert "紅（需副首長協調）</span> 1 案" in line and "黃（延遲，議題組處理中）</span> 1 案" in line
    assert f"其中 1 案⚠ {vocab.STALE}" in line
    rows = next(f.value for f in at.dataframe if "risk" in f.value.columns)
    assert rows["risk"].value_counts()[vocab.RISK_UNSET] == len(rows) - 3


def test_the_meeting_page_offers_the_risk_column_unticked(url):
    at = open_page("meeting")
    assert not at.exception
    box = next(c for c in at.checkbox if c.label == "加印風險燈號欄")
    assert box.value is False
    assert "下載會議資料（.docx）" in [b.proto.label for b in at.get("download_button")]
