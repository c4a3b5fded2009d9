"""The working groups' meeting log (dashboard/domain/meeting_log.py): a lead adds, corrects and removes
their own groups' meetings, each a version with who, when and why; a stale save is refused; the log
survives `load` (refused) and `load --as-versions` (kept, data/ merged); packet 貳 prints it, and a
cycle without any meeting says so once. Runs on SQLite and, with TEST_DATABASE_URL, PostgreSQL."""

import io
import re
from datetime import date

import pytest
from docx import Document
from sqlmodel import Session, select

from dashboard.cli import main
from dashboard.datafiles import build
from dashboard.documents import packet
from dashboard.domain import cycles, meeting_log, new_year, vocab
from dashboard.domain.permissions import READER, Actor, PermissionDenied
from dashboard.store.models import GroupMeeting, GroupMeetingVersion
from tests.storetools import add_account

SECRETARIAT = Actor(name="祕書甲", role=vocab.SECRETARIAT)
TRANSPORT_LEAD = Actor(name="交通窗口", role=vocab.LEAD, groups=frozenset({"transport"}))
HEALTH_WELFARE_LEAD = Actor(name="健社窗口", role=vocab.LEAD, groups=frozenset({"health-welfare"}))


def flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.fixture
def store(writable_engine):
    """The 112 store with cycle 113 started (no meeting logged in 113 yet)."""
    with Session(writable_engine) as s:
        first = cycles.current_cycle(s)
        day = cycles.meeting_of(s, first).date
        new_year.start_year(s, cycle=first + 1, meeting_date=day.replace(year=day.year + 1), actor=SECRETARIAT)
    return writable_engine


def _add(s, actor=TRANSPORT_LEAD, group="transport", **values):
    values = {"date": "2024-03-05", "kind": vocab.WORKING_MEETING, **values}
    return meeting_log.add(s, actor=actor, group_id=group, values=values, reason="會後登錄")


def test_a_lead_adds_corrects_and_removes_a_meeting_each_a_version(store):
    with Session(store) as s:
        added = _add(s, name="第1次工作會議", decided="一、通過共同票證規劃。\n二、下次會議由桃園市主辦。")
        mid = added.meeting_id
        assert (added.version, added.kind, added.recorded_by, added.reason) == (1, "add", "交通窗口", "會後登錄")
        (entry,) = meeting_log.entries(s, cycle=113, group_ids=["transport"])
        assert (entry.group, entry.date, entry.kind, entry.version) == ("交通運輸組", date(2024, 3, 5), "工作會議", 1)
        assert entry.decided.splitlines() == ["一、通過共同票證規劃。", "二、下次會議由桃園市主辦。"]

        corrected = meeting_log.edit(
            s,
            actor=TRANSPORT_LEAD,
            meeting_id=mid,
            changes={"date": "113/3/6", "decided": "一、通過共同票證規劃。"},
            base_version=1,
            reason="日期誤植",
        )
        assert corrected.version == 2 and corrected.kind == "edit"
        assert {c["field"]: (c["old"], c["new"]) for c in corrected.changes} == {
            "date": ("2024-03-05", "2024-03-06"),
            "decided": ("一、通過共同票證規劃。\n二、下次會議由桃園市主辦。", "一、通過共同票證規劃。"),
        }
        assert (
            meeting_log.edit(s, actor=TRANSPORT_LEAD, meeting_id=mid, changes={"kind": "工作會議"}, base_version=2)
            is None
        )

        removed = meeting_log.remove(s, actor=TRANSPORT_LEAD, meeting_id=mid, base_version=2, reason="重複登錄")
        assert removed.version == 3 and removed.kind == "remove"
        assert meeting_log.entries(s, cycle=113) == []
        kept = s.get(GroupMeeting, mid)  # nothing lost: the row stays, marked removed, its values in the version
        assert kept.removed and kept.decided == "一、通過共同票證規劃。"
        assert {c["field"]: c["old"] for c in removed.changes}["name"] == "第1次工作會議"
        assert [v.version for v in meeting_log.history(s, meeting_id=mid)] == [3, 2, 1]


