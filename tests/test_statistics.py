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
from dashboard.store.models import City, MutualAid, StatisticsVersion

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


WELFARE_LEAD = Actor(name="社福窗口", role=vocab.LEAD, groups=frozenset({"welfare"}))
SECOND_HALF_SOCIAL = statistics.Period(date(2023, 6, 1), date(2023, 12, 31))
GREEN_PROPOSAL = "112-J32"  # environment: green tourism per city
ENVIRONMENT_LEAD = Actor(name="環境窗口", role=vocab.LEAD, groups=frozenset({"environment"}))


def social_grid(*cells) -> dict:
    result = {}
    for home, host, value in cells:
        result.setdefault(home, {})[host] = value
    return result


def test_social_worker_flows_typed_as_a_grid_become_rows_with_their_typed_totals(session):
    cities = list(session.exec(select(City).order_by(City.sort_order)))
    rows = statistics.social_worker_rows(
        social_grid(("宜蘭縣", "臺北市", "3"), ("基隆市", "新北市", 5), ("基隆市", "臺北市", None)),
        cities=cities,
        row_totals={"基隆市": "5"},
        column_totals={"臺北市": 3, "新北市": ""},
        grand_total="8",
    )
    assert [(r["kind"], r["city_code"], r["counterpart_code"], r["value"]) for r in rows] == [
        ("value", "yilan", "taipei", 3),
        ("value", "keelung", "new-taipei", 5),
        ("total", "keelung", None, 5),
        ("total", None, "taipei", 3),
        ("total", None, None, 8),
    ]
    assert {(r["label"], r["unit"]) for r in rows} == {("參與他縣市課程之社工師（員）", "位")}
    with pytest.raises(EditError) as error:
        statistics.social_worker_rows(
            social_grid(("宜蘭縣", "臺北市", "三"), ("臺北市", "臺北市", 1), ("基隆市", "新北市", 5)),
            cities=cities,
            column_totals={"新北市": 6},
            grand_total=9,
        )
    assert [str(p) for p in error.value.problems] == [
        "社工跨市受訓｜第 1 列（宜蘭縣）第 3 欄（臺北市）：「三」不是數字，請填 0 或正整數",
        "社工跨市受訓｜第 3 列（臺北市）第 3 欄（臺北市）：同一縣市不是跨市受訓，請留空",
        "社工跨市受訓｜新北市（開課縣市）的欄合計：填寫 6，但各格相加為 5",
        "社工跨市受訓｜總計：填寫 9，但各格相加為 5",
    ]
    # the grid of data/'s 112 table reads back as typed there: 9 flows, the hosts' totals and 57 in all
    (table,) = statistics.proposal_tables(session, SOCIAL_PROPOSAL, statistics.INDICATORS)
    cells, row_totals, column_totals, grand = statistics.social_worker_grid(table.rows, cities)
    assert cells["宜蘭縣"]["新北市"] == 18 and row_totals == {} and grand == 57
    assert column_totals == {"臺北市": 4, "新北市": 48, "桃園市": 5}
    again = statistics.social_worker_rows(
        cells, cities=cities, column_totals=column_totals, grand_total=grand, like=table.rows
    )
    assert sorted(again, key=repr) == sorted(table.rows, key=repr)  # typed back, nothing lost


def test_a_social_worker_period_is_saved_as_a_version_keeping_the_tables_other_rows(writable_engine):
    with Session(writable_engine) as s:
        cities = list(s.exec(select(City).order_by(City.sort_order)))
        rows = statistics.social_worker_rows(social_grid(("宜蘭縣", "臺北市", 3)), cities=cities, grand_total=3)
        options = dict(proposal_id=SOCIAL_PROPOSAL, period=SECOND_HALF_SOCIAL, rows=rows, social_workers=True)
        with pytest.raises(PermissionDenied, match="不能登錄提案 112-J24 的統計"):
            statistics.save_indicator_part(s, actor=LEAD, new=True, base_version=0, **options)
        s.rollback()
        version = statistics.save_indicator_part(
            s, actor=WELFARE_LEAD, new=True, base_version=0, reason="下半年", **options
        )
        assert (version.version, version.recorded_by, version.reason) == (1, "社福窗口", "下半年")
        with pytest.raises(EditError, match="已有統計數據；要更正該期數字，請選擇該統計區間"):
            statistics.save_indicator_part(s, actor=WELFARE_LEAD, new=True, base_version=0, **options)
        with pytest.raises(statistics.StaleStatistics, match="已由社福窗口更新為第 1 版"):
            statistics.save_indicator_part(s, actor=SECRETARIAT, new=False, base_version=0, **options)
        s.rollback()
        frame = queries.social_worker_training_frame(s, cycle=112, period=SECOND_HALF_SOCIAL)
        assert list(zip(frame["from_city"], frame["to_city"], frame["count"], strict=True)) == [("宜蘭縣", "臺北市", 3)]

        # the other rows of a table with both stay when its flows are corrected, and the other way round
        first = statistics.Period(date(2023, 1, 1), date(2023, 5, 31))
        (standing,) = statistics.proposal_tables(s, SOCIAL_PROPOSAL, statistics.INDICATORS)[:1]
        other = statistics.indicator_rows_from_entries(
            [{"label": "社工聯合訓練場次", "value": 2.0, "unit": "場"}], cities=cities
        )
        statistics.save_indicator_part(
            s,
            actor=SECRETARIAT,
            proposal_id=SOCIAL_PROPOSAL,
            period=first,
            rows=other,
            social_workers=False,
            new=False,
            base_version=0,
        )
        (first_table,) = [
            t for t in statistics.proposal_tables(s, SOCIAL_PROPOSAL, statistics.INDICATORS) if t.period == first
        ]
        assert first_table.version == 1 and first_table.rows == [*other, *standing.rows]


