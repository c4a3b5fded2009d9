"""Statistics as data (dashboard/domain/statistics.py): a proposal's lead or the secretariat enters a
new period of its tables (an 8×8 origin-destination grid per metric, totals checked), each entry or
correction a version with who, when and why; data/'s 112 figures are the first period, and what was
entered survives a `load` rebuild. Runs on both engines (writable_engine)."""

from datetime import date

import pytest
from sqlmodel import Session, select

from dashboard.datafiles import build
from dashboard.domain import queries, statistics, vocab
from dashboard.domain.editing import EditError
from dashboard.domain.permissions import READER, Actor, PermissionDenied
from dashboard.store.models import MutualAid, StatisticsVersion

AID_PROPOSAL = "112-J17"  # 跨區通報支援: group public-safety, sub-group disaster
SOCIAL_PROPOSAL = "112-J24"  # health-welfare / welfare
LEAD = Actor(name="防災窗口", role=vocab.LEAD, groups=frozenset({"disaster"}))
OTHER_LEAD = Actor(name="交通窗口", role=vocab.LEAD, groups=frozenset({"transport"}))
SECRETARIAT = Actor(name="祕書甲", role=vocab.SECRETARIAT)
SECOND_HALF = statistics.Period(date(2023, 7, 1), date(2023, 12, 31))
FIRST_HALF = statistics.Period(date(2023, 1, 1), date(2023, 6, 30))


def grids(**cells) -> dict:
    """{metric: {from: {to: value}}} from keywords like fire=[("臺北市", "新北市", 2)]."""
    result = {}
    for metric, entries in cells.items():
        for source, target, value in entries:
            result.setdefault(metric, {}).setdefault(source, {})[target] = value
    return result


SECOND_HALF_GRIDS = grids(
    fire=[("臺北市", "新北市", 4), ("新北市", "臺北市", 2)],
    ambulance=[("臺北市", "新北市", 30), ("宜蘭縣", "新北市", 12)],
    relay=[("臺北市", "新北市", 1100), ("新北市", "臺北市", 700), ("宜蘭縣", "新北市", 60)],
)


def add_second_half(session, actor=LEAD, **options):
    values = dict(grids=SECOND_HALF_GRIDS, reason="113年度彙整：112年下半年")
    values.update(options)
    return statistics.add_mutual_aid_period(
        session, actor=actor, proposal_id=AID_PROPOSAL, period=SECOND_HALF, **values
    )


def refused(session, **options) -> list[str]:
    with pytest.raises(EditError) as error:
        add_second_half(session, **options)
    return [str(p) for p in error.value.problems]


def test_the_112_rows_are_the_first_period_of_the_proposals_table(session):
    (table,) = statistics.proposal_tables(session, AID_PROPOSAL, statistics.MUTUAL_AID)
    assert table.period == FIRST_HALF and table.version == 0 and table.from_data
    assert table.period.label == "112年1月1日至112年6月30日"
    assert len(table.rows) == len(session.exec(select(MutualAid)).all())


def test_a_lead_enters_a_new_period_as_version_1_with_who_when_and_why(writable_engine):
    with Session(writable_engine) as s:
        version = add_second_half(s)
        assert (version.version, version.kind, version.recorded_by) == (1, "create", "防災窗口")
        assert version.reason == "113年度彙整：112年下半年" and version.recorded_at is not None
        assert {"field": "臺北市→新北市 轉報", "old": None, "new": 1100} in version.changes

    with Session(writable_engine) as s:
        periods = [t.period for t in statistics.proposal_tables(s, AID_PROPOSAL, statistics.MUTUAL_AID)]
        assert periods == [FIRST_HALF, SECOND_HALF]
        second = queries.mutual_aid_frame(s, cycle=112, period=SECOND_HALF)
        pair = second[(second["from_city"] == "臺北市") & (second["to_city"] == "新北市")].iloc[0]
        assert (pair["fire"], pair["ambulance"], pair["relay"], pair["total"]) == (4, 30, 1100, 1134)
        # a pair with one metric typed is reported with the others as 0
        yilan = second[(second["from_city"] == "宜蘭縣")].iloc[0]
        assert (yilan["fire"], yilan["ambulance"], yilan["relay"]) == (0, 12, 60)
        assert len(second) == 3
        first = queries.mutual_aid_frame(s, cycle=112, period=FIRST_HALF)
        assert int(first["relay"].sum()) == 2740  # data/'s figures stay as they were


