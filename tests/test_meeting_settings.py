"""The meeting of a cycle is the secretariat's to edit (dashboard/domain/meeting_settings.py): each
field checked with a message naming it, a link only for an online or hybrid meeting, the agenda in
order without overlap, every change a version, a stale save refused; new-year sets up the next
meeting for its host city and form and marks what it carried until confirmed; data/ round-trips."""

from datetime import date

import pytest
from sqlmodel import Session, select

from dashboard.datafiles import build
from dashboard.datafiles.data_layout import export_data_layout
from dashboard.datafiles.loading import DataError, load_dataset
from dashboard.documents import minutes, packet
from dashboard.domain import cycles, meeting_record, new_year, queries, vocab
from dashboard.domain import meeting_settings as ms
from dashboard.domain.editing import EditError
from dashboard.domain.permissions import Actor, PermissionDenied
from dashboard.store.models import AgendaItem, Meeting, MeetingRecord, MeetingVersion, Organiser
from tests.test_new_year import NEXT, SECRETARIAT

LEAD = Actor(name="交通窗口", role=vocab.LEAD, groups=frozenset({"transport"}))
HALL = "新竹市政府大禮堂"
YEAR = NEXT - 1


def start_in_person(session: Session, **given) -> Meeting:
    """113 (the year after data/'s) hosted by 新竹市 in person, as the issue tried it: `--url ""`."""
    values = dict(host_city="新竹市", form=ms.IN_PERSON, venue=HALL, url="")
    values.update(given)
    result = new_year.start_year(
        session, cycle=NEXT, meeting_date=date(NEXT + 1911, 8, 20), actor=SECRETARIAT, **values
    )
    return session.get(Meeting, result.meeting_id)


def state(session: Session, cycle: int = NEXT) -> ms.Settings:
    return ms.settings(session, cycles.meeting_of(session, cycle))


def edit(session: Session, changes: dict, cycle: int = NEXT, **options):
    return ms.edit(
        session, actor=SECRETARIAT, meeting_id=cycles.meeting_of(session, cycle).id, changes=changes, **options
    )


def problems_of(session: Session, changes: dict, cycle: int = NEXT) -> list[str]:
    with pytest.raises(EditError) as refused:
        edit(session, changes, cycle)
    return [str(p) for p in refused.value.problems]


# --- new-year: who hosts and how ----------------------------------------------------------------


def test_an_in_person_meeting_of_another_host_takes_nothing_of_the_online_one(writable_engine):
    with Session(writable_engine) as s:
        m = start_in_person(s)
        info = state(s)
        doc = info.document
        assert (m.form, m.host_city, m.url, m.venue) == (ms.IN_PERSON, "新竹市", None, HALL)
        assert doc["organisers.承辦單位"] == ["新竹市政府"]
        assert not any("開放登入" in row["title"] for row in doc["agenda"])
        assert doc["agenda"][0]["start"] == "14:30"  # the 14:00 log-in slot went with it
        # what was carried waits for the secretariat; what was given or derived does not
        assert {"chair", "chair_org", "agenda", "organisers.主辦單位", "organisers.執行單位"} <= set(info.unconfirmed)
        assert not {"venue", "url", "host_city", "form", "date", "organisers.承辦單位"} & set(info.unconfirmed)
        # the host's government leads the cities among the 主辦單位
        assert doc["organisers.主辦單位"][:2] == ["北臺區域發展推動委員會", "新竹市政府"]
        first = ms.history(s, m.id)
        assert [(v.version, v.kind, v.recorded_by) for v in first] == [(1, "create", SECRETARIAT.name)]


