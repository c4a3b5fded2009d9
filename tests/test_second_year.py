"""A second year end to end, as the next host city's secretariat walks README's checklist (開始新年度).

From the store built from data/ (the 112 cycle, hosted online by 新北市): accounts handed over
(`user add`, `user set --until`), `new-year` as 新竹市 with an in-person meeting and no link, the
meeting's chair, 承辦單位, attendance and agenda set (`meeting edit`, `meeting agenda`), every group's
host agency moved to a 新竹市 agency (`group edit`), decisions recorded, then `packet` and `minutes`
of the new cycle. Neither document holds anything of the 112 meeting that the new one replaced, and
the 112 packet and page data are what they were before the walk. Runs on SQLite and PostgreSQL.
"""

import contextlib
import io
import sys
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pytest
from docx import Document
from sqlmodel import Session

from dashboard.cli import main
from dashboard.documents import packet
from dashboard.domain import cycles, decisions, group_terms, meeting, meeting_settings, new_year, queries, vocab
from dashboard.domain.dates import TAIPEI
from dashboard.domain.permissions import Actor
from dashboard.store.db import make_engine
from tests import databases, docxparts

OUTGOING, INCOMING = "新北祕書", "新竹祕書"
PASSWORD = "rotating chair 2024"
HOST_CITY = "新竹市"
HOST_GOVERNMENT = "新竹市政府"
DAY = "2024-08-20"  # in the 113 cycle, whatever today is
VENUE = "新竹市政府大禮堂"
CHAIR, CHAIR_TITLE = "邱臣遠", "副市長"
THEME = "智慧城市　共好北臺"
MINUTES_TAKER = "新竹市政府都市發展處 王小明"
# The 新竹市 agency taking over each group that has a host (groups without one stay without).
HOSTS = {
    "development": "新竹市政府都市發展處",
    "culture": "新竹市文化局",
    "education": "新竹市政府教育處",
    "transport": "新竹市政府交通處",
    "recreation": "新竹市政府觀光處",
    "disaster": "新竹市消防局",
    "police": "新竹市警察局",
    "indigenous-hakka": "新竹市政府民政處",
    "health": "新竹市衛生局",
    "welfare": "新竹市政府社會處",
    "industry": "新竹市政府產業發展處",
    "environment": "新竹市環境保護局",
    "staff": "新竹市政府行政處",
}
AGENDA = """agenda:
  - {start: "14:00", end: "14:30", title: 報到}
  - {start: "14:30", end: "14:40", title: 主席致詞}
  - {start: "14:40", end: "15:00", title: 新竹市城市發展簡報, note: （新竹市政府都市發展處）}
  - {start: "15:00", end: "15:40", title: 年度合作方案決議, key: decision}
  - {start: "15:40", end: "15:55", title: 綜合座談}
  - {start: "15:55", title: 散會}
"""
NEW_AGENDA_TITLES = ["報到", "主席致詞", "新竹市城市發展簡報", "年度合作方案決議", "綜合座談", "散會"]
DECIDED = {0: (vocab.RESOLUTIONS[0], "由新竹市政府交通處持續追蹤"), 1: (vocab.RESOLUTIONS[1], "併入智慧交通合作辦理")}
OLD_NOTE = "新北市政府交通局於112年度會議說明"  # a 112 decision's note, which is no 113 decision


@dataclass
class Walk:
    year: int  # the cycle loaded from data/ (112)
    next: int  # the cycle the walk starts (113)
    before: "Snapshot"  # the first cycle, before the walk
    after: "Snapshot"  # the first cycle, after it
    old_hosts: dict[str, str]  # group -> the first cycle's host agency
    old_meeting: dict  # the first cycle's meeting settings (document form)
    new_packet: Document
    new_minutes: Document
    decided: dict[str, tuple[str, str]]  # proposal id -> (resolution, note)
    cities: list[str]
    outputs: dict[str, str]  # command -> what it printed


@dataclass
class Snapshot:
    packet_parts: dict[str, bytes]
    pages: dict


