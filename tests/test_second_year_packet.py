"""A second cycle's packet fit to circulate, built only through what its owners use.

From the store built from data/ (the 112 cycle), the 新竹市 secretariat starts 113; the transport
group's lead records the group's recommendations on two carried proposals (one 擬解除列管, one
擬持續列管, each with its reason and the working-group meeting's date), rewrites a card's texts,
logs the group's working meeting, and sets a risk light; the secretariat adds two new proposals
(the 新增提案 page's call). Then `packet 113` is read section by section, as test_packet reads the
112 one: what the owners entered is where it belongs, and neither a sentence the system wrote about
itself nor anything of the 112 cycle stands in its place. Runs on SQLite and PostgreSQL.
"""

import csv
import io
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn
from sqlmodel import Session, select

from dashboard.cli import main
from dashboard.domain import editing, vocab
from dashboard.domain.permissions import Actor
from dashboard.store.config import DATA_DIR
from dashboard.store.db import make_engine
from dashboard.store.models import GroupMeeting, Proposal, ProposalVersion
from tests import databases
from tests.test_packet import flat, rows, tables_after

YEAR, NEXT = 112, 113
SECRETARIAT, LEAD = "新竹祕書", "交通窗口"
PASSWORD = "second year packet"
GROUP = "transport"
MEETING_DAY = "2024-08-20"
AGREED_ROC = "113年7月15日"
LOG = {
    "date": "2024-07-15",
    "kind": "工作會議",
    "name": "113年度交通運輸組第1次工作會議",
    "decided": "同意112-02擬解除列管。\n其餘提案持續追蹤。",
}
DELIST_REASON = "跨市公車轉乘優惠已整合上路，改由各市例行辦理。"
KEEP_REASON = "軌道建設尚待中央核定，113年度持續協調。"
NEW_TEXTS = {
    "description": "通勤族跨市轉乘仍須多次付費。",
    "approach": "1.盤點跨市轉乘路線。\n2.協調各市票價。",
    "benefits": "減少通勤成本，提升大眾運輸使用率。",
}
RISK_REASON = "中央經費尚未核定，需副首長協調。"
J17 = "112-J17"  # the 112 proposal whose mutual-aid table the map draws; carried into 113
AID_113 = [  # a 113 period for its carried row, in data/mutual_aid.csv's form (figures 112 never had)
    ("新北市", 1, "臺北市", 7, 41, 1303),
    ("臺北市", 1, "新北市", 3, 29, 977),
    ("桃園市", 1, "新竹縣", 2, 17, 88),
]
AID_PERIOD = ("2024-01-01", "2024-06-30")
NEW_PROPOSALS = [
    {
        "year": NEXT,
        "track": vocab.JOINT,
        "group": GROUP,
        "title": "北臺跨市共享單車互通",
        "lead_units": [{"unit": "新竹市政府交通處", "city": "新竹市"}],
        "types": [vocab.PROPOSAL_TYPES[0]],
        "cities": ["臺北市", "新北市", "新竹市"],
        "description": "各市共享單車系統不互通。",
        "approach": "研議會員與計費互通。",
        "benefits": "跨市通勤最後一哩更便利。",
        "contact": "新竹市政府交通處 陳科長\n03-5216121",
    },
    {
        "year": NEXT,
        "track": vocab.CENTRAL,
        "group": GROUP,
        "title": "請中央補助跨市公車路線營運",
        "lead_units": [{"unit": "新竹市政府交通處", "city": "新竹市"}],
        "types": [vocab.PROPOSAL_TYPES[2]],
        "cities": ["新竹市", "新竹縣"],
        "description": "跨市公車路線虧損。",
        "approach": "向交通部申請補助。",
        "benefits": "維持偏鄉跨市路線。",
        "contact": "新竹市政府交通處 林股長",
        "central_ministry": "交通部",
    },
]


@dataclass
class Second:
    text: str  # the whole packet, paragraphs and cells a line each
    document: Document
    delisted: Proposal  # carried rows the lead recommended on
    kept: Proposal
    pending: list[Proposal]  # carried rows without a recommendation
    edited: Proposal  # the new proposal whose card texts the lead rewrote
    aid_row: Proposal  # the carried row continuing 112-J17, with a 113 period of mutual aid
    carry_reasons: list[str]  # what the carry-over wrote in the history
    old_meetings: list[str]  # the 112 working meetings' names


def _run(*argv: str, stdin: str | None = None) -> None:
    if stdin is not None:
        sys.stdin = io.StringIO(stdin)
    try:
        assert main(list(argv)) == 0, argv
    finally:
        sys.stdin = sys.__stdin__


def _sets(**pairs: str) -> list[str]:
    return [arg for field, value in pairs.items() for arg in ("--set", f"{field}={value}")]