@pytest.mark.parametrize(
    "given, message",
    [
        (dict(venue=None), "實體會議須提供地點"),
        (dict(venue="線上會議"), "須提供實際地點"),
        (dict(form=ms.HYBRID, url=None), None),  # hybrid keeps the last online meeting's link
        (dict(host_city="新竹"), "不是八縣市的正式名稱"),
        (dict(form="混合"), "不是線上、實體、視訊與實體之一"),
    ],
)
def test_new_year_checks_who_hosts_and_how(writable_engine, given, message):
    with Session(writable_engine) as s:
        if message is None:
            m = start_in_person(s, **given)
            assert m.url == "https://meet.google.com/fwv-omvk-nra" and "url" in m.unconfirmed
            return
        with pytest.raises(new_year.NewYearError, match=message):
            start_in_person(s, **given)
        assert cycles.meeting_of(s, NEXT) is None  # nothing written


def test_an_online_meeting_needs_a_link(writable_engine):
    with Session(writable_engine) as s:
        with pytest.raises(new_year.NewYearError, match="會議連結不可空白"):
            start_in_person(s, form=ms.ONLINE, url="")
        m = start_in_person(s, form=ms.ONLINE, url=None, venue=None)
        assert (m.venue, m.url) == (ms.ONLINE_VENUE, "https://meet.google.com/fwv-omvk-nra")


# --- each field, with a message naming it --------------------------------------------------------


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"name": " "}, "會議名稱不可空白"),
        ({"theme": "a\nb"}, "年度主軸只能有一行"),
        ({"date": "2025-01-01"}, "會議日期：2025-01-01（114年1月1日）不在113年度"),
        ({"date": "8月20日"}, "會議日期：「8月20日」不是有效的日期"),
        ({"start_time": "25:00"}, "開始時間：「25:00」不是有效的時間"),
        ({"form": "混合"}, "會議形式：「混合」不是會議形式"),
        ({"form": ms.ONLINE}, "會議連結：線上會議須填寫會議連結"),
        ({"form": ms.HYBRID}, "會議連結：視訊與實體會議須填寫會議連結"),
        ({"url": "https://meet.example/x"}, "會議連結：實體會議不需要會議連結"),
        ({"form": ms.ONLINE, "url": "meet.example"}, "會議連結：「meet.example」應以 https:// 開頭"),
        ({"venue": ""}, "地點不可空白"),
        ({"venue": "x" * 201}, "地點不可超過 200 字"),
        ({"chair": ""}, "主持人不可空白"),
        ({"chair_org": "\x07"}, "主持機關含有控制字元"),
        ({"host_city": "台北市"}, "主政縣市：「台北市」不是八縣市的正式名稱"),
        ({"organisers.承辦單位": ""}, "承辦單位不可空白"),
        ({"organisers.贊助單位": "某公司"}, "沒有「贊助單位」這個單位角色"),
        ({"attendance.新竹": "副市長"}, "出席人員：「新竹」不是八縣市的正式名稱"),
        ({"attendance.宜蘭縣": "x" * 101}, "出席人員（宜蘭縣）不可超過 100 字"),
        ({"minutes_taker": "x" * 51}, "紀錄不可超過 50 字"),
        ({"colour": "紅"}, "會議設定沒有欄位「colour」"),
    ],
)
def test_a_bad_value_is_refused_naming_its_field_and_nothing_is_written(writable_engine, changes, message):
    with Session(writable_engine) as s:
        start_in_person(s)
        before = state(s).document
        problems = problems_of(s, changes)
        assert any(message in p for p in problems), problems
        assert state(s).document == before and ms.current_version(s, cycles.meeting_of(s, NEXT).id) == 1


def test_the_link_follows_the_form(writable_engine):
    with Session(writable_engine) as s:
        start_in_person(s)
        assert edit(s, {"form": ms.HYBRID, "url": "https://meet.example/113"}) is not None
        assert edit(s, {"form": ms.IN_PERSON, "url": ""}) is not None
        assert cycles.meeting_of(s, NEXT).url is None


# --- the agenda ---------------------------------------------------------------------------------

