"""Editing from the command line: `edit`, `history` and `revert` apply the app's checks (the
named account's role, the loader's rules, no silent overwrite) and refuse with a clear line."""

import pytest
from sqlmodel import Session

from dashboard.cli import main
from dashboard.domain import editing, proposal_yaml, vocab
from dashboard.store.models import Proposal
from tests.storetools import add_account, run_cli

OWN = "112-J02"  # an education proposal
OTHER = "112-J10"  # a transport proposal


@pytest.fixture
def people(engine):
    add_account(engine, "教育窗口", vocab.LEAD, "education")
    add_account(engine, "祕書", vocab.SECRETARIAT)


def document(engine, proposal_id: str) -> dict:
    with Session(engine) as session:
        return proposal_yaml.proposal_document(session, session.get(Proposal, proposal_id))


def versions(engine, proposal_id: str) -> list:
    with Session(engine) as session:
        return editing.history(session, proposal_id)


def test_a_lead_edits_their_own_proposal_and_sees_the_new_version(engine, people, capsys):
    code = main(["edit", OWN, "--user", "教育窗口", "--set", "contact=王小明 02-1234", "--reason", "換窗口"])
    out = capsys.readouterr().out
    assert code == 0
    assert f"已儲存提案 {OWN} 第 1 版" in out
    assert "聯絡人：「新北市教育局」 → 「王小明 02-1234」" in out
    assert document(engine, OWN)["contact"] == "王小明 02-1234"
    [version] = versions(engine, OWN)
    assert (version.recorded_by, version.reason) == ("教育窗口", "換窗口")


def test_list_values_take_either_separator_and_lead_units_take_json(engine, people, capsys):
    assert (
        main(
            [
                "edit",
                OWN,
                "--user",
                "教育窗口",
                "--set",
                "cities=桃園市、臺北市,基隆市",
                "--set",
                "types=縣市治理經驗與成果分享,跨縣市實質合作議題",
                "--set",
                'lead_units=[{"unit": "臺北市政府教育局", "city": "臺北市"}]',
            ]
        )
        == 0
    )
    saved = document(engine, OWN)
    assert saved["cities"] == ["基隆市", "臺北市", "桃園市"]  # the card's order
    assert saved["types"] == ["跨縣市實質合作議題", "縣市治理經驗與成果分享"]
    assert saved["lead_units"] == [{"unit": "臺北市政府教育局", "city": "臺北市"}]
    assert "提案單位：新北市政府教育局（新北市） → 臺北市政府教育局（臺北市）" in capsys.readouterr().out


def test_a_lead_cannot_edit_another_groups_proposal(engine, people, capsys):
    before = document(engine, OTHER)
    assert main(["edit", OTHER, "--user", "教育窗口", "--set", "contact=x"]) == 1
    err = capsys.readouterr().err
    assert f"議題組窗口「教育窗口」不能修改提案 {OTHER}" in err
    assert document(engine, OTHER) == before and versions(engine, OTHER) == []


def test_the_secretariat_edits_any_proposal(engine, people):
    assert main(["edit", OTHER, "--user", "祕書", "--set", "contact=祕書處代填"]) == 0
    assert document(engine, OTHER)["contact"] == "祕書處代填"


def test_a_save_based_on_an_older_version_changing_the_same_field_is_refused_showing_both(engine, people, capsys):
    assert main(["edit", OWN, "--user", "祕書", "--set", "contact=祕書改的"]) == 0
    capsys.readouterr()
    assert main(["edit", OWN, "--user", "教育窗口", "--set", "contact=窗口改的", "--base-version", "0"]) == 1
    err = capsys.readouterr().err
    assert f"提案 {OWN} 已由祕書更新為第 1 版（您的修改依據第 0 版），雙方都修改了「聯絡人」，未儲存任何欄位" in err
    assert "第 0 版：「新北市教育局」" in err and "目前（第 1 版）：「祕書改的」" in err and "您的：「窗口改的」" in err
    assert "--base-version 1 重新送出" in err
    assert document(engine, OWN)["contact"] == "祕書改的"
    assert main(["edit", OWN, "--user", "教育窗口", "--set", "contact=窗口改的", "--base-version", "1"]) == 0


def test_a_save_on_an_older_version_keeps_the_fields_only_the_other_changed(engine, people, capsys):
    before = document(engine, OWN)
    added = before["progress"] + "祕書補充一句。"
    assert main(["edit", OWN, "--user", "祕書", "--set", f"progress={added}"]) == 0
    capsys.readouterr()
    assert main(["edit", OWN, "--user", "教育窗口", "--set", "contact=窗口改的", "--base-version", "0"]) == 0
    out = capsys.readouterr().out
    assert f"已儲存提案 {OWN} 第 2 版" in out and "由祕書修改的欄位都保留" in out
    after = document(engine, OWN)
    assert (after["progress"], after["contact"]) == (added, "窗口改的")


def test_two_additions_to_one_text_are_refused_with_both_kept_in_the_merge_offered(engine, people, capsys):
    before = document(engine, OWN)["progress"]
    assert main(["edit", OWN, "--user", "祕書", "--set", f"progress={before}祕書的一句。"]) == 0
    capsys.readouterr()
    assert (
        main(["edit", OWN, "--user", "教育窗口", "--set", f"progress={before}窗口的一句。", "--base-version", "0"]) == 1
    )
    err = capsys.readouterr().err
    assert "雙方都修改了「進度說明」" in err
    assert f"兩者合併：「{before}祕書的一句。窗口的一句。」" in err
    assert document(engine, OWN)["progress"] == before + "祕書的一句。"


