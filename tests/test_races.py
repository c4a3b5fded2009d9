"""Writers started at the same instant, on a store file or database several connections share (as
the app's sessions, the command line and replicas do): an accepted edit is never overwritten by a
load, of two saves on one version one wins and the other is told (StaleEdit), and cards created
together all get numbers of their own, and of two saves of the meeting settings on one version one
wins and the other is told (StaleMeeting). Each race starts its writers with a barrier and is repeated,
since an unlucky interleaving shows only in some trials."""

import threading

import pytest
from sqlalchemy import func
from sqlmodel import Session, select

from dashboard.datafiles import build
from dashboard.domain import editing, proposal_yaml, vocab
from dashboard.domain.permissions import Actor
from dashboard.store.config import DATA_DIR
from dashboard.store.db import make_engine
from dashboard.store.models import Proposal, ProposalVersion
from tests import databases

SECRETARIAT = Actor(name="祕書甲", role=vocab.SECRETARIAT)
RIVAL = Actor(name="祕書乙", role=vocab.SECRETARIAT)
PID = "111-01"
TRIALS = 20


@pytest.fixture
def shared_engine(tmp_path):
    """A store built from data/ on a file (SQLite) or database (PostgreSQL) that threads share
    through connections of their own, as processes do (the tests' in-memory SQLite has one)."""
    with databases.database(tmp_path / "shared.db", loaded=True) as url:
        engine = make_engine(url)
        yield engine
        engine.dispose()


def together(*jobs) -> list:
    """Run the jobs in threads released at one instant; what each returned or raised, in order."""
    barrier = threading.Barrier(len(jobs))
    results: list = [None] * len(jobs)

    def run(index, job):
        try:
            results[index] = job(barrier.wait)
        except Exception as error:  # the outcome a test checks
            results[index] = error

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    return results


def _contact(engine) -> tuple[str | None, list[ProposalVersion]]:
    with Session(engine) as s:
        document = proposal_yaml.proposal_document(s, s.get(Proposal, PID))
        return document.get("contact"), editing.history(s, PID)


def _clear_versions(engine) -> None:
    """Back to a store without edits, so that the next trial's load may run (the proposal keeps
    the last trial's contact, which is not data/'s)."""
    with Session(engine) as s:
        for version in s.exec(select(ProposalVersion)):
            s.delete(version)
        s.commit()


def test_a_load_started_with_an_edit_never_overwrites_it(shared_engine, monkeypatch):
    outcomes = set()
    for trial in range(TRIALS):
        typed = f"交通局 王科長 02-2720{trial:04d}"
        if trial % 2:  # data/ read beforehand: the load reaches the store as fast as the edit, either may go first
            ready = build.load_dataset(DATA_DIR)
            monkeypatch.setattr(build, "load_dataset", lambda _dir, ready=ready: ready)
        else:
            monkeypatch.undo()

        def save(go):
            with Session(shared_engine) as s:
                base = editing.current_version(s, PID)
                go()
                return editing.edit(
                    s, actor=SECRETARIAT, proposal_id=PID, changes={"contact": typed}, base_version=base
                )

        def load(go):
            go()
            build.load(shared_engine)
            return "loaded"

        saved, loaded = together(save, load)
        assert isinstance(saved, ProposalVersion), saved
        assert loaded == "loaded" or isinstance(loaded, build.StoreHasEdits), loaded
        outcomes.add("loaded" if loaded == "loaded" else "refused")
        contact, history = _contact(shared_engine)
        assert [c["new"] for c in history[0].changes if c["field"] == "contact"] == [typed]
        assert contact == typed, f"trial {trial}: the history says {typed!r}, the proposal holds {contact!r}"
        _clear_versions(shared_engine)
    print(f"load vs edit outcomes: {sorted(outcomes)}")


