"""The risk light (風險燈號): a field of the proposal set by its group's lead through the one edit
path (a version with who, when, why), 紅 only with a reason, cleared to 未評估; its quarter is the
date of the person's save that set it, and a light of an earlier quarter is stale. 我的提案's
本季未更新 counts only people's saves, not a carry-over or an import."""

from datetime import UTC, date, datetime

import pytest
from sqlmodel import Session, select

from dashboard.cli import main
from dashboard.domain import editing, proposal_yaml, risk, vocab, worklist
from dashboard.domain.permissions import Actor, PermissionDenied
from dashboard.store.models import Proposal, ProposalVersion
from tests.storetools import add_account

LEAD = Actor(name="交通窗口", role=vocab.LEAD, groups=frozenset({"transport"}))
OTHER_LEAD = Actor(name="教育窗口", role=vocab.LEAD, groups=frozenset({"education"}))
TODAY = date(2026, 12, 6)  # the fourth quarter of 2026 (115年第4季)


@pytest.fixture
def s(writable_engine):
    with Session(writable_engine) as session:
        yield session


def _transport(s) -> list[str]:
    return list(s.exec(select(Proposal.id).where(Proposal.group_id == "transport").order_by(Proposal.sort_order)))


def _set(s, pid, actor=LEAD, **changes):
    return editing.edit(
        s, actor=actor, proposal_id=pid, changes=changes, base_version=editing.current_version(s, pid), reason="季報"
    )


def _dated(s, version: ProposalVersion, at: datetime) -> None:
    """Move a saved version to another moment, as if it had been saved then."""
    version = s.get(ProposalVersion, version.id)
    version.recorded_at = at
    s.add(version)
    s.commit()


def test_unset_is_unassessed_and_not_stale(s):
    pid = _transport(s)[0]
    state = risk.risk_states(s, today=TODAY)[pid]
    assert (state.light, state.label, state.stale, state.assessed) == (None, vocab.RISK_UNSET, False, "")


def test_a_lead_sets_and_clears_the_light_as_versions(s):
    pid = _transport(s)[0]
    first = _set(s, pid, risk=vocab.RISK_YELLOW, risk_reason="用地取得延遲，議題組協調中")
    assert first.recorded_by == "交通窗口" and first.reason == "季報"
    assert {c["field"]: c["new"] for c in first.changes} == {
        "risk": vocab.RISK_YELLOW,
        "risk_reason": "用地取得延遲，議題組協調中",
    }
    stored = s.get(Proposal, pid)
    s.refresh(stored)
    assert (stored.risk, stored.risk_reason) == (vocab.RISK_YELLOW, "用地取得延遲，議題組協調中")
    second = _set(s, pid, risk=None, risk_reason=None)
    assert second.version == first.version + 1
    assert {c["field"]: (c["old"], c["new"]) for c in second.changes} == {
        "risk": (vocab.RISK_YELLOW, None),
        "risk_reason": ("用地取得延遲，議題組協調中", None),
    }
    state = risk.risk_states(s, today=TODAY)[pid]
    assert state.light is None and state.label == vocab.RISK_UNSET
    # the card's light history: newest first, each with the light and reason it left
    entries = risk.history(editing.history(s, pid))
    assert [(e.version, e.light, e.by) for e in entries] == [
        (second.version, None, "交通窗口"),
        (first.version, vocab.RISK_YELLOW, "交通窗口"),
    ]


def test_red_needs_a_reason_and_the_message_names_the_field(s):
    pid = _transport(s)[0]
    with pytest.raises(editing.EditError) as refused:
        _set(s, pid, risk=vocab.RISK_RED)
    [problem] = refused.value.problems
    assert problem.field == "risk_reason" and "風險燈號原因" in problem.message and "紅" in problem.message
    assert s.get(Proposal, pid).risk is None and editing.current_version(s, pid) == 0
    with pytest.raises(editing.EditError):
        _set(s, pid, risk=vocab.RISK_RED, risk_reason="   ")
    saved = _set(s, pid, risk=vocab.RISK_RED, risk_reason="需中央與兩市首長協調經費")
    assert saved is not None and risk.risk_states(s, today=TODAY)[pid].light == vocab.RISK_RED


