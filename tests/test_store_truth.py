"""The database is the source of truth: `load` refuses to overwrite a store holding edits, and
`load --as-versions` brings data/ in as new versions, all or nothing, never losing an edit, a
decision, a minutes record or an account."""

import csv
import shutil
from datetime import UTC, date, datetime

import pytest
import yaml
from sqlmodel import Session, func, select

from dashboard.cli import main
from dashboard.datafiles import build
from dashboard.datafiles.data_layout import export_data_layout
from dashboard.domain import cycles, decisions, editing, new_year, proposal_yaml, vocab
from dashboard.domain.permissions import OPERATOR, Actor
from dashboard.store.db import make_engine
from dashboard.store.models import (
    Account,
    Decision,
    GroupMeeting,
    Meeting,
    MeetingRecord,
    Proposal,
    ProposalVersion,
    WorkGroup,
)
from tests.storetools import add_account, run_cli

EDITED = "112-J02"


def edit_contact(engine, proposal_id: str, contact: str) -> None:
    with Session(engine) as session:
        editing.edit(
            session,
            actor=OPERATOR,
            proposal_id=proposal_id,
            changes={"contact": contact},
            base_version=editing.current_version(session, proposal_id),
        )


@pytest.fixture
def edited(engine):
    """A store in use: an edit, a decision, a minutes record and an account."""
    edit_contact(engine, EDITED, "線上改的聯絡人")
    with Session(engine) as session:
        decisions.record(session, proposal_id=EDITED, resolution=vocab.RESOLUTIONS[0], actor=Actor.secretariat("祕書"))
        session.add(
            MeetingRecord(
                meeting_id="112-vice-mayors", minutes_taker="紀錄者", recorded_at=datetime.now(UTC), recorded_by="祕書"
            )
        )
        session.commit()
    add_account(engine, "祕書", vocab.SECRETARIAT)
    add_account(engine, "交通窗口", vocab.LEAD, "transport")
    return engine


def counts(engine) -> dict:
    with Session(engine) as session:
        return {
            model.__name__: session.exec(select(func.count()).select_from(model)).one()
            for model in (Decision, MeetingRecord, ProposalVersion, Account)
        }


def document(engine, proposal_id: str) -> dict:
    with Session(engine) as session:
        return proposal_yaml.proposal_document(session, session.get(Proposal, proposal_id))


def history(engine, proposal_id: str) -> list[tuple]:
    with Session(engine) as session:
        return [
            (v.version, v.kind, v.recorded_by, [c["field"] for c in v.changes])
            for v in editing.history(session, proposal_id)
        ]


def rewrite(path, change) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(proposal_yaml.to_yaml(data), encoding="utf-8")


def test_load_refuses_a_store_with_edits_and_leaves_it_byte_for_byte(edited, store_file):
    before = store_file.read_bytes()
    result = run_cli("load")
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [str(build.StoreHasEdits(1, 1))]
    assert "線上修改" in result.stderr and "load --as-versions" in result.stderr
    assert store_file.read_bytes() == before


def test_a_store_without_edits_loads_as_before_keeping_decisions(engine, capsys):
    with Session(engine) as session:
        decisions.record(session, proposal_id=EDITED, resolution=vocab.RESOLUTIONS[0], actor=Actor.secretariat("祕書"))
    assert main(["load"]) == 0
    assert "提案 55 案" in capsys.readouterr().out
    assert counts(engine)["Decision"] == 1


def test_load_as_versions_imports_changes_as_versions_and_loses_nothing(edited, data_copy, capsys):
    before = counts(edited)
    rewrite(data_copy / "proposals" / "112-J03.yaml", lambda d: d.update(contact="data/ 改的聯絡人"))
    new = data_copy / "proposals" / "112-J35.yaml"
    new.write_text(
        (data_copy / "proposals" / "112-J34.yaml").read_text(encoding="utf-8").replace("112-J34", "112-J35"),
        encoding="utf-8",
    )
    only_in_store = document(edited, "112-J34")
    (data_copy / "proposals" / "112-J34.yaml").unlink()
    meetings = data_copy / "group_meetings.csv"
    meetings.write_text(
        meetings.read_text(encoding="utf-8").replace("第1次工作會議", "第一次工作會議"), encoding="utf-8"
    )

    assert main(["--data", str(data_copy), "load", "--as-versions", "--user", "祕書"]) == 0
    out = capsys.readouterr().out
    assert "更新為新版本 2 案、新增 1 案；資料庫獨有而保留 1 案" in out

    assert history(edited, "112-J03") == [(1, "import", "祕書", ["contact"])]
    assert document(edited, "112-J03")["contact"] == "data/ 改的聯絡人"
    # the online edit is not discarded: data/'s value comes as a newer version, revertible
    assert history(edited, EDITED) == [(2, "import", "祕書", ["contact"]), (1, "edit", OPERATOR.name, ["contact"])]
    assert history(edited, "112-J35")[0][:3] == (1, vocab.VersionKind.CREATE, "祕書")
    assert document(edited, "112-J35") == yaml.safe_load(new.read_text(encoding="utf-8"))
    assert document(edited, "112-J34") == only_in_store
    assert history(edited, "112-J34") == []
    after = counts(edited)
    assert {k: after[k] for k in ("Decision", "MeetingRecord", "Account")} == {
        k: before[k] for k in ("Decision", "MeetingRecord", "Account")
    }
    assert after["ProposalVersion"] == before["ProposalVersion"] + 3
    with Session(edited) as session:
        names = {m.name for m in session.exec(select(GroupMeeting))}
        orders = [p.id for p in session.exec(select(Proposal).order_by(Proposal.sort_order))]
    assert "第一次工作會議" in names and "第1次工作會議" not in names
    assert orders.index("112-J34") < orders.index("112-J35")  # the packet's order, as a fresh load gives


