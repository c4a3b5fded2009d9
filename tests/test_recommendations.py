"""The group's recommendation (議題組建議) on each carried proposal of a cycle: recorded by its lead
with a reason and the date of the working-group meeting that agreed it, read by the packet's 參,
the overview, the meeting list and the city summaries. A cycle just started by new-year has none:
every carried row says 尚未提出建議, nothing claims a group's meeting decided it, and nothing the
system wrote about itself reaches a document. Runs on SQLite and PostgreSQL (writable_engine, engine)."""

import datetime as dt
import io
from datetime import date, timedelta

import docx
import pytest
from docx.table import Table
from sqlmodel import Session, select

from dashboard.cli import main
from dashboard.documents import bundles, city_summary, packet, sheet_import, update_sheet
from dashboard.domain import cycles, editing, group_terms, meeting, new_year, queries, vocab
from dashboard.domain.dates import now_taipei, roc_date
from dashboard.domain.permissions import Actor
from dashboard.store.models import Proposal, ProposalVersion
from tests.storetools import add_account
from tests.test_new_year import MEETING_DAY, NEXT, SECRETARIAT, YEAR
from tests.test_update_sheet import column, edited, label, open_book, row_of

AGREED = date(NEXT + 1911, 9, 30)  # a working-group meeting before the 113 meeting, and in the past


@pytest.fixture
def s(writable_engine):
    with Session(writable_engine) as session:
        yield session


def start(session: Session) -> list[Proposal]:
    """new-year on the store built from data/ with no decision recorded (the user's report): the
    carried rows of the new cycle, packet order."""
    new_year.start_year(session, cycle=NEXT, meeting_date=MEETING_DAY, actor=SECRETARIAT)
    query = select(Proposal).where(Proposal.track == vocab.CARRIED, Proposal.year == YEAR).order_by(Proposal.sort_order)
    return list(session.exec(query))


@pytest.fixture
def carried(s) -> list[Proposal]:
    return start(s)


def lead_of(p: Proposal) -> Actor:
    return Actor(name=f"{p.group_id}窗口", role=vocab.LEAD, groups=frozenset({p.subgroup_id or p.group_id}))


def document_text(content: bytes) -> str:
    """A .docx's paragraphs and table cells, one a line, in the document's order."""
    lines = []
    for block in docx.Document(io.BytesIO(content)).iter_inner_content():
        if isinstance(block, Table):
            lines += [cell.text for row in block.rows for cell in row.cells]
        else:
            lines.append(block.text)
    return "\n".join(lines)


def packet_text(s: Session, cycle: int) -> str:
    return document_text(packet.packet_docx(s, cycle=cycle))


def discussion(text: str) -> str:
    """The packet's 參 up to the new proposals' part."""
    return text[text.index("參、討論事項") : text.index(f"{NEXT}年度新增合作提案")]


def machine_sentences(s: Session, ids: list[str]) -> list[str]:
    """What the system wrote about the carried rows: their version 1's reason."""
    return [v.reason for v in s.exec(select(ProposalVersion).where(ProposalVersion.proposal_id.in_(ids))) if v.reason]


def city_text(s: Session, city: str) -> str:
    return document_text(city_summary.summary_docx(city_summary.summary(s, city=city, cycle=NEXT)))


# --- a cycle just started: no recommendation anywhere -------------------------------------------


def test_a_new_cycle_starts_with_no_recommendation(s, carried):
    assert carried and all(vocab.recommendation(p.tracking_status) is None for p in carried)
    assert all(p.recommendation_date is None and p.tracking_reason is None for p in carried)


def test_the_packet_says_no_group_has_recommended_yet(s, carried):
    text = packet_text(s, NEXT)
    part = discussion(text)
    assert f"一、{YEAR}年度列管合作方案\n" in part
    assert (
        f"{YEAR}年度列管合作方案共計{len(carried)}案，各議題組{vocab.NO_RECOMMENDATION}（共 {len(carried)} 案）。"
        in part
    )
    assert f"（一）{YEAR} 年度合作方案{vocab.NO_RECOMMENDATION}，共 {len(carried)} 案" in part
    # the bug as reported: a heading over none, and a decision no group made
    assert vocab.RECOMMEND_DELIST not in part and vocab.RECOMMEND_KEEP not in part
    assert "會議決議" not in part
    assert part.count(vocab.NO_RECOMMENDATION) >= len(carried) + 2  # each row says so
    assert f"{NEXT}年度新增合作提案共計 0 案。\n" in text  # and no meeting claimed for no new proposal