def test_an_unknown_light_and_a_reason_without_a_light_are_refused(s):
    pid = _transport(s)[0]
    with pytest.raises(editing.EditError) as refused:
        _set(s, pid, risk="橙")
    assert "未知的風險燈號「橙」" in str(refused.value) and "綠、黃、紅" in str(refused.value)
    with pytest.raises(editing.EditError) as refused:
        _set(s, pid, risk_reason="只有原因")
    assert refused.value.problems[0].field == "risk_reason" and vocab.RISK_UNSET in str(refused.value)
    _set(s, pid, risk=vocab.RISK_GREEN, risk_reason="依進度執行")
    with pytest.raises(editing.EditError):  # clearing the light leaves its reason behind: said, not dropped
        _set(s, pid, risk=None)
    assert s.get(Proposal, pid).risk == vocab.RISK_GREEN


def test_only_a_lead_of_the_group_or_the_secretariat_sets_the_light(s):
    pid = _transport(s)[0]
    with pytest.raises(PermissionDenied):
        _set(s, pid, actor=OTHER_LEAD, risk=vocab.RISK_GREEN)
    assert s.get(Proposal, pid).risk is None


def test_the_quarter_of_the_light_is_that_of_the_save_that_set_it(s):
    first, second, third = _transport(s)[:3]
    _dated(s, _set(s, first, risk=vocab.RISK_GREEN), datetime(2026, 10, 1, 1, tzinfo=UTC))  # 1 Oct, Taipei
    _dated(s, _set(s, second, risk=vocab.RISK_GREEN), datetime(2026, 9, 30, 15, 30, tzinfo=UTC))  # 30 Sep 23:30
    _dated(s, _set(s, third, risk=vocab.RISK_YELLOW), datetime(2026, 8, 1, tzinfo=UTC))
    # another field saved this quarter does not renew the light
    _set(s, third, contact="交通局 王科長")
    states = risk.risk_states(s, today=TODAY)
    assert not states[first].stale and states[first].assessed.startswith("115年第4季")
    assert states[second].stale and states[second].assessed.startswith("115年第3季")
    assert states[third].stale and states[third].set_at.date() == date(2026, 8, 1)
    assert vocab.STALE in states[third].short and vocab.STALE not in states[first].short
    # the same light again, with this quarter's reason, renews it
    _set(s, third, risk_reason="本季仍在協調用地")
    assert not risk.risk_states(s, today=TODAY)[third].stale
    # next quarter every light is stale again
    assert all(risk.risk_states(s, today=date(2027, 1, 1))[p].stale for p in (first, second, third))


def test_a_light_no_person_set_is_stale_and_says_so(s):
    pid = _transport(s)[0]
    proposal = s.get(Proposal, pid)
    proposal.risk = vocab.RISK_GREEN  # as data/ would load it: no version
    s.add(proposal)
    s.commit()
    state = risk.risk_states(s, today=TODAY)[pid]
    assert state.stale and state.set_at is None and state.assessed == risk.UNKNOWN_WHEN


def test_a_revert_of_the_light_is_a_new_version_and_a_persons_setting(s):
    pid = _transport(s)[0]
    set_version = _set(s, pid, risk=vocab.RISK_RED, risk_reason="需副首長協調")
    _dated(s, set_version, datetime(2026, 7, 1, tzinfo=UTC))
    back = editing.revert(s, actor=Actor(name="祕書", role=vocab.SECRETARIAT), proposal_id=pid, version=1)
    assert back.kind == vocab.VersionKind.REVERT and s.get(Proposal, pid).risk is None
    assert proposal_yaml.proposal_document(s, s.get(Proposal, pid)).get("risk") is None


