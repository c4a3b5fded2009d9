"""`export DIR --layout data` writes the store as data/ lays it out: from a store built from
data/ the same bytes, and after edits a folder that `check` accepts and a fresh `load` turns
back into the same build."""

from datetime import date

import pytest
import yaml
from sqlmodel import Session, select

from dashboard.cli import main
from dashboard.datafiles import build
from dashboard.domain import cycles, decisions, editing, new_year, proposal_yaml, vocab, yearly
from dashboard.domain.permissions import OPERATOR
from dashboard.store.config import DATA_DIR
from dashboard.store.db import make_engine
from dashboard.store.models import AgendaItem, Meeting, Organiser, Proposal
from tests import databases
from tests.storetools import run_cli

DATA_FILES = sorted(p.relative_to(DATA_DIR).as_posix() for p in DATA_DIR.rglob("*") if p.is_file())


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    """The store built from data/, exported once for the module's read-only checks."""
    folder = tmp_path_factory.mktemp("exported")
    with databases.database(folder / "build.db", loaded=True) as url, pytest.MonkeyPatch.context() as patch:
        patch.setenv("DATABASE_URL", url)
        assert main(["export", str(folder / "export"), "--layout", "data"]) == 0
    return folder / "export"


def test_the_export_holds_every_file_of_data_and_nothing_else(exported):
    written = sorted(p.relative_to(exported).as_posix() for p in exported.rglob("*") if p.is_file())
    assert written == DATA_FILES


@pytest.mark.parametrize("name", [n for n in DATA_FILES if n != "meeting.yaml"])
def test_each_file_is_byte_for_byte_as_in_data(exported, name):
    assert (exported / name).read_bytes() == (DATA_DIR / name).read_bytes()


def test_meeting_yaml_differs_only_in_its_opening_comment(exported):
    """The comment that opens data/meeting.yaml is the clerk's and is not kept in the store; the
    export writes its own comment there, and everything after it is the same bytes."""

    def body(path):
        lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
        assert lines[0].startswith("# ")
        return "".join(lines[1:])

    assert body(exported / "meeting.yaml") == body(DATA_DIR / "meeting.yaml")
    assert yaml.safe_load((exported / "meeting.yaml").read_text(encoding="utf-8")) == yaml.safe_load(
        (DATA_DIR / "meeting.yaml").read_text(encoding="utf-8")
    )


def test_after_edits_export_check_and_a_fresh_load_give_the_same_store(engine, tmp_path, monkeypatch):
    with Session(engine) as session:
        editing.edit(
            session,
            actor=OPERATOR,
            proposal_id="112-J02",
            base_version=0,
            changes={
                "contact": "王小明\n02-2960-3456",
                "cities": ["臺北市", "新北市"],
                "lead_units": [
                    {"unit": "臺北市政府教育局", "city": "臺北市"},
                    {"unit": "新北市政府教育局", "city": "新北市"},
                ],
            },
        )
        editing.edit(
            session,
            actor=OPERATOR,
            proposal_id="111-01",
            base_version=0,
            changes={
                "progress_status": "已完成",
                "tracking_reason": "已完成，解除列管",
                "progress_basis": "已完成，解除列管",
            },
        )
        edited = {p.id: proposal_yaml.proposal_document(session, p) for p in session.exec(select(Proposal))}
    out = tmp_path / "export"
    assert main(["export", str(out), "--layout", "data"]) == 0
    assert "02-2960-3456" in (out / "proposals" / "112-J02.yaml").read_text(encoding="utf-8")

    checked = run_cli("--data", str(out), "check")
    assert checked.returncode == 0, checked.stderr
    fresh_url = databases.new_url(tmp_path / "fresh.db")
    monkeypatch.setenv("DATABASE_URL", fresh_url)
    assert main(["--data", str(out), "load"]) == 0
    fresh = make_engine(fresh_url)
    with Session(fresh) as session:
        reloaded = {p.id: proposal_yaml.proposal_document(session, p) for p in session.exec(select(Proposal))}
    assert reloaded == edited
    again = tmp_path / "again"
    assert main(["--data", str(out), "export", str(again), "--layout", "data"]) == 0
    for path in out.rglob("*"):
        if path.is_file():
            assert (again / path.relative_to(out)).read_bytes() == path.read_bytes(), path.name
    fresh.dispose()
    databases.drop(fresh_url)


def test_a_folder_with_proposals_the_store_lacks_is_refused_and_untouched(engine, tmp_path, capsys):
    out = tmp_path / "export"
    (out / "proposals").mkdir(parents=True)
    stray = out / "proposals" / "999-01.yaml"
    stray.write_text("id: 999-01\n", encoding="utf-8")
    assert main(["export", str(out), "--layout", "data"]) == 1
    err = capsys.readouterr().err
    assert "已有資料庫中沒有的提案檔：999-01.yaml" in err
    assert sorted(p.name for p in out.rglob("*")) == ["999-01.yaml", "proposals"]


def test_exporting_over_its_own_export_rewrites_it(engine, tmp_path):
    out = tmp_path / "export"
    assert main(["export", str(out), "--layout", "data"]) == 0
    (out / "cities.csv").write_text("broken", encoding="utf-8")
    assert main(["export", str(out), "--layout", "data"]) == 0
    assert (out / "cities.csv").read_bytes() == (DATA_DIR / "cities.csv").read_bytes()