AGENDA = [
    {"start": "14:30", "end": "14:40", "title": "司儀開場"},
    {"start": "14:40", "end": "15:30", "title": "年度合作方案決議", "key": "decision"},
    {"start": "15:30", "title": "會議結束"},
]


@pytest.mark.parametrize(
    "rows, message",
    [
        ([{**AGENDA[0], "end": "14:50"}, *AGENDA[1:]], "議程第 2 列：開始時間 14:40 早於第 1 列的結束時間 14:50"),
        ([AGENDA[1], AGENDA[0], AGENDA[2]], "議程第 2 列：開始時間 14:30 早於第 1 列的結束時間 15:30"),
        ([{**AGENDA[0], "end": "14:20"}, *AGENDA[1:]], "議程第 1 列：結束時間 14:20 應晚於開始時間 14:30"),
        ([{**AGENDA[0], "start": "2點半"}, *AGENDA[1:]], "議程第 1 列：開始時間「2點半」不是有效的時間"),
        ([{**AGENDA[0], "minutes": 15}, *AGENDA[1:]], "議程第 1 列：15 分鐘與 14:30–14:40（10 分鐘）不符"),
        ([{**AGENDA[0], "title": ""}, *AGENDA[1:]], "議程第 1 列：標題不可空白"),
        ([AGENDA[0], {**AGENDA[1], "key": None}, AGENDA[2]], "議程：須有一列標為決議事項"),
        ([{**AGENDA[0], "key": "decision"}, *AGENDA[1:]], "議程：只能有一列標為決議事項，目前為第 1、2 列"),
        ([], "議程：至少須有一列"),
    ],
)
def test_an_agenda_out_of_order_or_overlapping_is_refused_naming_the_row(writable_engine, rows, message):
    with Session(writable_engine) as s:
        start_in_person(s)
        problems = problems_of(s, {"agenda": rows})
        assert any(message in p for p in problems), problems


def test_the_agenda_is_replaced_and_its_minutes_computed(writable_engine):
    with Session(writable_engine) as s:
        m = start_in_person(s)
        version = edit(s, {"agenda": AGENDA}, reason="改為實體議程")
        items = list(s.exec(select(AgendaItem).where(AgendaItem.meeting_id == m.id).order_by(AgendaItem.position)))
        assert [(f"{i.start:%H:%M}", i.minutes, i.title, i.key) for i in items] == [
            ("14:30", 10, "司儀開場", None),
            ("14:40", 50, "年度合作方案決議", "decision"),
            ("15:30", None, "會議結束", None),
        ]
        assert "agenda" not in state(s).unconfirmed  # edited: no longer carried
        change = next(c for c in version.changes if c["field"] == "agenda")
        assert change["new"][1] == {
            "start": "14:40",
            "end": "15:30",
            "minutes": 50,
            "title": "年度合作方案決議",
            "key": "decision",
        }


# --- versions, stale saves, carried marks ------------------------------------------------------


def test_every_change_is_a_version_with_who_when_old_new_and_why(writable_engine):
    with Session(writable_engine) as s:
        m = start_in_person(s)
        version = edit(
            s,
            {
                "chair": "邱臣遠",
                "chair_title": "副市長",
                "chair_org": "新竹市政府",
                "attendance.宜蘭縣": "副縣長 林茂盛",
            },
            reason="新主政縣市",
        )
        assert (version.version, version.recorded_by, version.reason, version.kind) == (
            2,
            "祕書甲",
            "新主政縣市",
            "edit",
        )
        changed = {c["field"]: (c["old"], c["new"]) for c in version.changes}
        assert changed["chair"] == ("劉副市長和然", "邱臣遠")
        assert changed["attendance.宜蘭縣"] == (None, "副縣長 林茂盛")
        assert "chair" in changed["unconfirmed"][0] and "chair" not in changed["unconfirmed"][1]
        record = s.get(MeetingRecord, version.record_id)  # attendance stays the minutes record's
        assert record.attendance == {"ILA": "副縣長 林茂盛"} or list(record.attendance.values()) == ["副縣長 林茂盛"]
        assert edit(s, {"chair": "邱臣遠"}) is None  # nothing changes: no version
        assert ms.chair_line(s.get(Meeting, m.id)) == "新竹市政府 副市長 邱臣遠"