def test_counts_order_red_first(s):
    ids = _transport(s)[:3]
    _set(s, ids[0], risk=vocab.RISK_GREEN)
    _set(s, ids[1], risk=vocab.RISK_RED, risk_reason="需協調")
    counts = risk.counts(risk.risk_states(s, today=TODAY), _transport(s))
    assert list(counts) == [vocab.RISK_RED, vocab.RISK_YELLOW, vocab.RISK_GREEN, vocab.RISK_UNSET]
    assert counts[vocab.RISK_RED] == 1 and counts[vocab.RISK_GREEN] == 1
    assert counts[vocab.RISK_UNSET] == len(_transport(s)) - 2


# --- 我的提案: only people's saves are updates ------------------------------------------------


def _version(s, pid: str, kind: str, at: datetime, by: str) -> None:
    number = editing.current_version(s, pid) + 1
    s.add(ProposalVersion(proposal_id=pid, version=number, changes=[], kind=kind, recorded_at=at, recorded_by=by))
    s.commit()


def test_a_carry_over_or_an_import_is_no_update_of_the_quarter(s):
    carried, imported, edited = _transport(s)[:3]
    this_quarter = datetime(2026, 11, 2, tzinfo=UTC)
    _version(s, carried, vocab.VersionKind.CARRY, this_quarter, "祕書")
    _version(s, imported, vocab.VersionKind.EDIT, datetime(2026, 8, 2, tzinfo=UTC), "交通窗口")
    _version(s, imported, vocab.VersionKind.IMPORT, this_quarter, "祕書")
    _version(s, edited, vocab.VersionKind.CARRY, datetime(2026, 8, 2, tzinfo=UTC), "祕書")
    _version(s, edited, vocab.VersionKind.EDIT, this_quarter, "交通窗口")
    items = {i.id: i for i in worklist.work_list(s, actor=LEAD, today=TODAY)}
    assert items[carried].stale and items[carried].updated_at is None and items[carried].version == 0
    assert items[imported].stale and items[imported].updated_by == "交通窗口" and items[imported].version == 1
    assert not items[edited].stale and items[edited].version == 2


# --- the command line -------------------------------------------------------------------------


def test_edit_sets_the_light_from_the_command_line(engine, capsys):
    add_account(engine, "交通窗口", vocab.LEAD, "transport")
    with Session(engine) as session:
        pid = _transport(session)[0]
    code = main(["edit", pid, "--user", "交通窗口", "--set", "risk=紅"])
    assert code != 0
    err = capsys.readouterr().err
    assert "風險燈號原因" in err
    code = main(["edit", pid, "--user", "交通窗口", "--set", "risk=紅", "--set", "risk_reason=需副首長協調經費"])
    out = capsys.readouterr().out
    assert code == 0 and "風險燈號" in out and "紅" in out
    with Session(engine) as session:
        assert session.get(Proposal, pid).risk == vocab.RISK_RED


# --- documents --------------------------------------------------------------------------------


def test_the_city_summary_lists_red_then_yellow_lights_first_among_what_waits(s):
    import io

    import docx

    from dashboard.documents import city_summary
    from tests.test_bundles import meeting_cycle

    cycle = meeting_cycle()
    before = city_summary.summary(s, city="新竹縣", cycle=cycle)
    assert not any(label.startswith("燈號") for label, _, _ in before.waiting)  # unassessed: as before
    red, yellow = before.rows["id"].tolist()[:2]
    secretariat = Actor(name="祕書", role=vocab.SECRETARIAT)
    _set(s, yellow, actor=secretariat, risk=vocab.RISK_YELLOW)
    _set(s, red, actor=secretariat, risk=vocab.RISK_RED, risk_reason="需副首長協調")
    content = city_summary.summary_docx(city_summary.summary(s, city="新竹縣", cycle=cycle))
    waiting = [[c.text for c in row.cells] for row in docx.Document(io.BytesIO(content)).tables[2].rows]
    assert waiting[1][:3] == ["燈號紅（需副首長協調）", "1", red]
    assert waiting[2][:3] == ["燈號黃（延遲，議題組處理中）", "1", yellow]
    assert waiting[3][0] == before.waiting[0][0]