def test_indicator_entries_are_checked_row_by_row_and_saved_as_a_version(writable_engine):
    with Session(writable_engine) as s:
        cities = list(s.exec(select(City).order_by(City.sort_order)))
        (green,) = [t for t in statistics.proposal_tables(s, GREEN_PROPOSAL, statistics.INDICATORS) if t.period.start]
        entries = statistics.indicator_entries(green.rows, cities)
        assert entries[1] == {
            "label": "參與人次數",
            "city": "宜蘭縣",
            "counterpart": None,
            "value": 62,
            "unit": "人次",
            "total": False,
            "note": None,
        }
        bad = [dict(e) for e in entries]
        bad[0]["value"] = None
        bad[2]["unit"] = " "
        bad[3]["city"] = "台中市"
        bad.append({key: None for key in statistics.INDICATOR_COLUMNS})  # a blank row is skipped
        with pytest.raises(EditError) as error:
            statistics.indicator_rows_from_entries(bad, cities=cities, like=green.rows)
        assert [str(p) for p in error.value.problems] == [
            "第 1 列｜數值：必填，請填 0 或正整數",
            "第 3 列｜單位：必填",
            "第 4 列｜縣市：「台中市」不是八縣市之一",
        ]
        entries[1]["value"] = 70.0
        with pytest.raises(EditError, match="^第 26 列｜數值：合計 351 與明細加總 359 不符$"):
            statistics.indicator_rows_from_entries(entries, cities=cities, like=green.rows)
        assert entries[25]["label"] == "參與人次數" and entries[25]["total"]
        entries[25]["value"] = 359
        rows = statistics.indicator_rows_from_entries(entries, cities=cities, like=green.rows)
        assert rows == [{**r, "value": {1: 70, 25: 359}[i]} if i in (1, 25) else r for i, r in enumerate(green.rows)]
        with pytest.raises(PermissionDenied):
            statistics.save_indicator_part(
                s,
                actor=WELFARE_LEAD,
                proposal_id=GREEN_PROPOSAL,
                period=green.period,
                rows=rows,
                social_workers=False,
                new=False,
                base_version=0,
            )
        s.rollback()
        version = statistics.save_indicator_part(
            s,
            actor=ENVIRONMENT_LEAD,
            proposal_id=GREEN_PROPOSAL,
            period=green.period,
            rows=rows,
            social_workers=False,
            new=False,
            base_version=0,
            reason="宜蘭縣更正",
        )
        assert version.changes == [
            {"field": "參與人次數｜明細｜宜蘭縣", "old": "62 人次", "new": "70 人次"},
            {"field": "參與人次數｜合計", "old": "351 人次（合計）", "new": "359 人次（合計）"},
        ]
        with pytest.raises(EditError, match="統計期間：請填寫統計區間的開始日與結束日，或「截至」日期"):
            statistics.save_indicator_part(
                s,
                actor=ENVIRONMENT_LEAD,
                proposal_id=GREEN_PROPOSAL,
                period=statistics.Period(),
                rows=rows,
                social_workers=False,
                new=True,
                base_version=0,
            )


def test_two_leads_entering_the_same_new_period_at_one_instant_one_wins_whole(tmp_path):
    """Two saves of one new period, released together on separate connections: exactly one is
    written (whole, as its lead typed it), the other is refused and writes nothing."""
    from dashboard.store.db import make_engine
    from tests import databases
    from tests.test_races import together

    mine = grids(relay=[("臺北市", "新北市", 1100)])
    theirs = grids(relay=[("臺北市", "新北市", 999)])
    with databases.database(tmp_path / "shared.db", loaded=True) as url:
        engine = make_engine(url)

        def save(actor, typed):
            def job(go):
                with Session(engine) as s:
                    go()
                    return add_second_half(s, actor=actor, grids=typed)

            return job

        results = together(save(LEAD, mine), save(Actor(name="祕書甲", role=vocab.SECRETARIAT), theirs))
        saved = [r for r in results if isinstance(r, StatisticsVersion)]
        refused = [r for r in results if isinstance(r, (EditError, statistics.StaleStatistics))]
        assert len(saved) == 1 and len(refused) == 1, results
        with Session(engine) as s:
            versions = s.exec(select(StatisticsVersion).where(StatisticsVersion.proposal_id == AID_PROPOSAL)).all()
            assert [v.version for v in versions] == [1]
            [table] = [
                t for t in statistics.proposal_tables(s, AID_PROPOSAL, statistics.MUTUAL_AID) if t.period == SECOND_HALF
            ]
            relay = {(r["from_city"], r["to_city"]): r["relay"] for r in table.rows}
            winner = mine if saved[0].recorded_by == LEAD.name else theirs
            assert relay == {("taipei", "new-taipei"): winner["relay"]["臺北市"]["新北市"]}  # city codes
        engine.dispose()