def test_no_document_shows_what_the_carry_over_did(s, carried):
    ids = [p.id for p in carried]
    said = machine_sentences(s, ids)
    assert len(said) == len(ids) and all("延續列管" in r for r in said)  # the history has it…
    bundle = bundles.group_bundle(s, group=carried[0].group_id, cycle=NEXT)
    cards = document_text(bundles.bundle_docx(s, bundle))
    assert f"議題組建議：{vocab.NO_RECOMMENDATION}" in cards  # each carried row's card says so
    documents = [packet_text(s, NEXT), cards, *(city_text(s, c) for c in ("臺北市", "新北市", "新竹市"))]
    for text in documents:  # …and no document
        assert not [r for r in said if r in text]
        assert "延續列管：" not in text and f"年度開始，自 {YEAR}" not in text
        assert "自 112-" not in text and "依列管狀態" not in text


def test_the_overview_meeting_list_and_city_summary_say_none_yet(s, carried):
    head = queries.headline(s, cycle=NEXT)
    assert (head.carried, head.carried_delist, head.carried_keep, head.carried_pending) == (
        len(carried),
        0,
        0,
        len(carried),
    )
    assert head.carried_recommendations == (
        f"{vocab.RECOMMEND_DELIST} 0、{vocab.KEEP_TRACKING} 0、{vocab.NO_RECOMMENDATION} {len(carried)}"
    )
    sections = meeting.decision_sections(s, cycle=NEXT)
    carried_sections = [x for x in sections if x.key in meeting.CARRIED_SECTIONS]
    assert [(x.key, x.label, len(x.entries)) for x in carried_sections] == [
        ("pending", vocab.NO_RECOMMENDATION, len(carried))
    ]
    assert {e.recommendation for e in carried_sections[0].entries} == {vocab.NO_RECOMMENDATION}
    data = city_summary.summary(s, city="新北市", cycle=NEXT)
    assert [line.label for line in data.decisions] == [vocab.NO_RECOMMENDATION]
    text = city_text(s, "新北市")
    assert vocab.NO_RECOMMENDATION in text and vocab.RECOMMEND_KEEP not in text


# --- leads record their groups' recommendations ---------------------------------------------------


@pytest.fixture
def recommended(s, carried) -> tuple[Proposal, Proposal]:
    """One carried row recommended for de-listing, one for keeping, each by its group's lead."""
    delist, keep = carried[0], carried[1]
    for p, said, why in (
        (delist, vocab.RECOMMEND_DELIST, "已完成跨市協調，成果納入各市常態業務。"),
        (keep, vocab.RECOMMEND_KEEP, "尚待中央回應，持續追蹤。"),
    ):
        editing.edit(
            s,
            actor=lead_of(p),
            proposal_id=p.id,
            base_version=editing.current_version(s, p.id),
            changes={"recommendation": said, "recommendation_reason": why, "recommendation_date": AGREED.isoformat()},
            reason="第2次工作會議",
        )
    return s.get(Proposal, delist.id), s.get(Proposal, keep.id)


def test_a_recorded_recommendation_is_a_version_of_the_lead(s, recommended):
    delist, keep = recommended
    assert (delist.tracking_status, keep.tracking_status) == (vocab.PROPOSE_DELIST, vocab.KEEP_TRACKING)
    assert delist.recommendation_date == AGREED
    [last, *_] = editing.history(s, delist.id)
    assert last.recorded_by == lead_of(delist).name and last.reason == "第2次工作會議"
    assert {c["field"]: c["new"] for c in last.changes} == {
        "tracking_status": vocab.PROPOSE_DELIST,
        "tracking_reason": "已完成跨市協調，成果納入各市常態業務。",
        "recommendation_date": AGREED.isoformat(),
    }


def test_the_packet_headings_and_counts_follow_the_recommendations(s, carried, recommended):
    delist, keep = recommended
    pending = len(carried) - 2
    part = discussion(packet_text(s, NEXT))
    assert f"一、{YEAR}年度合作方案{vocab.RECOMMEND_DELIST}\n" in part
    assert (
        f"{YEAR}年度列管合作方案共計{len(carried)}案；依各議題組會議決議，{vocab.RECOMMEND_DELIST} 1 案，"
        f"{vocab.RECOMMEND_KEEP} 1 案；另 {pending} 案各議題組{vocab.NO_RECOMMENDATION}。"
    ) in part
    assert f"（一）{vocab.RECOMMEND_DELIST} {YEAR} 年度合作方案，共 1 案" in part
    assert f"（二）{vocab.RECOMMEND_KEEP} {YEAR} 年度合作方案，共 1 案" in part
    assert f"（三）{YEAR} 年度合作方案{vocab.NO_RECOMMENDATION}，共 {pending} 案" in part
    assert f"{delist.tracking_reason}\n議題組會議：{roc_date(AGREED)}" in part
    assert f"{keep.tracking_reason}\n議題組會議：{roc_date(AGREED)}" in part
    data = packet.collect(s, cycle=NEXT)
    assert ([r.proposal.id for r in data.delist], [r.proposal.id for r in data.keep]) == ([delist.id], [keep.id])