def test_the_default_layout_is_still_one_csv_per_table(engine, tmp_path):
    assert main(["export", str(tmp_path / "tables")]) == 0
    assert (tmp_path / "tables" / "proposals.csv").exists()
    assert not (tmp_path / "tables" / "proposals").exists()


def test_export_builds_a_missing_store_first(db_url, tmp_path):
    assert main(["export", str(tmp_path / "out"), "--layout", "data"]) == 0
    assert (tmp_path / "out" / "proposals" / "112-J02.yaml").read_bytes() == (
        DATA_DIR / "proposals" / "112-J02.yaml"
    ).read_bytes()
    assert build.is_built(make_engine(db_url))


# --- a store of two cycles: meetings/<id>.yaml, and `previous` on the carried rows ---------------


def start_next_year(engine) -> new_year.YearStarted:
    """The store's next year, started after a decision that keeps one de-listing proposal tracked."""
    with Session(engine) as session:
        kept = session.exec(
            select(Proposal.id).where(Proposal.tracking_status == vocab.PROPOSE_DELIST).order_by(Proposal.sort_order)
        ).first()
        decisions.record(session, actor=OPERATOR, proposal_id=kept, resolution=vocab.REJECTED)
        year = cycles.current_cycle(session)
        return new_year.start_year(session, cycle=year + 1, meeting_date=date(year + 1 + 1911, 10, 23), actor=OPERATOR)


def store_contents(engine) -> dict:
    with Session(engine) as session:
        return {
            "proposals": {
                p.id: (proposal_yaml.proposal_document(session, p), p.sort_order)
                for p in session.exec(select(Proposal))
            },
            "meetings": {m.id: m.model_dump() for m in session.exec(select(Meeting))},
            "agenda": {(a.meeting_id, a.position): a.model_dump() for a in session.exec(select(AgendaItem))},
            "organisers": {(o.meeting_id, o.role, o.position): o.name for o in session.exec(select(Organiser))},
        }


def test_a_two_cycle_store_round_trips_through_the_data_layout(engine, tmp_path, monkeypatch):
    started = start_next_year(engine)
    before = store_contents(engine)
    out = tmp_path / "export"
    assert main(["export", str(out), "--layout", "data"]) == 0
    assert not (out / "meeting.yaml").exists()
    assert sorted(p.name for p in (out / "meetings").iterdir()) == sorted(f"{m}.yaml" for m in before["meetings"])
    first_new, first_source = started.carried[0]
    assert (
        yaml.safe_load((out / "proposals" / f"{first_new}.yaml").read_text(encoding="utf-8"))["previous"]
        == first_source
    )
    assert "previous" not in yaml.safe_load((out / "proposals" / f"{first_source}.yaml").read_text(encoding="utf-8"))
    # the old meeting's file is data/meeting.yaml's, byte for byte after the opening comment
    old = next(m for m in before["meetings"] if m != started.meeting_id)
    assert (out / "meetings" / f"{old}.yaml").read_text(encoding="utf-8").split("\n", 1)[1] == (
        DATA_DIR / "meeting.yaml"
    ).read_text(encoding="utf-8").split("\n", 1)[1]

    checked = run_cli("--data", str(out), "check")
    assert checked.returncode == 0, checked.stderr
    fresh_url = f"sqlite:///{tmp_path / 'fresh.db'}"
    monkeypatch.setenv("DATABASE_URL", fresh_url)
    assert main(["--data", str(out), "load"]) == 0
    fresh = make_engine(fresh_url)
    assert store_contents(fresh) == before
    with Session(fresh) as session:
        assert [p.id for p in yearly.lineage(session, first_new)][-2:] == [first_source, first_new]
        assert cycles.cycles(session) == [started.previous, started.year]
    again = tmp_path / "again"
    assert main(["--data", str(out), "export", str(again), "--layout", "data"]) == 0
    for path in out.rglob("*"):
        if path.is_file():
            assert (again / path.relative_to(out)).read_bytes() == path.read_bytes(), path.name
    fresh.dispose()


def test_exporting_a_second_meeting_over_a_one_meeting_export_replaces_meeting_yaml(engine, tmp_path):
    out = tmp_path / "export"
    assert main(["export", str(out), "--layout", "data"]) == 0
    assert (out / "meeting.yaml").exists()
    start_next_year(engine)
    assert main(["export", str(out), "--layout", "data"]) == 0
    assert not (out / "meeting.yaml").exists()
    assert run_cli("--data", str(out), "check").returncode == 0


def test_a_folder_with_a_meeting_the_store_lacks_is_refused_and_untouched(engine, tmp_path, capsys):
    start_next_year(engine)
    out = tmp_path / "export"
    (out / "meetings").mkdir(parents=True)
    stray = out / "meetings" / "099-vice-mayors.yaml"
    stray.write_text("id: 099-vice-mayors\n", encoding="utf-8")
    assert main(["export", str(out), "--layout", "data"]) == 1
    assert "已有資料庫中沒有的會議檔：meetings/099-vice-mayors.yaml" in capsys.readouterr().err
    assert sorted(p.name for p in out.rglob("*")) == ["099-vice-mayors.yaml", "meetings"]