def test_importing_the_same_data_again_adds_no_version(edited, capsys):
    assert main(["load", "--as-versions"]) == 0
    versions = counts(edited)["ProposalVersion"]
    capsys.readouterr()
    assert main(["load", "--as-versions"]) == 0
    assert "更新為新版本 0 案、新增 0 案" in capsys.readouterr().out
    assert counts(edited)["ProposalVersion"] == versions


def test_an_import_with_a_problem_changes_nothing(edited, data_copy, store_file, capsys):
    rewrite(data_copy / "proposals" / "112-J03.yaml", lambda d: d.update(contact="會被擋下的修改"))
    rewrite(data_copy / "proposals" / "112-J05.yaml", lambda d: d.update(progress_status="不存在的狀態"))
    before = store_file.read_bytes()
    assert main(["--data", str(data_copy), "load", "--as-versions"]) == 1
    err = capsys.readouterr().err
    assert "資料有 1 個問題，資料庫未變更" in err and "未知的進度狀態「不存在的狀態」" in err
    assert store_file.read_bytes() == before


def test_a_group_still_used_by_a_proposal_only_in_the_store_is_not_removed(edited, data_copy, store_file, capsys):
    """112-J01 is the culture group's only proposal: dropping both from data/ would leave the
    store's 112-J01 without its group, so the whole import is refused."""
    (data_copy / "proposals" / "112-J01.yaml").unlink()
    for name, keep in (
        ("indicators.csv", lambda row: row["proposal"] != "112-J01"),
        ("group_meetings.csv", lambda row: row["group"] != "culture"),
        ("groups.csv", lambda row: row["id"] != "culture"),
    ):
        path = data_copy / name
        with path.open(encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle)
            rows, header = [row for row in reader if keep(row)], reader.fieldnames
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, header, lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)
    assert main(["--data", str(data_copy), "check"]) == 0  # data/ alone is fine
    before = store_file.read_bytes()
    assert main(["--data", str(data_copy), "load", "--as-versions"]) == 1
    err = capsys.readouterr().err
    assert "資料庫中的提案 112-J01（不在 data/ 中）仍屬於此組別，不可刪除" in err
    assert store_file.read_bytes() == before
    with Session(edited) as session:
        assert session.get(WorkGroup, "culture") is not None


def test_only_the_secretariat_imports(edited, store_file, capsys):
    before = store_file.read_bytes()
    assert main(["load", "--as-versions", "--user", "交通窗口"]) == 1
    assert "只有祕書處可以把 data/ 匯入為新版本" in capsys.readouterr().err
    assert store_file.read_bytes() == before


def test_user_without_as_versions_is_a_usage_error(edited, capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["load", "--user", "祕書"])
    assert exit_.value.code == 2
    assert "--user 須搭配 --as-versions" in capsys.readouterr().err


def test_as_versions_on_an_empty_store_builds_it(db_url, capsys):
    assert main(["load", "--as-versions"]) == 0
    assert "提案 55 案" in capsys.readouterr().out


def test_a_two_cycle_folder_imports_as_versions_keeping_lineage_and_both_meetings(
    edited, template_store, tmp_path, capsys
):
    """A folder exported from a store where the next year was started (meetings/<id>.yaml, carried
    rows with `previous`) imports into a one-cycle store in use: the carried rows are created with
    their lineage, both meetings are there, the edits (as earlier versions) and decisions stay."""
    other = tmp_path / "other.db"
    shutil.copy(template_store, other)
    source = make_engine(f"sqlite:///{other}")
    with Session(source) as session:
        year = cycles.current_cycle(session)
        started = new_year.start_year(
            session, cycle=year + 1, meeting_date=date(year + 1 + 1911, 10, 23), actor=OPERATOR
        )
    folder = tmp_path / "two-cycles"
    export_data_layout(source, folder)
    source.dispose()
    before = counts(edited)

    assert main(["--data", str(folder), "load", "--as-versions", "--user", "祕書"]) == 0
    assert f"新增 {len(started.carried)} 案" in capsys.readouterr().out
    with Session(edited) as session:
        assert sorted(session.exec(select(Meeting.id))) == sorted([f"{year}-vice-mayors", started.meeting_id])
        for new_id, source_id in started.carried:
            assert session.get(Proposal, new_id).previous_id == source_id
            assert history(edited, new_id)[0][:3] == (1, vocab.VersionKind.CREATE, "祕書")
        assert cycles.current_cycle(session) == year + 1
    assert history(edited, EDITED)[-1] == (1, "edit", OPERATOR.name, ["contact"])  # kept, data/'s value comes after
    assert counts(edited)["Decision"] == before["Decision"]

    assert main(["--data", str(folder), "load", "--as-versions"]) == 0  # the same folder again: no change
    assert "更新為新版本 0 案、新增 0 案" in capsys.readouterr().out
