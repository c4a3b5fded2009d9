"""The documents of a year show its latest period of statistics (dashboard/domain/statistics.py):
the city summary counts one period, not their sum; the packet prints each proposal's latest table,
so a new cycle's packet has the figures entered for its carried-over row of 112-J17. Both engines."""

from datetime import date

from sqlmodel import Session, select

from dashboard.documents import city_summary, packet
from dashboard.domain import new_year, statistics, vocab
from dashboard.domain.permissions import Actor
from dashboard.store.models import Proposal

SECRETARIAT = Actor(name="祕書甲", role=vocab.SECRETARIAT)


def add(session, proposal_id: str, token: str, grids: dict) -> None:
    statistics.add_mutual_aid_period(
        session, actor=SECRETARIAT, proposal_id=proposal_id, period=statistics.Period.from_token(token), grids=grids
    )


def test_a_city_summary_counts_the_latest_period_only(writable_engine):
    with Session(writable_engine) as s:
        before = city_summary.summary(s, city="臺北市", cycle=112)
        assert before.aid.loc["向他縣市請求支援", "relay"] == 1208
        add(s, "112-J17", "2023-07-01~2023-12-31", {"relay": {"臺北市": {"新北市": 900}}})
        after = city_summary.summary(s, city="臺北市", cycle=112)
        assert after.aid.loc["向他縣市請求支援", "relay"] == 900
        assert after.aid_period == "112年7月1日至112年12月31日"


def test_the_packet_prints_the_latest_table_and_a_new_cycle_has_its_own(writable_engine):
    with Session(writable_engine) as s:
        first = packet.collect(s, cycle=112)
        assert first.figure_notes["112-J17"] == "統計區間：112年1月1日至112年6月30日"
        new_year.start_year(
            s, cycle=113, meeting_date=date(2024, 8, 20), actor=SECRETARIAT, host_city="新竹市", form="線上"
        )
        carried = s.exec(select(Proposal.id).where(Proposal.previous_id == "112-J17")).one()
        assert carried not in packet.collect(s, cycle=113).figures  # nothing entered yet
        add(s, carried, "2024-01-01~2024-06-30", {"relay": {"桃園市": {"新竹縣": 80, "新北市": 7}}})
        data = packet.collect(s, cycle=113)
        assert data.figure_notes[carried] == "統計區間：113年1月1日至113年6月30日"
        (table,) = data.figures[carried]
        assert table.caption == "桃園市協請其他縣市支援之數量"
        assert table.rows == (("1", "新北市", "0", "0", "7"), ("2", "新竹縣", "0", "0", "80"))
        assert packet.collect(s, cycle=112).figure_notes["112-J17"] == "統計區間：112年1月1日至112年6月30日"