def test_a_stale_save_is_refused_and_names_who_saved_first(store):
    with Session(store) as s:
        mid = _add(s).meeting_id
        meeting_log.edit(s, actor=SECRETARIAT, meeting_id=mid, changes={"name": "第1次工作會議"}, base_version=1)
        with pytest.raises(meeting_log.StaleMeetingLog, match="已由祕書甲更新為第 2 版（您的修改依據第 1 版）"):
            meeting_log.edit(s, actor=TRANSPORT_LEAD, meeting_id=mid, changes={"name": "第2次"}, base_version=1)
        with pytest.raises(meeting_log.StaleMeetingLog):
            meeting_log.remove(s, actor=TRANSPORT_LEAD, meeting_id=mid, base_version=1)
        assert s.get(GroupMeeting, mid).name == "第1次工作會議" and not s.get(GroupMeeting, mid).removed
        assert meeting_log.current_version(s, mid) == 2


def test_a_lead_keeps_only_their_own_groups_log(store):
    with Session(store) as s:
        with pytest.raises(PermissionDenied, match="不能修改「產業發展組」的工作會議紀錄"):
            _add(s, group="industry")
        with pytest.raises(PermissionDenied):
            _add(s, actor=READER)
        industry = _add(s, actor=SECRETARIAT, group="industry").meeting_id
        with pytest.raises(PermissionDenied):
            meeting_log.edit(s, actor=TRANSPORT_LEAD, meeting_id=industry, changes={"name": "x"}, base_version=1)
        with pytest.raises(PermissionDenied):
            meeting_log.remove(s, actor=TRANSPORT_LEAD, meeting_id=industry, base_version=1)
        # a group's lead keeps its sub-groups' logs; the meetings go under a sub-group
        _add(s, actor=HEALTH_WELFARE_LEAD, group="health")
        with pytest.raises(meeting_log.LogError, match="有分組，會議記在分組之下；請選擇：健康組、社福組"):
            _add(s, actor=HEALTH_WELFARE_LEAD, group="health-welfare")
        assert [g.id for g in meeting_log.groups_for(s, HEALTH_WELFARE_LEAD, 113)] == ["health", "welfare"]
        assert len(meeting_log.entries(s, cycle=113)) == 2
        assert s.exec(select(GroupMeetingVersion)).all()[-1].recorded_by == "健社窗口"


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"date": "2024-02-30"}, "日期「2024-02-30」無法辨識"),
        ({"date": ""}, "日期不可空白"),
        ({"date": "2031-01-01"}, "屬於 120 年度，資料庫沒有這個年度"),
        ({"kind": "座談會"}, "會議類別「座談會」不在清單中；可用：工作會議、幕僚會議、其他"),
        ({"name": "第1次\n工作會議"}, "會議名稱只能有一行"),
        ({"decided": "議" * 2001}, "決議事項最多 2000 字，目前為 2001 字"),
        ({"decided": "通過\x07"}, "決議事項含有控制字元（U+0007"),
        ({"place": "x"}, "沒有欄位「place」"),
    ],
)
def test_bad_values_are_refused_in_chinese_and_nothing_is_written(store, values, message):
    with Session(store) as s:
        before = len(s.exec(select(GroupMeeting)).all())
        with pytest.raises(meeting_log.LogError, match=re.escape(message)):
            _add(s, **values)
        assert len(s.exec(select(GroupMeeting)).all()) == before
        assert meeting_log.edit_count(s) == 0


def test_the_112_log_reads_its_kinds_from_the_names(session):
    by_name = {(m.group_id, m.name): meeting_log.kind_of(m) for m in session.exec(select(GroupMeeting))}
    assert by_name[("staff", "第1次新北市幕僚會議")] == vocab.STAFF_MEETING
    assert by_name[("transport", "第1次工作會議")] == vocab.WORKING_MEETING
    assert by_name[("development", "合作提案第1次研商會議")] == vocab.OTHER_MEETING


# --- load -----------------------------------------------------------------------------------------


def test_a_plain_load_is_refused_once_the_log_was_changed(store):
    with Session(store) as s:
        _add(s, name="第1次工作會議")
    with pytest.raises(build.StoreHasEdits, match="工作會議紀錄的 1 筆線上修改"):
        build.load(store)
    with Session(store) as s:
        assert [e.name for e in meeting_log.entries(s, cycle=113)] == ["第1次工作會議"]