def test_each_bad_cell_is_named_by_metric_row_and_column(writable_engine):
    with Session(writable_engine) as s:
        problems = refused(
            s,
            grids=grids(
                fire=[("臺北市", "新北市", -1)],
                ambulance=[("新北市", "桃園市", "3.5")],
                relay=[("臺北市", "臺北市", 5), ("基隆市", "新北市", "很多")],
            ),
        )
        assert problems == [
            "火警｜第 3 列（臺北市）第 4 欄（新北市）：「-1」不可為負數，請填 0 或正整數",
            "救護｜第 4 列（新北市）第 5 欄（桃園市）：「3.5」須為整數，請填 0 或正整數",
            "轉報｜第 2 列（基隆市）第 4 欄（新北市）：「很多」不是數字，請填 0 或正整數",
            "轉報｜第 3 列（臺北市）第 3 欄（臺北市）：同一縣市不是跨區支援，請留空",
        ]
        assert s.exec(select(StatisticsVersion)).all() == []


def test_typed_totals_must_equal_the_sums_of_their_row_and_column(writable_engine):
    with Session(writable_engine) as s:
        problems = refused(
            s,
            row_totals={"relay": {"臺北市": 1100, "新北市": 7000}},
            column_totals={"relay": {"新北市": 1150}, "fire": {"臺北市": "2"}},
        )
        assert problems == [
            "轉報｜新北市（請求支援縣市）的列合計：填寫 7,000，但各格相加為 700",
            "轉報｜新北市（支援縣市）的欄合計：填寫 1,150，但各格相加為 1,160",
        ]
        version = add_second_half(
            s,
            row_totals={"relay": {"臺北市": "1,100", "新北市": 700, "宜蘭縣": None}},
            column_totals={"relay": {"新北市": 1160}, "fire": {"臺北市": 2, "新北市": 4}},
        )
        assert version.version == 1


def test_a_period_needs_both_ends_in_order_and_may_not_overlap_another(writable_engine):
    with Session(writable_engine) as s:
        for period, message in (
            (statistics.Period(date(2023, 7, 1), None), "統計區間：請填寫開始日與結束日"),
            (
                statistics.Period(date(2023, 12, 31), date(2023, 7, 1)),
                "統計區間：結束日 112年7月1日 早於開始日 112年12月31日",
            ),
            (
                statistics.Period(date(2023, 6, 1), date(2023, 12, 31)),
                "統計區間與已登錄的 112年1月1日至112年6月30日 重疊；要更正該期數字，請選擇該統計區間",
            ),
        ):
            with pytest.raises(EditError) as error:
                statistics.add_mutual_aid_period(
                    s, actor=LEAD, proposal_id=AID_PROPOSAL, period=period, grids=SECOND_HALF_GRIDS
                )
            assert message in [str(p) for p in error.value.problems]
        with pytest.raises(EditError, match="請至少填寫一格"):
            add_second_half(s, grids={})


def test_only_the_proposals_lead_or_the_secretariat_enter_its_statistics(writable_engine):
    with Session(writable_engine) as s:
        for actor in (READER, OTHER_LEAD):
            with pytest.raises(PermissionDenied, match="不能登錄提案 112-J17 的統計：只有該議題組的窗口或祕書處"):
                add_second_half(s, actor=actor)
        s.rollback()
        assert add_second_half(s, actor=SECRETARIAT).recorded_by == "祕書甲"


def test_a_correction_is_a_new_version_and_a_stale_one_is_refused(writable_engine):
    with Session(writable_engine) as s:
        add_second_half(s)
        corrected = {m: {f: dict(t) for f, t in g.items()} for m, g in SECOND_HALF_GRIDS.items()}
        corrected["relay"]["臺北市"]["新北市"] = 1111
        version = add_second_half(s, grids=corrected, base_version=1, reason="臺北市更正")
        assert (version.version, version.kind) == (2, "edit")
        assert version.changes == [{"field": "臺北市→新北市 轉報", "old": 1100, "new": 1111}]
        assert add_second_half(s, grids=corrected, base_version=2) is None  # nothing changes: no version
        with pytest.raises(statistics.StaleStatistics, match="已由防災窗口更新為第 2 版（您的修改依據第 1 版）"):
            add_second_half(s, base_version=1)
        s.rollback()
        history = statistics.history(s, AID_PROPOSAL, statistics.MUTUAL_AID, SECOND_HALF)
        assert [v.version for v in history] == [2, 1]