def test_a_save_based_on_an_older_version_is_refused(writable_engine):
    with Session(writable_engine) as s:
        m = start_in_person(s)
        seen = ms.current_base(s, m.id)
        edit(s, {"theme": "韌性城市"}, base=seen)
        with pytest.raises(ms.StaleMeeting, match="已由祕書甲更新為第 2 版（您的修改依據第 1 版）"):
            edit(s, {"venue": "另一個禮堂"}, base=seen)
        assert s.get(Meeting, m.id).venue == HALL
        # attendance saved from the meeting page's minutes form moves the base too
        seen = ms.current_base(s, m.id)
        meeting_record.record(s, actor=SECRETARIAT, meeting_id=m.id, minutes_taker="甲")
        with pytest.raises(ms.StaleMeeting):
            edit(s, {"minutes_taker": "乙"}, base=seen)


def test_confirming_clears_the_marks_and_is_a_version(writable_engine):
    with Session(writable_engine) as s:
        m = start_in_person(s)
        marks = state(s).unconfirmed
        one = edit(s, {}, confirm=["chair"])
        assert one.kind == "confirm" and "chair" not in state(s).unconfirmed
        with pytest.raises(EditError, match="沒有待確認的沿用值"):
            edit(s, {}, confirm=["chair"])
        ms.confirm_all(s, actor=SECRETARIAT, meeting_id=m.id)
        assert state(s).unconfirmed == () and len(marks) > 1


def test_only_the_secretariat_edits_a_meeting(writable_engine):
    with Session(writable_engine) as s:
        m = start_in_person(s)
        with pytest.raises(PermissionDenied):
            ms.edit(s, actor=LEAD, meeting_id=m.id, changes={"theme": "x"})
        assert s.exec(select(MeetingVersion)).all()[-1].version == 1


# --- the documents and data/ -------------------------------------------------------------------


def test_the_cycles_documents_use_its_meeting_and_never_print_the_mark(writable_engine):
    with Session(writable_engine) as s:
        start_in_person(s)
        edit(s, {"chair": "邱臣遠", "chair_title": "副市長", "chair_org": "新竹市政府"})
        data = packet.collect(s, cycle=NEXT)
        text = packet_text(s)
        assert f"會議地點：{HALL}" in text and "網址" not in text and "meet.google.com" not in text
        assert "會議主持人：新竹市政府 副市長 邱臣遠" in text and "承辦單位：新竹市政府" in text
        assert ms.CARRIED_MARK not in text and data.organisers["承辦單位"] == ["新竹市政府"]
        draft = minutes.minutes_docx(minutes.collect(s, cycle=NEXT))
        words = docx_text(draft)
        assert f"地點：{HALL}" in words and "新竹市政府 副市長 邱臣遠" in words and ms.CARRIED_MARK not in words


def packet_text(session: Session) -> str:
    return docx_text(packet.packet_docx(session, cycle=NEXT))