@pytest.mark.parametrize(
    "assignments, expected",
    [
        (
            ["progress=全新的文字"],
            "欄位「進度狀態依據（progress_basis）」：依據句須逐字出現在「progress」或「tracking_reason」中",
        ),
        (["progress_status=完成了"], "未知的進度狀態「完成了」"),
        (["notes=新備註"], f"提案 {OWN} 沒有可修改的欄位「notes」"),
        (["colour=red"], "沒有欄位「colour」"),
        (["contact"], "「contact」應寫成 欄位=新值"),
        (["lead_units=新北市政府教育局"], "欄位「lead_units」：須為 JSON 清單"),
        (["cities=臺北市、台中市"], "未知的縣市「台中市」"),
        (["contact=a", "contact=b"], "欄位「contact」指定了兩次"),
        ([f"contact={'長' * 301}"], "聯絡人最多 300 字，目前為 301 字"),
    ],
)
def test_a_change_that_breaks_the_rules_is_refused_and_nothing_is_saved(engine, people, capsys, assignments, expected):
    before = document(engine, OWN)
    args = [part for a in assignments for part in ("--set", a)]
    assert main(["edit", OWN, "--user", "教育窗口", *args]) == 1
    err = capsys.readouterr().err
    assert expected in err and "Traceback" not in err
    assert document(engine, OWN) == before and versions(engine, OWN) == []


@pytest.mark.parametrize("user, expected", [("無此人", "找不到帳號「無此人」"), ("停用者", "帳號「停用者」已停用")])
def test_an_unknown_or_disabled_account_cannot_edit(engine, people, capsys, user, expected):
    add_account(engine, "停用者", vocab.SECRETARIAT)
    assert main(["user", "disable", "停用者"]) == 0
    assert main(["edit", OWN, "--user", user, "--set", "contact=x"]) == 1
    assert expected in capsys.readouterr().err
    assert versions(engine, OWN) == []


def test_an_unchanged_value_makes_no_version(engine, people, capsys):
    assert main(["edit", OWN, "--user", "教育窗口", "--set", "contact=新北市教育局"]) == 0
    assert "沒有變更" in capsys.readouterr().out
    assert versions(engine, OWN) == []


def test_history_lists_versions_newest_first_with_their_diffs(engine, people, capsys):
    assert main(["history", OWN]) == 0
    assert "尚無修改紀錄" in capsys.readouterr().out
    assert main(["edit", OWN, "--user", "教育窗口", "--set", "contact=甲"]) == 0
    assert main(["edit", OWN, "--user", "祕書", "--set", "contact=乙", "--reason", "更正"]) == 0
    capsys.readouterr()
    assert main(["history", OWN]) == 0
    out = capsys.readouterr().out
    second, first = out.index("第 2 版｜"), out.index("第 1 版｜")
    assert second < first
    assert "｜祕書｜修改｜原因：更正" in out[second:first]
    assert "聯絡人：「甲」 → 「乙」" in out[second:first]
    assert "｜教育窗口｜修改" in out[first:]
    assert "聯絡人：「新北市教育局」 → 「甲」" in out[first:]


def test_history_of_an_unknown_proposal_is_refused(engine, capsys):
    assert main(["history", "999-X99"]) == 1
    assert "找不到提案「999-X99」" in capsys.readouterr().err


def test_only_the_secretariat_reverts_and_a_revert_is_a_new_version(engine, people, capsys):
    assert main(["edit", OWN, "--user", "教育窗口", "--set", "contact=甲"]) == 0
    assert main(["revert", OWN, "1", "--user", "教育窗口"]) == 1
    assert "只有祕書處可以還原提案版本" in capsys.readouterr().err
    assert main(["revert", OWN, "1", "--user", "祕書", "--reason", "誤改"]) == 0
    assert "已儲存提案 112-J02 第 2 版" in capsys.readouterr().out
    assert document(engine, OWN)["contact"] == "新北市教育局"
    assert [(v.version, v.kind, v.reason) for v in versions(engine, OWN)] == [(2, "revert", "誤改"), (1, "edit", None)]
    assert main(["revert", OWN, "7", "--user", "祕書"]) == 1
    assert f"提案 {OWN} 沒有第 7 版" in capsys.readouterr().err


def test_a_refusal_in_its_own_process_is_one_line_and_a_non_zero_exit(engine, people):
    result = run_cli("edit", OTHER, "--user", "教育窗口", "--set", "contact=x")
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        f"議題組窗口「教育窗口」不能修改提案 {OTHER}：只有該議題組的窗口或祕書處可以修改。"
    ]
    ok = run_cli("edit", OWN, "--user", "教育窗口", "--set", "contact=王小明")
    assert ok.returncode == 0, ok.stderr
    assert "第 1 版" in ok.stdout


def test_a_contact_with_a_line_break_keeps_it(engine, people):
    assert main(["edit", OWN, "--user", "教育窗口", "--set", "contact=教育局 王小明\n02-1234"]) == 0
    assert document(engine, OWN)["contact"] == "教育局 王小明\n02-1234"