def test_the_overview_meeting_list_and_city_summary_follow_them(s, carried, recommended):
    delist, keep = recommended
    head = queries.headline(s, cycle=NEXT)
    assert (head.carried_delist, head.carried_keep, head.carried_pending) == (1, 1, len(carried) - 2)
    sections = {x.key: x for x in meeting.decision_sections(s, cycle=NEXT)}
    assert [e.id for e in sections["delist"].entries] == [delist.id]
    assert [e.id for e in sections["continue"].entries] == [keep.id]
    assert sections["delist"].entries[0].recommendation == f"{vocab.RECOMMEND_DELIST}（{roc_date(AGREED)}議題組會議）"
    assert delist.id not in [e.id for e in sections["pending"].entries]
    lead_city = queries.proposal_card(s, proposal_id=delist.id).leads[0][1]
    labels = [line.label for line in city_summary.summary(s, city=lead_city, cycle=NEXT).decisions]
    assert vocab.RECOMMEND_DELIST in labels


def test_the_recommendation_may_be_withdrawn(s, recommended):
    delist, _ = recommended
    editing.edit(
        s,
        actor=lead_of(delist),
        proposal_id=delist.id,
        base_version=editing.current_version(s, delist.id),
        changes={"recommendation": "", "recommendation_date": None},
    )
    assert vocab.recommendation(s.get(Proposal, delist.id).tracking_status) is None


# --- bad input is refused, naming the field and the proposal --------------------------------------


def refusal(s: Session, p: Proposal, changes: dict) -> str:
    with pytest.raises(editing.EditError) as caught:
        editing.edit(
            s, actor=lead_of(p), proposal_id=p.id, base_version=editing.current_version(s, p.id), changes=changes
        )
    [problem] = caught.value.problems
    assert problem.record == f"提案 {p.id}"
    return f"{problem.field}｜{problem.message}"


@pytest.mark.parametrize(
    "changes, said",
    [
        (
            {"recommendation": vocab.RECOMMEND_KEEP, "recommendation_date": "2024-13-01"},
            "recommendation_date｜日期「2024-13-01」無效",
        ),
        (
            {"recommendation": vocab.RECOMMEND_KEEP, "recommendation_date": "下週一"},
            "recommendation_date｜日期「下週一」無效",
        ),
        (
            {
                "recommendation": vocab.RECOMMEND_KEEP,
                "recommendation_date": (MEETING_DAY + timedelta(days=1)).isoformat(),
            },
            f"recommendation_date｜{roc_date(MEETING_DAY + timedelta(days=1))}晚於{NEXT}年度副首長會議"
            f"（{roc_date(MEETING_DAY)}）",
        ),
        (
            {"recommendation_date": AGREED.isoformat()},
            f"recommendation_date｜列管狀態「{vocab.TRACKED}」{vocab.NO_RECOMMENDATION}",
        ),
        (
            {"recommendation": "擬保留"},
            "recommendation｜議題組建議「擬保留」不是擬解除列管、擬持續列管、尚未提出建議之一",
        ),
        (
            {"recommendation": vocab.RECOMMEND_KEEP, "tracking_status": vocab.PROPOSE_DELIST},
            "recommendation｜議題組建議「擬持續列管」與列管狀態「建議解除列管」不一致",
        ),
    ],
)
def test_bad_recommendations_are_refused_and_nothing_is_written(s, carried, changes, said):
    p = carried[0]
    before = editing.current_version(s, p.id)
    assert said in refusal(s, p, changes)
    s.rollback()
    assert editing.current_version(s, p.id) == before
    assert vocab.recommendation(s.get(Proposal, p.id).tracking_status) is None