def _packet_parts(path: Path) -> dict[str, bytes]:
    """The packet .docx part by part (its generation time aside: tests/docxparts.py)."""
    return docxparts.parts(path)


def _pages(engine, year: int) -> dict:
    """What the pages read about cycle `year`: proposals, groups, the meeting and its decision list."""
    with Session(engine) as s:
        info = meeting.meeting_info(s, cycle=year)
        return {
            "proposals": queries.proposals_frame(s, cycle=year).to_dict("records"),
            "groups": [
                (g.id, g.name, g.host_agency, g.host_carried, g.parent_id, g.sort_order, g.closed)
                for g in group_terms.groups_in_cycle(s, year, closed=True)
            ],
            "meeting": meeting_settings.settings(s, cycles.meeting_of(s, year)).document,
            "agenda": [(a.start, a.minutes, a.title, a.note) for a in info.agenda],
            "organisers": info.organisers,
            "decision list": meeting.decision_list_frame(
                meeting.decision_sections(s, cycle=year), meeting.decisions_in_force(s)
            ).to_dict("records"),
            "headline": queries.headline(s, cycle=year),
            "group meetings": queries.group_meetings(s, cycle=year).to_dict("records"),
        }


def _snapshot(tmp: Path, engine, year: int, name: str) -> Snapshot:
    out = tmp / f"{name}.docx"
    assert main(["packet", str(year), str(out)]) == 0
    return Snapshot(_packet_parts(out), _pages(engine, year))


def _run(capsys, *argv: str, stdin: str | None = None) -> str:
    if stdin is not None:
        sys.stdin = io.StringIO(stdin)
    try:
        code = main(list(argv))
    finally:
        sys.stdin = sys.__stdin__
    out, err = capsys.readouterr()
    assert code == 0, f"{argv}: {err}"
    return out


def _refused(capsys, *argv: str) -> str:
    assert main(list(argv)) != 0, argv
    return capsys.readouterr()[1]


def _sets(pairs: dict[str, str]) -> list[str]:
    return [arg for field, value in pairs.items() for arg in ("--set", f"{field}={value}")]


@pytest.fixture(scope="module")
def walk(tmp_path_factory):
    """The whole second year, once per module, through the command line where a command exists."""
    tmp = tmp_path_factory.mktemp("second_year")
    with databases.database(tmp / "store.db", loaded=True) as url, pytest.MonkeyPatch.context() as patch:
        patch.setenv("DATABASE_URL", url)
        engine = make_engine(url)
        try:
            yield _walk(tmp, engine)
        finally:
            engine.dispose()


class _Output:
    """capsys for a module-scoped fixture: what main() printed since the last read."""

    def __init__(self):
        self.out, self.err = io.StringIO(), io.StringIO()

    def readouterr(self) -> tuple[str, str]:
        found = self.out.getvalue(), self.err.getvalue()
        for stream in (self.out, self.err):
            stream.seek(0)
            stream.truncate()
        return found


def _walk(tmp: Path, engine) -> Walk:
    output = _Output()
    with contextlib.redirect_stdout(output.out), contextlib.redirect_stderr(output.err):
        return _steps(tmp, engine, output)