def _packet_tables(content: bytes):
    import io

    import docx

    from tests.test_packet import carried_table, new_table

    document = docx.Document(io.BytesIO(content))
    return document, {
        "delist": carried_table(document, True),
        "keep": carried_table(document, False),
        vocab.CENTRAL: new_table(document, vocab.CENTRAL),
        vocab.JOINT: new_table(document, vocab.JOINT),
    }


def test_the_packet_prints_a_risk_column_only_when_asked(s):
    from dashboard.documents import packet
    from tests.test_packet import YEAR, flat, header, paragraph_texts, row_of

    secretariat = Actor(name="祕書", role=vocab.SECRETARIAT)
    red = s.exec(select(Proposal).where(Proposal.id == "112-J10")).one()
    _set(s, red.id, actor=secretariat, risk=vocab.RISK_RED, risk_reason="需副首長協調經費")
    _set(s, "112-C01", actor=secretariat, risk=vocab.RISK_GREEN)
    plain_doc, plain = _packet_tables(packet.packet_docx(s, cycle=YEAR))
    assert all("風險燈號" not in header(t) for t in plain.values())  # the default: as printed in 112
    assert flat(packet.RISK_LEGEND) not in paragraph_texts(plain_doc)
    document, tables = _packet_tables(packet.packet_docx(s, cycle=YEAR, risk=True))
    assert header(tables[vocab.JOINT]) == ["項次", "議題組別", "提案單位", "提案名稱", "風險燈號", "說明/進度"]
    assert header(tables[vocab.CENTRAL])[-2:] == ["風險燈號", "說明/進度"]
    assert header(tables["keep"])[-2:] == ["風險燈號", "持續列管原因"]
    assert row_of(tables[vocab.JOINT], red.item_no).cells[-2].text == vocab.RISK_RED
    c01 = s.get(Proposal, "112-C01")
    assert row_of(tables[vocab.CENTRAL], c01.item_no).cells[-2].text == vocab.RISK_GREEN
    assert {row.cells[-2].text for row in tables["delist"].rows[1:]} == {vocab.RISK_UNSET}
    assert flat(packet.RISK_LEGEND) in paragraph_texts(document)
    # the figures printed in a progress cell stay in the last column
    assert len(tables[vocab.JOINT].rows[1].cells) == 6


def test_the_packet_command_takes_risk(engine, tmp_path, capsys):
    import docx

    from tests.test_packet import YEAR, header, new_table

    out = tmp_path / "packet.docx"
    assert main(["packet", str(YEAR), str(out), "--risk"]) == 0
    assert "風險燈號" in header(new_table(docx.Document(str(out)), vocab.JOINT))


# --- the update workbook ----------------------------------------------------------------------


def test_the_workbook_has_a_drop_down_for_the_light_and_reads_it_back(writable_engine):
    from openpyxl.utils import get_column_letter

    from dashboard.documents import sheet_import, update_sheet
    from tests.test_update_sheet import column, edited, open_book, plan, workbook_bytes

    data = workbook_bytes(writable_engine)
    sheet = open_book(data)[update_sheet.DATA_SHEET]
    light = get_column_letter(column(sheet, "風險燈號"))
    rules = [r for r in sheet.data_validations.dataValidation if str(r.sqref).startswith(f"{light}2:")]
    assert [r.formula1 for r in rules] == ['"綠,黃,紅"']
    with Session(writable_engine) as session:
        pid = _transport(session)[0]
    refused = plan(writable_engine, edited(data, {(pid, "風險燈號"): "紅"}))
    assert refused.problems and "風險燈號原因" in str(refused.problems[0])
    ok = plan(writable_engine, edited(data, {(pid, "風險燈號"): "紅", (pid, "風險燈號原因"): "需副首長協調"}))
    assert not ok.problems
    with Session(writable_engine) as session:
        [version] = sheet_import.apply(session, actor=LEAD, plan=ok)
        assert version.recorded_by == LEAD.name
        assert (session.get(Proposal, pid).risk, session.get(Proposal, pid).risk_reason) == ("紅", "需副首長協調")
