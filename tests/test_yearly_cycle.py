"""Issue 12's "done when", end to end as the secretariat and a group lead would run it: from an empty
store, load the packet's year, round-trip the transport group's workbook, record two decisions,
start the next year, add a proposal to it, and write both years' packets. Each step has its own
focused tests elsewhere; this one checks that they fit together, in order, on one store."""

import io
from datetime import date

import docx
import pytest
from openpyxl import load_workbook
from sqlmodel import Session, select

from dashboard.cli import main
from dashboard.domain import cycles, decisions, editing, vocab
from dashboard.domain.permissions import Actor
from dashboard.store.db import make_engine
from dashboard.store.models import City, Proposal, ProposalVersion
from tests.storetools import add_account

SECRETARIAT = "祕書甲"
LEAD = "交通窗口"
SHEET = "提案更新"


@pytest.fixture
def engine(db_url):
    engine = make_engine(db_url)
    yield engine
    engine.dispose()


def docx_text(path) -> str:
    document = docx.Document(io.BytesIO(path.read_bytes()))
    cells = (cell.text for table in document.tables for row in table.rows for cell in row.cells)
    return "\n".join([*(p.text for p in document.paragraphs), *cells])


def set_cell(path, proposal_id: str, header: str, value: str) -> None:
    book = load_workbook(path)
    sheet = book[SHEET]
    column = [c.value for c in sheet[1]].index(header) + 1
    row = next(r for r in range(2, sheet.max_row + 1) if sheet.cell(r, 1).value == proposal_id)
    sheet.cell(row, column).value = value
    book.save(path)


def versions(engine) -> list[ProposalVersion]:
    with Session(engine) as s:
        return list(s.exec(select(ProposalVersion).order_by(ProposalVersion.id)))


def test_a_year_from_load_to_both_packets(engine, tmp_path, capsys):
    # 1. An empty store takes the packet's year.
    assert main(["load"]) == 0
    with Session(engine) as s:
        year = cycles.current_cycle(s)
        transport = list(
            s.exec(
                select(Proposal)
                .where(cycles.in_cycle(year), Proposal.group_id == "transport", Proposal.track != vocab.CARRIED)
                .order_by(Proposal.sort_order)
            )
        )
        to_delist = s.exec(
            select(Proposal).where(
                cycles.in_cycle(year), Proposal.track == vocab.CARRIED, Proposal.tracking_status == vocab.PROPOSE_DELIST
            )
        ).first()
        first_city = s.exec(select(City.name).order_by(City.sort_order)).first()
    add_account(engine, SECRETARIAT, vocab.SECRETARIAT)
    add_account(engine, LEAD, vocab.LEAD, "transport")

    # 2. The transport lead round-trips the group's workbook: preview changes nothing, apply once.
    target = transport[0]
    book = tmp_path / "交通.xlsx"
    assert main(["export-sheet", str(book), "--group", "transport"]) == 0
    contact = "交通局 王科長 02-29603456 分機 1234"
    set_cell(book, target.id, editing.FIELD_LABELS["contact"], contact)
    assert main(["import-sheet", str(book), "--user", LEAD]) == 0
    assert versions(engine) == [], "a preview writes nothing"
    assert main(["import-sheet", str(book), "--user", LEAD, "--apply"]) == 0
    applied = versions(engine)
    assert [(v.proposal_id, v.recorded_by, [c["field"] for c in v.changes]) for v in applied] == [
        (target.id, LEAD, ["contact"])
    ]
    assert main(["import-sheet", str(book), "--user", LEAD, "--apply"]) == 0
    assert versions(engine) == applied, "the same file twice changes nothing"

    # 3. The meeting de-lists one carried-over proposal and keeps one new proposal tracked.
    secretariat = Actor(name=SECRETARIAT, role=vocab.SECRETARIAT)
    kept = next(p for p in transport if p.tracking_status in vocab.STILL_TRACKED)
    with Session(engine) as s:
        decisions.record(s, actor=secretariat, proposal_id=to_delist.id, resolution=vocab.ADOPTED)
        decisions.record(s, actor=secretariat, proposal_id=kept.id, resolution=vocab.ADOPTED)

    # 4. The next year starts: the kept proposal carries over, the de-listed one leaves.
    next_year = year + 1
    meeting_day = date(next_year + 1911, 10, 23)
    assert (
        main(
            ["new-year", str(next_year), "--host-city", "新北市", "--form", "線上"]
            + ["--meeting-date", meeting_day.isoformat(), "--user", SECRETARIAT]
        )
        == 0
    )
    with Session(engine) as s:
        assert cycles.current_cycle(s) == next_year
        carried = {p.previous_id: p for p in s.exec(select(Proposal).where(cycles.in_cycle(next_year)))}
        assert kept.id in carried and to_delist.id not in carried
        assert carried[target.id].contact == contact, "the lead's update carries into the next year"

    # 5. A new proposal of the next year, by the card form's data function.
    with Session(engine) as s:
        created = editing.create(
            s,
            actor=secretariat,
            document={
                "year": next_year,
                "track": vocab.JOINT,
                "group": "transport",
                "title": "北臺公車轉乘優惠整合",
                "lead_units": [{"unit": "新北市政府交通局", "city": "新北市"}],
                "types": [vocab.PROPOSAL_TYPES[0]],
                "cities": [first_city],
                "description": "跨市通勤族轉乘成本高。",
                "approach": "盤點轉乘路線。",
                "benefits": "減少通勤成本。",
                "contact": "交通局 王科長",
            },
        )
    with Session(engine) as s:
        assert s.get(Proposal, created.proposal_id) in s.exec(select(Proposal).where(cycles.in_cycle(next_year))).all()

    # 6. Both years' packets: each its own meeting, proposals and cards.
    old, new = tmp_path / "old.docx", tmp_path / "new.docx"
    assert main(["packet", str(year), str(old)]) == 0
    assert main(["packet", str(next_year), str(new)]) == 0
    old_text, new_text = docx_text(old), docx_text(new)
    assert contact in old_text and target.title in old_text
    assert f"{next_year}年10月23日" in new_text and "北臺公車轉乘優惠整合" in new_text
    assert kept.title in new_text and to_delist.title not in new_text
    assert "北臺公車轉乘優惠整合" not in old_text