def _steps(tmp: Path, engine, capsys) -> Walk:
    with Session(engine) as s:
        year = cycles.current_cycle(s)
        old_hosts = {g.id: g.host_agency for g in group_terms.groups_in_cycle(s, year) if g.host_agency}
        old_meeting = meeting_settings.settings(s, cycles.meeting_of(s, year)).document
        cities = [c.name for c in queries.cities(s)]
    nxt = year + 1
    # the 112 meeting as its secretariat left it: an account, decisions recorded (checklist step 2)
    _run(capsys, "user", "add", OUTGOING, "--role", "secretariat", "--password-stdin", stdin=PASSWORD)
    with Session(engine) as s:
        for entry in meeting.all_entries(meeting.decision_sections(s, cycle=year))[:3]:
            decisions.record(
                s,
                actor=Actor(name=OUTGOING, role=vocab.SECRETARIAT),
                proposal_id=entry.id,
                resolution=vocab.RESOLUTIONS[0],
                note=OLD_NOTE,
                now=datetime(2023, 8, 8, 15, 40, tzinfo=TAIPEI),
            )
    before = _snapshot(tmp, engine, year, "before")
    outputs: dict[str, str] = {}

    # 1. accounts: the incoming secretariat's; the outgoing one's ends
    _run(capsys, "user", "add", INCOMING, "--role", "secretariat", "--password-stdin", stdin=PASSWORD)
    _run(capsys, "user", "set", OUTGOING, "--until", "2024-08-31", "--reason", "主政縣市交接")
    # 3. the new year: in person at a venue, no link
    outputs["new-year"] = _run(
        capsys,
        "new-year",
        str(nxt),
        "--meeting-date",
        DAY,
        "--host-city",
        HOST_CITY,
        "--form",
        meeting_settings.IN_PERSON,
        "--venue",
        VENUE,
        "--url",
        "",
        "--user",
        INCOMING,
    )
    outputs["history"] = _run(capsys, "history", new_year.carried_id(year, 1))
    outputs["outgoing"] = _refused(capsys, "meeting", "edit", str(nxt), "--user", OUTGOING, "--set", f"theme={THEME}")
    # 4. the meeting's settings: chair, theme, 承辦單位, attendance of every city, the minutes' taker
    edit = ["meeting", "edit", str(nxt), "--user", INCOMING, "--reason", "新竹市主政"]
    _run(
        capsys,
        *edit,
        *_sets(
            {
                "chair": CHAIR,
                "chair_title": CHAIR_TITLE,
                "chair_org": HOST_GOVERNMENT,
                "theme": THEME,
                "organisers.承辦單位": HOST_GOVERNMENT,
            }
        ),
    )
    attendance = {f"attendance.{city}": f"{city}副首長代表" for city in cities}
    _run(capsys, *edit, *_sets({**attendance, "minutes_taker": MINUTES_TAKER}))
    agenda_file = tmp / "agenda.yaml"
    agenda_file.write_text(AGENDA, encoding="utf-8")
    _run(capsys, "meeting", "agenda", str(nxt), str(agenda_file), "--user", INCOMING, "--reason", "實體會議議程")
    _run(capsys, "meeting", "edit", str(nxt), "--user", INCOMING, "--confirm-all")
    outputs["meeting show"] = _run(capsys, "meeting", "show", str(nxt))
    # 5. every group's host agency: a 新竹市 agency
    for group_id in old_hosts:
        _run(
            capsys,
            *("group", "edit", group_id, "--year", str(nxt), "--user", INCOMING),
            *_sets({"host_agency": HOSTS[group_id]}),
        )
    outputs["group list"] = _run(capsys, "group", "list", "--year", str(nxt))
    # 7. decisions on a few of the new cycle's proposals (the meeting page records them)
    with Session(engine) as s:
        entries = meeting.all_entries(meeting.decision_sections(s, cycle=nxt))
        decided = {}
        for index, (resolution, note) in DECIDED.items():
            decisions.record(
                s,
                actor=Actor(name=INCOMING, role=vocab.SECRETARIAT),
                proposal_id=entries[index].id,
                resolution=resolution,
                note=note,
                now=datetime(2024, 8, 20, 15, 30, tzinfo=TAIPEI),
            )
            decided[entries[index].id] = (resolution, note)
    # 6. and 7. the documents
    _run(capsys, "packet", str(nxt), str(tmp / "packet.docx"))
    _run(capsys, "minutes", str(nxt), str(tmp / "minutes.docx"))
    after = _snapshot(tmp, engine, year, "after")
    return Walk(
        year=year,
        next=nxt,
        before=before,
        after=after,
        old_hosts=old_hosts,
        old_meeting=old_meeting,
        new_packet=Document(tmp / "packet.docx"),
        new_minutes=Document(tmp / "minutes.docx"),
        decided=decided,
        cities=cities,
        outputs=outputs,
    )


# --- reading the documents back ---------------------------------------------------------------