def _document_text(document: Document) -> str:
    """Every paragraph of the body, one a line, in document order: tables' cells and the tables
    nested in them (the statistics inside a row) included."""
    return "\n".join("".join(t.text or "" for t in p.iter(qn("w:t"))) for p in document.element.body.iter(qn("w:p")))


@pytest.fixture(scope="module")
def second(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("second_packet")
    with databases.database(tmp / "store.db", loaded=True) as url, pytest.MonkeyPatch.context() as patch:
        patch.setenv("DATABASE_URL", url)
        engine = make_engine(url)
        try:
            yield _build(tmp, engine)
        finally:
            engine.dispose()


def _build(tmp: Path, engine) -> Second:
    with Session(engine) as s:
        old_meetings = [m.name for m in s.exec(select(GroupMeeting))]
    _run("user", "add", SECRETARIAT, "--role", "secretariat", "--password-stdin", stdin=PASSWORD)
    _run("user", "add", LEAD, "--role", "lead", "--group", GROUP, "--password-stdin", stdin=PASSWORD)
    _run(
        "new-year",
        str(NEXT),
        "--meeting-date",
        MEETING_DAY,
        "--host-city",
        "新竹市",
        "--form",
        "實體",
        "--venue",
        "新竹市政府大禮堂",
        "--user",
        SECRETARIAT,
    )
    with Session(engine) as s:
        carried = list(
            s.exec(
                select(Proposal)
                .where(Proposal.track == vocab.CARRIED, Proposal.year == YEAR)
                .order_by(Proposal.sort_order)
            )
        )
    ours = [p for p in carried if GROUP in (p.group_id, p.subgroup_id)]
    delisted, kept = ours[0], ours[1]
    _run("edit", delisted.id, "--user", LEAD, "--reason", "工作會議決議",
         *_sets(recommendation=vocab.RECOMMEND_DELIST, recommendation_reason=DELIST_REASON, recommendation_date=LOG["date"]))  # fmt: skip
    _run("edit", kept.id, "--user", LEAD, "--reason", "工作會議決議",
         *_sets(recommendation=vocab.RECOMMEND_KEEP, recommendation_reason=KEEP_REASON, recommendation_date=LOG["date"]))  # fmt: skip
    _run("edit", kept.id, "--user", LEAD, *_sets(risk=vocab.RISK_RED, risk_reason=RISK_REASON))
    _run("meeting-log", "add", GROUP, "--user", LEAD, *_sets(**LOG))
    with Session(engine) as s:
        for document in NEW_PROPOSALS:  # as the 新增提案 page sends them
            editing.create(s, actor=Actor(name=SECRETARIAT, role=vocab.SECRETARIAT), document=document)
    with Session(engine) as s:
        title = NEW_PROPOSALS[0]["title"]
        edited = s.exec(select(Proposal.id).where(Proposal.year == NEXT, Proposal.title == title)).one()
    _run("edit", edited, "--user", LEAD, "--reason", "工作會議修正", *_sets(**NEW_TEXTS))
    aid_row = next(p for p in carried if p.previous_id == J17)
    aid_csv = tmp / "mutual_aid.csv"
    aid_csv.write_text(
        "from_city,item_no,to_city,fire,ambulance,relay,period_start,period_end,proposal\n"
        + "".join(
            f"{a},{n},{b},{f},{m},{r},{AID_PERIOD[0]},{AID_PERIOD[1]},{aid_row.id}\n" for a, n, b, f, m, r in AID_113
        ),
        encoding="utf-8",
    )
    _run("import-sheet", str(aid_csv), "--user", SECRETARIAT, "--apply")
    _run("packet", str(NEXT), str(tmp / "packet.docx"))
    document = Document(str(tmp / "packet.docx"))
    with Session(engine) as s:
        ids = [p.id for p in carried]
        reasons = [v.reason for v in s.exec(select(ProposalVersion).where(ProposalVersion.proposal_id.in_(ids)))]
        refreshed = {p.id: p for p in s.exec(select(Proposal))}
    return Second(
        text=_document_text(document),
        document=document,
        delisted=refreshed[delisted.id],
        kept=refreshed[kept.id],
        pending=[refreshed[p.id] for p in carried if p.id not in (delisted.id, kept.id)],
        edited=refreshed[edited],
        aid_row=refreshed[aid_row.id],
        carry_reasons=[r for r in reasons if r and "延續" in r],
        old_meetings=old_meetings,
    )


def _discussion(second: Second) -> str:
    text = second.text
    return text[text.index("參、討論事項") : text.index(f"{NEXT}年度新增合作提案：")]


def test_the_heading_and_counts_follow_the_groups_recommendations(second):
    part = _discussion(second)
    assert f"一、{YEAR}年度合作方案{vocab.RECOMMEND_DELIST}" in part
    assert f"{vocab.RECOMMEND_DELIST} 1 案" in part and f"{vocab.RECOMMEND_KEEP} 1 案" in part
    assert f"另 {len(second.pending)} 案各議題組{vocab.NO_RECOMMENDATION}" in part
    assert f"（一）{vocab.RECOMMEND_DELIST} {YEAR} 年度合作方案，共 1 案" in part
    assert f"（二）{vocab.RECOMMEND_KEEP} {YEAR} 年度合作方案，共 1 案" in part
    assert f"（三）{YEAR} 年度合作方案{vocab.NO_RECOMMENDATION}，共 {len(second.pending)} 案" in part


def _row_with(document, heading: str, title: str) -> list[str]:
    [row] = [r for table in tables_after(document, heading) for r in rows(table) if flat(title) in map(flat, r)]
    return row


def test_each_recommendation_prints_its_reason_and_meeting_day(second):
    delist = _row_with(
        second.document, f"（一）{vocab.RECOMMEND_DELIST}{YEAR}年度合作方案，共1案", second.delisted.title
    )
    assert flat(DELIST_REASON) in delist[-1] and flat(f"議題組會議：{AGREED_ROC}") in delist[-1]
    keep = _row_with(second.document, f"（二）{vocab.RECOMMEND_KEEP}{YEAR}年度合作方案，共1案", second.kept.title)
    assert flat(KEEP_REASON) in keep[-1] and flat(f"議題組會議：{AGREED_ROC}") in keep[-1]


def test_rows_without_a_recommendation_say_so_and_claim_no_meeting(second):
    heading = f"（三）{YEAR}年度合作方案{vocab.NO_RECOMMENDATION}，共{len(second.pending)}案"
    table_rows = [r for table in tables_after(second.document, heading) for r in rows(table)]
    assert len(table_rows) == len(second.pending)
    assert all(flat(vocab.NO_RECOMMENDATION) in r[-1] and "議題組會議" not in r[-1] for r in table_rows)


def test_the_log_prints_the_groups_meeting_and_what_it_decided(second):
    text = second.text
    log = text[text.index("貳、") : text.index("參、討論事項")]
    assert f"113年07月15日 {LOG['name']}" in log  # the date as the log prints dates
    assert "決議：同意112-02擬解除列管。\n其餘提案持續追蹤。" in log
    assert second.old_meetings and "112年" not in log  # none of the 112 meetings (dated 112年…)


def test_new_proposals_are_in_their_tables_with_their_cards(second):
    text = second.text
    assert f"{NEXT}年度新增合作提案共計 2 案" in text
    for document in NEW_PROPOSALS:
        assert text.count(document["title"]) >= 2  # its table row and its card
    for field, value in NEW_TEXTS.items():  # the lead's rewrite, not the first draft
        for line in value.splitlines():
            assert line in text, field
    assert NEW_PROPOSALS[0]["description"] not in text


def test_no_sentence_the_system_wrote_and_nothing_of_112_where_113_belongs(second):
    text = second.text
    assert second.carry_reasons  # the history says what the carry-over did…
    assert not [r for r in second.carry_reasons if r in text]  # …and the packet does not
    assert "延續列管：" not in text and "自 112-" not in text and "新提案，尚未填報" not in text
    assert "依列管狀態" not in text
    assert "112年8月" not in text  # the 112 meeting's day
    assert "113年8月20日" in text


def test_the_risk_column_is_printed_only_when_asked(second, tmp_path):
    assert RISK_REASON not in second.text and "風險燈號" not in second.text
    out = tmp_path / "risk.docx"
    _run("packet", str(NEXT), str(out), "--risk")
    with_risk = _document_text(Document(str(out)))
    assert "風險燈號" in with_risk and vocab.RISK_RED in with_risk


def test_the_carried_rows_figures_are_the_new_periods_not_112s(second):
    text = second.text
    # The period entered with the figures, which the row's text does not give: printed by default
    # (the 112 packet prints no such line where J17's progress text gives the period).
    assert "統計區間：113年1月1日至113年6月30日" in text
    for *_, relay in AID_113:
        assert str(relay) in text  # as the source prints figures: 1208, no separator
    with open(DATA_DIR / "mutual_aid.csv", encoding="utf-8") as f:
        old = [row for row in csv.DictReader(f) if row["proposal"] == J17]
    old_relays = {int(row["relay"]) for row in old} - {relay for *_, relay in AID_113}
    printed = {int(n.replace(",", "")) for n in re.findall(r"\d[\d,]*", text) if n.replace(",", "").isdigit()}
    big_old = {n for n in old_relays if n >= 100}  # figures too large to be a day, an item or a count
    assert big_old and not (big_old & printed), sorted(big_old & printed)