def test_two_saves_on_one_version_one_wins_the_other_is_told(shared_engine):
    for trial in range(TRIALS):
        with Session(shared_engine) as s:
            base = editing.current_version(s, PID)

        def save(actor, contact):
            def job(go):
                with Session(shared_engine) as s:
                    s.get(Proposal, PID)  # the form was read before the save, as a page does
                    go()
                    return editing.edit(
                        s, actor=actor, proposal_id=PID, changes={"contact": contact}, base_version=base
                    )

            return job

        first, second = together(save(SECRETARIAT, f"甲 {trial}"), save(RIVAL, f"乙 {trial}"))
        saved = [r for r in (first, second) if isinstance(r, ProposalVersion)]
        refused = [r for r in (first, second) if isinstance(r, editing.StaleEdit)]
        assert len(saved) == 1 and len(refused) == 1, (first, second)
        assert saved[0].version == base + 1 and refused[0].current == base + 1
        assert saved[0].recorded_by in str(refused[0])
        contact, history = _contact(shared_engine)
        assert len(history) == base + 1
        assert contact == dict((c["field"], c["new"]) for c in saved[0].changes)["contact"]


def test_cards_created_together_get_numbers_of_their_own(shared_engine):
    with Session(shared_engine) as s:
        year = s.exec(select(func.max(Proposal.year))).one()
        before = s.exec(select(func.count(Proposal.id))).one()

    def create(n):
        def job(go):
            card = {
                "year": year,
                "track": vocab.JOINT,
                "group": "transport",
                "title": f"北臺公車轉乘優惠整合 {n}",
                "lead_units": [{"unit": "新北市政府交通局", "city": "新北市"}],
                "types": [vocab.PROPOSAL_TYPES[0]],
                "cities": ["新北市"],
                "description": "跨市通勤族轉乘成本高。",
                "approach": "協調票價。",
                "benefits": "減少通勤成本。",
                "contact": "交通局 王科長 02-1234567",
            }
            with Session(shared_engine) as s:
                go()
                return editing.create(s, actor=SECRETARIAT, document=card)

        return job

    results = together(*(create(n) for n in range(8)))
    assert all(isinstance(r, ProposalVersion) for r in results), results
    ids = {r.proposal_id for r in results}
    assert len(ids) == 8
    with Session(shared_engine) as s:
        assert s.exec(select(func.count(Proposal.id))).one() == before + 8
        items = [s.get(Proposal, pid).item_no for pid in ids]
        titles = {s.get(Proposal, pid).title for pid in ids}
    assert len(set(items)) == 8 and len(titles) == 8


def test_two_saves_of_the_meeting_settings_on_one_version_one_wins_the_other_is_told(shared_engine):
    from dashboard.domain import meeting_settings
    from dashboard.store.models import Meeting

    with Session(shared_engine) as s:
        meeting_id = s.exec(select(Meeting.id)).first()
    for trial in range(TRIALS):
        with Session(shared_engine) as s:
            base = meeting_settings.current_base(s, meeting_id)

        def save(actor, theme):
            def job(go):
                with Session(shared_engine) as s:
                    s.get(Meeting, meeting_id)  # the form was read before the save, as a page does
                    go()
                    return meeting_settings.edit(
                        s, actor=actor, meeting_id=meeting_id, changes={"theme": theme}, base=base
                    )

            return job

        first, second = together(save(SECRETARIAT, f"甲的主軸 {trial}"), save(RIVAL, f"乙的主軸 {trial}"))
        saved = [r for r in (first, second) if not isinstance(r, Exception)]
        refused = [r for r in (first, second) if isinstance(r, meeting_settings.StaleMeeting)]
        assert len(saved) == 1 and len(refused) == 1, (first, second)
        assert saved[0].version == base.version + 1 and saved[0].recorded_by in str(refused[0])
        with Session(shared_engine) as s:
            theme = s.get(Meeting, meeting_id).theme
            assert meeting_settings.current_version(s, meeting_id) == base.version + 1
        assert theme == dict((c["field"], c["new"]) for c in saved[0].changes)["theme"]  # the winner's, whole