def paragraphs(document) -> list[str]:
    return [p.text for p in document.paragraphs]


def cells(document) -> list[str]:
    return [cell.text for table in document.tables for row in table.rows for cell in row.cells]


def everything(document) -> str:
    return "\n".join([*paragraphs(document), *cells(document)])


def table_with_any(document, last: str) -> list:
    """The tables whose header row ends with `last`."""
    return [t for t in document.tables if t.rows and t.rows[0].cells[-1].text == last]


def table_with(document, *header: str):
    """The tables whose first row starts with `header`."""
    found = [t for t in document.tables if tuple(c.text for c in t.rows[0].cells[: len(header)]) == header]
    assert found, f"no table headed {header}"
    return found


def old_agenda_titles(walk: Walk) -> set[str]:
    """The 112 agenda's titles and notes that the 113 agenda does not keep."""
    old = {
        text.strip()
        for row in walk.old_meeting["agenda"]
        for field in ("title", "note")
        for text in (row.get(field) or "").splitlines()
        if text.strip()
    }
    return old - set(NEW_AGENDA_TITLES)


def test_the_outgoing_secretariat_can_no_longer_change_the_new_meeting(walk):
    assert f"帳號「{OUTGOING}」的使用期限到113年8月31日為止，已結束" in walk.outputs["outgoing"]


# --- the new cycle's packet -------------------------------------------------------------------


def test_the_walk_ends_with_nothing_left_to_confirm(walk):
    assert f"已開始{walk.next}年度" in walk.outputs["new-year"]
    shown = walk.outputs["meeting show"]
    assert meeting_settings.CARRIED_MARK not in shown
    assert f"年度主軸：{THEME}" in shown and "會議形式：實體" in shown and "會議連結：（空白）" in shown
    listed = walk.outputs["group list"]
    assert meeting_settings.CARRIED_MARK not in listed and all(agency in listed for agency in HOSTS.values())


def test_the_packet_names_the_new_chair_venue_time_and_agenda(walk):
    text = paragraphs(walk.new_packet)
    assert f"一、會議名稱：{walk.next}年度「北臺區域發展推動委員會」副首長會議" in text
    assert f"二、會議主持人：{HOST_GOVERNMENT} {CHAIR_TITLE} {CHAIR}" in text
    assert f"四、會議地點：{VENUE}" in text
    assert any(line.startswith(f"三、會議時間：{walk.next}年8月20日") for line in text)
    (agenda,) = table_with(walk.new_packet, "時間", "時間", "主題（內容）")
    assert [row.cells[2].text.split("\n")[0] for row in agenda.rows[1:]] == NEW_AGENDA_TITLES
    assert "（新竹市政府都市發展處）" in agenda.rows[3].cells[2].text


def test_the_packet_back_page_names_the_new_host_as_承辦單位(walk):
    text = paragraphs(walk.new_packet)
    assert f"承辦單位：{HOST_GOVERNMENT}" in text
    old_undertakers = walk.old_meeting[meeting_settings.organiser_field("承辦單位")]
    assert old_undertakers != [HOST_GOVERNMENT]
    assert not any(line.startswith(f"承辦單位：{old_undertakers[0]}") for line in text)


def test_the_packet_log_names_the_host_citys_agencies(walk):
    logs = table_with(walk.new_packet, "組別")
    assert {t.rows[0].cells[1].text for t in logs} == {f"主辦單位\n({HOST_CITY})"}
    printed = {row.cells[1].text for t in logs for row in t.rows[1:]}
    expected = {packet.split_agency(agency)[1] for agency in HOSTS.values()}
    assert expected <= printed
    old = {packet.split_agency(agency)[1] for agency in walk.old_hosts.values()}
    assert not printed & old, f"the 112 hosts {sorted(printed & old)} still host a 113 group"


def test_the_packet_holds_nothing_of_the_online_112_meeting(walk):
    text = everything(walk.new_packet)
    old = walk.old_meeting
    assert old["url"] and old["url"] not in text and "網址" not in text
    assert old["chair"] not in text and old["venue"] not in text
    for title in old_agenda_titles(walk):
        assert title not in text, title