def test_a_meeting_date_in_the_future_is_refused(s, carried):
    """The working-group meeting must have been held: a day after today is refused, whatever the cycle."""
    p = carried[0]
    meeting_row = cycles.meeting_of(s, NEXT)
    later = now_taipei().date() + timedelta(days=30)
    meeting_row.date = later + timedelta(days=30)  # the vice-mayors' meeting still ahead
    s.add(meeting_row)
    s.commit()
    said = refusal(s, p, {"recommendation": vocab.RECOMMEND_KEEP, "recommendation_date": later.isoformat()})
    assert said.startswith(f"recommendation_date｜{roc_date(later)}晚於今天")


# --- the command line ------------------------------------------------------------------------------


def test_a_lead_records_the_recommendation_on_the_command_line(engine, capsys):
    with Session(engine) as session:
        p = start(session)[0]
        pid, group = p.id, p.subgroup_id or p.group_id
    add_account(engine, "組窗口", vocab.LEAD, group)
    code = main(
        [
            "edit",
            pid,
            "--user",
            "組窗口",
            "--set",
            f"recommendation={vocab.RECOMMEND_DELIST}",
            "--set",
            "recommendation_reason=已達成目標。",
            "--set",
            f"recommendation_date={AGREED.isoformat()}",
        ]
    )
    out = capsys.readouterr().out
    assert code == 0, out
    assert f"已儲存提案 {pid} 第 2 版" in out and "議題組會議日期" in out
    with Session(engine) as session:
        stored = session.get(Proposal, pid)
        assert (stored.tracking_status, stored.tracking_reason, stored.recommendation_date) == (
            vocab.PROPOSE_DELIST,
            "已達成目標。",
            AGREED,
        )
    code = main(["edit", pid, "--user", "組窗口", "--set", "recommendation_date=2024-02-30"])
    err = capsys.readouterr()
    assert code != 0
    assert "recommendation_date" in err.err + err.out or "議題組會議日期" in err.err + err.out
    assert "2024-02-30" in err.err + err.out


# --- the update workbook ---------------------------------------------------------------------------


def cycle_workbook(s: Session, group: str) -> bytes:
    scope = update_sheet.Scope(NEXT, group_terms.resolve_all(s, NEXT)[group])
    return update_sheet.workbook(s, scope=scope)


def test_the_workbook_records_the_recommendation_and_its_date_typed_as_a_date(s, carried):
    p = next(p for p in carried if not p.subgroup_id)
    lead = lead_of(p)
    data = cycle_workbook(s, p.group_id)
    assert label("recommendation_date") in [c.value for c in open_book(data)[update_sheet.DATA_SHEET][1]]
    filled = edited(
        data,
        {
            (p.id, label("tracking_status")): vocab.KEEP_TRACKING,
            (p.id, label("tracking_reason")): "仍待中央回應。",
            (p.id, label("recommendation_date")): dt.datetime(AGREED.year, AGREED.month, AGREED.day),  # Excel's date
        },
    )
    the_plan = sheet_import.plan(s, actor=lead, name="組.xlsx", data=filled)
    assert the_plan.problems == []
    assert (p.id, p.title, label("recommendation_date"), "（空白）", AGREED.isoformat()) in the_plan.changes
    sheet_import.apply(s, actor=lead, plan=the_plan)
    stored = s.get(Proposal, p.id)
    s.refresh(stored)
    assert (vocab.recommendation(stored.tracking_status), stored.recommendation_date) == (vocab.RECOMMEND_KEEP, AGREED)
    # the workbook downloaded again shows the day as it was typed back
    sheet = open_book(cycle_workbook(s, p.group_id))[update_sheet.DATA_SHEET]
    assert sheet.cell(row_of(sheet, p.id), column(sheet, label("recommendation_date"))).value == AGREED.isoformat()


def test_a_bad_date_in_the_workbook_is_refused_on_its_row_and_column(s, carried):
    p = next(p for p in carried if not p.subgroup_id)
    data = cycle_workbook(s, p.group_id)
    filled = edited(
        data,
        {(p.id, label("tracking_status")): vocab.KEEP_TRACKING, (p.id, label("recommendation_date")): "2024-09-31"},
    )
    the_plan = sheet_import.plan(s, actor=lead_of(p), name="組.xlsx", data=filled)
    row = row_of(open_book(filled)[update_sheet.DATA_SHEET], p.id)
    [problem] = the_plan.problems
    assert str(problem).startswith(f"組.xlsx｜工作表「提案更新」第 {row} 列")
    assert problem.field == label("recommendation_date") and "2024-09-31" in problem.message
    assert the_plan.rows == []
