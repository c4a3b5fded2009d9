"""A proposal comes into a store that keeps versions one way (editing.add_proposal), whichever door it
comes by: the card form, a proposal new in data/ brought in as versions, or the start of the next
cycle. Each arrives with its rows and a version 1 that lists every field it holds as a change from
nothing, recorded by the actor, of the kind that says which door it came by."""

import pytest
from sqlmodel import Session, select

from dashboard.datafiles import build
from dashboard.domain import editing, new_year, proposal_yaml, vocab
from dashboard.domain.permissions import Actor
from dashboard.store.models import Proposal, ProposalCity, ProposalLead, ProposalType
from tests.test_new_year import MEETING_DAY, NEXT, YEAR

SECRETARIAT = Actor(name="祕書", role=vocab.SECRETARIAT)
CARD = {
    "year": YEAR,
    "track": vocab.JOINT,
    "group": "transport",
    "title": "北臺公車轉乘優惠整合",
    "lead_units": [{"unit": "新北市政府交通局", "city": "新北市"}],
    "types": [vocab.PROPOSAL_TYPES[0]],
    "cities": ["臺北市", "新北市"],
    "description": "跨市通勤族轉乘成本高。",
}


def by_card_form(engine, data_dir) -> list[str]:
    with Session(engine) as s:
        return [editing.create(s, actor=SECRETARIAT, document=CARD).proposal_id]


def by_data_import(engine, data_dir) -> list[str]:
    with Session(engine) as s:
        last = s.exec(select(Proposal.id).where(Proposal.track == vocab.JOINT).order_by(Proposal.id.desc())).first()
    number = int(last.rsplit("J", 1)[1]) + 1
    new_id = f"{YEAR}-J{number:02d}"
    text = (data_dir / "proposals" / f"{last}.yaml").read_text(encoding="utf-8").replace(last, new_id)
    (data_dir / "proposals" / f"{new_id}.yaml").write_text(text, encoding="utf-8")
    imported = build.import_versions(engine, data_dir, actor=SECRETARIAT)
    return imported.created


def by_starting_the_next_cycle(engine, data_dir) -> list[str]:
    with Session(engine) as s:
        started = new_year.start_year(s, cycle=NEXT, meeting_date=MEETING_DAY, actor=SECRETARIAT)
    return [new for new, _ in started.carried]


DOORS = {
    "card form": (by_card_form, vocab.VersionKind.CREATE),
    "data/ import": (by_data_import, vocab.VersionKind.CREATE),
    "next cycle": (by_starting_the_next_cycle, vocab.VersionKind.CARRY),
}


@pytest.mark.parametrize("door", DOORS)
def test_every_door_brings_a_proposal_in_with_its_rows_and_a_first_version(writable_engine, data_copy, door):
    bring, kind = DOORS[door]
    arrived = bring(writable_engine, data_copy)
    assert arrived
    with Session(writable_engine) as s:
        for proposal_id in arrived:
            proposal = s.get(Proposal, proposal_id)
            held = proposal_yaml.proposal_document(s, proposal)
            (version,) = editing.history(s, proposal_id)
            assert (version.version, version.kind, version.recorded_by) == (1, kind, SECRETARIAT.name)
            assert [c["field"] for c in version.changes] == [key for key in proposal_yaml.KEYS if key in held]
            assert all(c["old"] is None for c in version.changes)
            assert {c["field"]: c["new"] for c in version.changes} == held
            leads = s.exec(select(ProposalLead).where(ProposalLead.proposal_id == proposal_id)).all()
            assert len(leads) == len(held["lead_units"]) > 0
            if proposal.cities_scope is not None:
                assert len(s.exec(select(ProposalCity).where(ProposalCity.proposal_id == proposal_id)).all()) == len(
                    held["cities"]
                )
                assert len(s.exec(select(ProposalType).where(ProposalType.proposal_id == proposal_id)).all()) == len(
                    held["types"]
                )


def test_every_kind_has_one_label_for_the_history():
    assert set(vocab.VERSION_KIND_LABELS) == set(vocab.VersionKind)
    assert vocab.version_kind_label("carry") == "延續列管"
    assert vocab.version_kind_label("unknown-kind") == "unknown-kind"