def test_load_as_versions_keeps_the_leads_meetings_and_merges_data(store, data_copy):
    with Session(store) as s:
        kept = _add(s, name="第1次工作會議", decided="通過。").meeting_id
        staff = s.exec(select(GroupMeeting).where(GroupMeeting.name == "第1次擴大幕僚會議")).one().id
        meeting_log.remove(s, actor=SECRETARIAT, meeting_id=staff, base_version=0, reason="誤植")
    csv = data_copy / "group_meetings.csv"
    lines = csv.read_text(encoding="utf-8").splitlines()
    rows = [line + ",," for line in lines[1:]]
    rows[0] = "2023-01-17,development,第1次工作會議,,確認分工。"  # a decision data/ now records
    rows.append("2023-12-01,industry,,其他,年終檢討。")  # a meeting new in data/, without a name
    csv.write_text("\n".join([lines[0] + ",kind,decided", *rows]) + "\n", encoding="utf-8")
    build.import_versions(store, data_copy, actor=SECRETARIAT)
    with Session(store) as s:
        assert s.get(GroupMeeting, kept).decided == "通過。"  # the lead's meeting of 113 is kept
        assert s.get(GroupMeeting, staff).removed  # the removal stands
        log112 = {(e.group_id, e.name): e for e in meeting_log.entries(s, cycle=112)}
        assert log112[("development", "第1次工作會議")].decided == "確認分工。"
        assert log112[("industry", "")].kind == vocab.OTHER_MEETING
        imported = [v for v in meeting_log.history(s) if v.kind == "import"]
        assert len(imported) == 2 and {v.recorded_by for v in imported} == {"祕書甲"}
    build.import_versions(store, data_copy, actor=SECRETARIAT)  # the same data/ again: nothing new
    with Session(store) as s:
        assert len([v for v in meeting_log.history(s) if v.kind == "import"]) == 2


# --- packet 貳 ------------------------------------------------------------------------------------


def _log_text(engine, cycle: int) -> tuple[list[str], str]:
    with Session(engine) as s:
        document = Document(io.BytesIO(packet.packet_docx(s, cycle=cycle)))
    paragraphs = [flat(p.text) for p in document.paragraphs if p.text.strip()]
    tables = " ".join(cell.text for table in document.tables for row in table.rows for cell in row.cells)
    return paragraphs, flat(tables)


def test_a_new_cycle_without_meetings_says_so_once(store):
    paragraphs, tables = _log_text(store, 113)
    start = paragraphs.index("貳、113年度北臺執行進度說明")
    assert paragraphs[start + 1] == meeting_log.NONE_IN_CYCLE
    assert paragraphs.count(meeting_log.NONE_IN_CYCLE) == 1
    assert meeting_log.NONE_HELD not in tables  # not on every group's row
    assert "二、各議題組會議辦理情形" in paragraphs and "交通運輸組" in tables  # the groups and hosts still listed
    with Session(store) as s:
        log = packet.collect(s, cycle=113).log
    assert all(row.lines == () for table in log for row in table.rows)


def test_a_new_cycle_with_meetings_prints_them_and_their_decisions(store):
    with Session(store) as s:
        _add(s, name="第1次工作會議", decided="一、通過共同票證規劃。\n二、下次會議由桃園市主辦。")
        _add(s, actor=SECRETARIAT, group="staff", date="2024-02-01", kind=vocab.STAFF_MEETING, name="")
        removed = _add(s, date="2024-04-01", name="誤植的會議").meeting_id
        meeting_log.remove(s, actor=TRANSPORT_LEAD, meeting_id=removed, base_version=1)
    paragraphs, tables = _log_text(store, 113)
    assert meeting_log.NONE_IN_CYCLE not in paragraphs
    assert flat("113年03月05日 第1次工作會議 決議：一、通過共同票證規劃。 二、下次會議由桃園市主辦。") in tables
    assert flat("113年02月01日 幕僚會議") in tables  # no name: the kind
    assert "誤植的會議" not in tables
    assert meeting_log.NONE_HELD in tables  # the groups without a meeting, on their own rows
    with Session(store) as s:
        log = packet.collect(s, cycle=113).log
    transport = next(r for t in log for r in t.rows if r.group == "交通運輸組")
    assert transport.lines[0] == "113年03月05日 第1次工作會議"


# --- the command line ----------------------------------------------------------------------------