def docx_text(content: bytes) -> str:
    import io

    from docx import Document

    document = Document(io.BytesIO(content))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def test_export_and_load_round_trip_the_settings_and_keep_112_as_it_is(writable_engine, tmp_path):
    with Session(writable_engine) as s:
        old = state(s, YEAR).document
        assert (old["host_city"], old["form"], old["url"]) == (
            "新北市",
            ms.ONLINE,
            "https://meet.google.com/fwv-omvk-nra",
        )
        start_in_person(s)
        edit(s, {"theme": "韌性城市", "chair_title": "副市長", "organisers.協辦單位": "新竹縣政府、苗栗縣政府"})
        before = {y: state(s, y) for y in (YEAR, NEXT)}
    export_data_layout(writable_engine, tmp_path)
    dataset = load_dataset(tmp_path)
    again = {m.id: m for m in dataset.meetings}
    for was in before.values():
        m = again[was.meeting.id]
        for field in ("theme", "form", "host_city", "chair_title", "url", "venue"):
            assert getattr(m, field) == getattr(was.meeting, field), field
        assert (m.unconfirmed or []) == list(was.unconfirmed)
    roles = {(o.meeting_id, o.role): o.name for o in dataset.organisers if o.position == 1}
    assert roles[(before[NEXT].meeting.id, "協辦單位")] == "新竹縣政府"


def test_a_plain_load_is_refused_once_a_meeting_was_edited(writable_engine):
    with Session(writable_engine) as s:
        edit(s, {"theme": "合作共好"}, cycle=YEAR)
        assert s.exec(select(Organiser)).first() is not None
    with pytest.raises(build.StoreHasEdits, match="會議設定的 1 筆線上修改"):
        build.load(writable_engine)


def test_the_history_holds_the_minutes_records_saved_on_the_meeting_page_once(writable_engine):
    with Session(writable_engine) as s:
        m = cycles.meeting_of(s, YEAR)
        edit(s, {"attendance.宜蘭縣": "副縣長 甲"}, cycle=YEAR, reason="會前")
        codes = {c.name: c.code for c in queries.cities(s)}
        meeting_record.record(
            s,
            actor=SECRETARIAT,
            meeting_id=m.id,
            attendance={codes["宜蘭縣"]: "副縣長 甲", codes["基隆市"]: "副市長 乙"},
            conclusions="照案通過",
        )
        entries = ms.history_entries(s, m.id)
        assert [e.label for e in entries] == ["會議紀錄", "第 1 版"]
        changed = {c["field"]: (c["old"], c["new"]) for c in entries[0].changes}
        assert changed == {"attendance.基隆市": (None, "副市長 乙"), "conclusions": (None, "照案通過")}
        assert (
            ms.field_label("conclusions") == "主席結論" and ms.kind_label(entries[0].kind) == "副首長會議頁的會議紀錄"
        )


def test_load_as_versions_brings_data_in_as_a_version_of_the_meeting(writable_engine):
    with Session(writable_engine) as s:
        edit(s, {"theme": "合作共好"}, cycle=YEAR)
    build.import_versions(writable_engine)
    with Session(writable_engine) as s:
        assert state(s, YEAR).document["theme"] is None  # data/'s value again
        latest = ms.history(s, cycles.meeting_of(s, YEAR).id)[0]
        assert (latest.version, latest.kind, latest.changes) == (
            2,
            "import",
            [{"field": "theme", "old": "合作共好", "new": None}],
        )


@pytest.mark.parametrize(
    "replace, message",
    [
        (("form: 線上", "form: 混合"), "「混合」不是會議形式"),
        (("host_city: 新北市", "host_city: 台北市"), "「台北市」不是八縣市的正式名稱"),
        (("form: 線上", "form: 實體"), "實體會議不需要會議連結"),
        (("url: https://meet.google.com/fwv-omvk-nra\n", ""), "線上會議須填寫會議連結"),
        (("organisers:\n", "organisers:\n  贊助單位: [某公司]\n"), "未知的單位角色「贊助單位」"),
        (("host_city: 新北市", "host_city: 新北市\nunconfirmed: [colour]"), "未知的欄位「colour」"),
    ],
)
def test_data_meeting_files_are_checked_as_the_page_checks(data_copy, replace, message):
    path = data_copy / "meeting.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace(*replace), encoding="utf-8")
    with pytest.raises(DataError) as refused:
        load_dataset(data_copy)
    assert any(message in str(p) for p in refused.value.problems), refused.value.problems