def test_the_packet_holds_no_sentence_the_carry_over_wrote(walk):
    text = everything(walk.new_packet)
    assert f"開始{walk.next}年度時" not in text and INCOMING not in text
    # no group has recommended yet: every carried row says so, none is printed as 擬持續列管
    (pending,) = table_with(walk.new_packet, "項次", "議題組別", "主辦單位", "提案名稱", packet.PENDING_HEADER)
    assert len(pending.rows) > 1 and all(row.cells[4].text == vocab.NO_RECOMMENDATION for row in pending.rows[1:])
    assert not table_with_any(walk.new_packet, vocab.KEEP_REASON) and "依各議題組會議決議" not in text


def test_the_carry_over_is_told_in_the_proposals_history(walk):
    # 112-01 continues 111-13, the one 111 proposal kept tracking; the walk records no decision on it
    why = f"{vocab.UNDECIDED}，依列管狀態「{vocab.KEEP_TRACKING}」{vocab.KEEP_TRACKING}"
    expected = f"｜{INCOMING}｜延續列管｜原因：{walk.next}年度開始，自 111-13 延續列管：{why}\n"
    assert walk.outputs["history"].startswith(f"提案 {walk.year}-01 目前為第 1 版")
    assert expected in walk.outputs["history"]


# --- the new cycle's minutes ------------------------------------------------------------------


def test_the_minutes_name_chair_venue_organisers_attendance_and_taker(walk):
    text = paragraphs(walk.new_minutes)
    assert f"二、地點：{VENUE}" in text
    assert any(line.startswith(f"三、主席：{HOST_GOVERNMENT} {CHAIR_TITLE} {CHAIR}") for line in text)
    assert any(line.endswith(f"紀錄：{MINUTES_TAKER}") for line in text)
    (organisers,) = [line for line in text if line.startswith("四、")]
    assert f"承辦單位：{HOST_GOVERNMENT}" in organisers
    (attendance,) = table_with(walk.new_minutes, "縣市", "出席人員")
    assert [(r.cells[0].text, r.cells[1].text) for r in attendance.rows[1:]] == [
        (city, f"{city}副首長代表") for city in walk.cities
    ]


def test_the_minutes_carry_the_new_agenda_and_the_recorded_decisions(walk):
    agenda = table_with(walk.new_minutes, "時間", "分鐘", "議程")[0]
    assert [row.cells[2].text.split("（")[0] for row in agenda.rows[1:]] == NEW_AGENDA_TITLES
    rows = {
        row.cells[1].text: (row.cells[4].text, row.cells[5].text)
        for table in table_with(walk.new_minutes, "項次", "編號")
        for row in table.rows[1:]
    }
    assert walk.decided and all(rows[pid] == decided for pid, decided in walk.decided.items())
    assert all(rows[pid][0] == vocab.UNDECIDED for pid in rows.keys() - walk.decided.keys())


def test_the_minutes_hold_nothing_of_the_online_112_meeting(walk):
    text = everything(walk.new_minutes)
    old = walk.old_meeting
    assert old["url"] not in text and old["chair"] not in text and old["venue"] not in text
    assert f"承辦單位：{old[meeting_settings.organiser_field('承辦單位')][0]}" not in text
    assert OLD_NOTE not in text  # the 112 decisions stay with the 112 proposals
    for title in old_agenda_titles(walk):
        assert title not in text, title


# --- the 112 cycle, untouched -----------------------------------------------------------------


def test_the_112_packet_is_part_for_part_what_it_was(walk):
    assert walk.after.packet_parts.keys() == walk.before.packet_parts.keys()
    changed = [n for n in walk.before.packet_parts if walk.before.packet_parts[n] != walk.after.packet_parts[n]]
    assert not changed


def test_the_112_pages_read_as_before(walk):
    for name, value in walk.before.pages.items():
        assert walk.after.pages[name] == value, name
    assert walk.before.pages["groups"] and {g[0]: g[2] for g in walk.after.pages["groups"] if g[2]} == walk.old_hosts