def test_the_command_line_lists_adds_edits_removes_and_shows_history(engine, capsys):
    with Session(engine) as s:
        first = cycles.current_cycle(s)
        day = cycles.meeting_of(s, first).date
        new_year.start_year(s, cycle=first + 1, meeting_date=day.replace(year=day.year + 1), actor=SECRETARIAT)
    add_account(engine, "交通窗口", vocab.LEAD, "transport")
    add_account(engine, "產業窗口", vocab.LEAD, "industry")
    args = ["meeting-log", "add", "交通運輸組", "--user", "交通窗口", "--set", "date=113/3/5"]
    assert main([*args, "--set", "kind=工作會議", "--set", "decided=通過。\\n下次輪辦。"]) == 0
    out = capsys.readouterr().out
    mid = int(re.search(r"已新增第 (\d+) 號會議（第 1 版）", out).group(1))
    assert main(["meeting-log", "list", "--year", "113"]) == 0
    out = capsys.readouterr().out
    assert "交通運輸組" in out and "113年3月5日" in out and "通過。⏎下次輪辦。" in out
    assert main(["meeting-log", "edit", str(mid), "--user", "產業窗口", "--set", "name=x"]) == 2
    assert "不能修改「交通運輸組」的工作會議紀錄" in capsys.readouterr().err
    assert main(["meeting-log", "edit", str(mid), "--user", "交通窗口", "--set", "name=第1次工作會議"]) == 0
    assert main(["meeting-log", "remove", str(mid), "--user", "交通窗口", "--base-version", "1"]) == 2
    assert "已由交通窗口更新為第 2 版" in capsys.readouterr().err
    assert main(["meeting-log", "remove", str(mid), "--user", "交通窗口", "--reason", "重複"]) == 0
    assert main(["meeting-log", "history", "transport"]) == 0
    out = capsys.readouterr().out
    assert "第 3 版" in out and "刪除" in out and "原因：重複" in out and "已刪除：否 → 是" in out


# --- two saves at one instant ---------------------------------------------------------------------


def test_two_saves_of_one_meeting_on_one_version_one_wins_the_other_is_told(tmp_path):
    """Writers with connections of their own (as the app's sessions and replicas): the write lock
    makes the version check and the write one step, so exactly one of two saves on a version wins."""
    from dashboard.store.db import make_engine
    from tests import databases
    from tests.test_races import together

    with databases.database(tmp_path / "shared.db", loaded=True) as url:
        engine = make_engine(url)
        with Session(engine) as s:
            mid = s.exec(select(GroupMeeting.id).where(GroupMeeting.group_id == "transport")).first()
        for trial in range(8):
            with Session(engine) as s:
                base = meeting_log.current_version(s, mid)

            def save(actor, text):
                def job(go):
                    with Session(engine) as s:
                        s.get(GroupMeeting, mid)  # the form was read before the save, as a page does
                        go()
                        return meeting_log.edit(
                            s, actor=actor, meeting_id=mid, changes={"decided": text}, base_version=base
                        )

                return job

            results = together(save(SECRETARIAT, f"甲 {trial}"), save(TRANSPORT_LEAD, f"乙 {trial}"))
            saved = [r for r in results if isinstance(r, GroupMeetingVersion)]
            refused = [r for r in results if isinstance(r, meeting_log.StaleMeetingLog)]
            assert len(saved) == 1 and len(refused) == 1, results
            with Session(engine) as s:
                assert s.get(GroupMeeting, mid).decided == saved[0].changes[0]["new"]
                assert meeting_log.current_version(s, mid) == base + 1
        engine.dispose()


def test_the_data_layout_export_keeps_kinds_and_decisions_and_loads_back(engine, tmp_path, fresh_engine):
    with Session(engine) as s:
        mid = _add(s, actor=SECRETARIAT, date="2023-07-20", name="", decided="一、通過。\n二、續辦。").meeting_id
        staff = s.exec(select(GroupMeeting).where(GroupMeeting.name == "第1次擴大幕僚會議")).one().id
        meeting_log.remove(s, actor=SECRETARIAT, meeting_id=staff, base_version=0)
    assert main(["export", str(tmp_path / "out"), "--layout", "data"]) == 0
    text = (tmp_path / "out" / "group_meetings.csv").read_text(encoding="utf-8-sig")
    assert text.splitlines()[0] == "date,group,name,kind,decided" and "第1次擴大幕僚會議" not in text
    build.load(fresh_engine, tmp_path / "out")
    with Session(fresh_engine) as s:
        log = {(e.group_id, e.date): e for e in meeting_log.entries(s, cycle=112)}
    assert log[("transport", date(2023, 7, 20))].decided == "一、通過。\n二、續辦。"
    assert log[("transport", date(2023, 7, 20))].kind == vocab.WORKING_MEETING and mid
    assert log[("development", date(2023, 3, 8))].kind == vocab.OTHER_MEETING