def test_correcting_data_s_period_replaces_its_rows_where_it_is_read(writable_engine):
    with Session(writable_engine) as s:
        (first,) = statistics.proposal_tables(s, AID_PROPOSAL, statistics.MUTUAL_AID)
        rows = [dict(r) for r in first.rows]
        taipei = next(r for r in rows if (r["from_city"], r["to_city"]) == ("taipei", "new-taipei"))
        taipei["relay"] = 1200
        version = statistics.save(
            s,
            actor=SECRETARIAT,
            proposal_id=AID_PROPOSAL,
            table_kind=statistics.MUTUAL_AID,
            period=FIRST_HALF,
            rows=rows,
            base_version=0,
            reason="原文誤植",
        )
        assert (version.version, version.kind) == (1, "edit")
        assert version.changes == [{"field": "臺北市→新北市 轉報", "old": 1208, "new": 1200}]
    with Session(writable_engine) as s:
        frame = queries.mutual_aid_frame(s, cycle=112)
        assert len(frame) == len(rows) and int(frame["relay"].sum()) == 2740 - 8
        card = queries.proposal_card(s, proposal_id=AID_PROPOSAL)
        assert [m.relay for m in card.mutual_aid] == [r["relay"] for r in rows]


def test_entered_periods_survive_a_load_rebuild(writable_engine):
    with Session(writable_engine) as s:
        add_second_half(s)
        stamp = queries.store_stamp(s)
    build.load(writable_engine)  # statistics entered in the app do not stop a rebuild of data/
    with Session(writable_engine) as s:
        assert queries.store_stamp(s) != stamp
        periods = [t.period for t in statistics.proposal_tables(s, AID_PROPOSAL, statistics.MUTUAL_AID)]
        assert periods == [FIRST_HALF, SECOND_HALF]
        assert int(queries.mutual_aid_frame(s, cycle=112, period=SECOND_HALF)["relay"].sum()) == 1860


def test_an_entry_changes_the_store_stamp(writable_engine):
    with Session(writable_engine) as s:
        before = queries.store_stamp(s)
        add_second_half(s)
        after = queries.store_stamp(s)
    assert (after.statistics_versions, after.last_statistics_version > 0) == (1, True)
    assert before != after


def test_an_indicator_table_of_social_worker_training_for_a_new_period(writable_engine):
    period = statistics.Period(date(2023, 6, 1), date(2023, 12, 31))
    rows = [
        {
            "indicator": statistics.SOCIAL_WORKER_TRAINING,
            "label": "參與他縣市課程之社工師（員）",
            "kind": kind,
            "city_code": city,
            "counterpart_code": host,
            "value": value,
            "unit": "位",
            "note": None,
        }
        for kind, city, host, value in (
            ("value", "yilan", "taipei", 3),
            ("value", "keelung", "new-taipei", 5),
            ("total", None, None, 8),
        )
    ]
    with Session(writable_engine) as s:
        bad = [dict(r) for r in rows]
        bad[2]["value"] = 9
        bad[1]["counterpart_code"] = None
        with pytest.raises(EditError) as error:
            statistics.save(
                s,
                actor=SECRETARIAT,
                proposal_id=SOCIAL_PROPOSAL,
                table_kind=statistics.INDICATORS,
                period=period,
                rows=bad,
                base_version=0,
            )
        assert [str(p) for p in error.value.problems] == [
            "第 2 列｜縣市：社工跨市受訓須填寫社工所屬縣市（city）與開課縣市（counterpart_city）"
        ]
        statistics.save(
            s,
            actor=SECRETARIAT,
            proposal_id=SOCIAL_PROPOSAL,
            table_kind=statistics.INDICATORS,
            period=period,
            rows=rows,
            base_version=0,
        )
        frame = queries.social_worker_training_frame(s, cycle=112, period=period)
        assert list(zip(frame["from_city"], frame["to_city"], frame["count"], strict=True)) == [
            ("宜蘭縣", "臺北市", 3),
            ("基隆市", "新北市", 5),
        ]
        assert len(queries.social_worker_training_frame(s, cycle=112)) == 9 + 2
