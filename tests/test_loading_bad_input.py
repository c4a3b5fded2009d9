"""Broken input, one kind per case: `check` and `load` name the file (row, field), exit non-zero,
show no traceback, and a failed `load` leaves the store file byte for byte as it was."""

import hashlib
import random
import shutil
from pathlib import Path

import pytest

from dashboard.cli import main
from tests.storetools import run_cli

INT4 = "2147483647"


def write(rel: str, content: str | bytes):
    def change(data: Path) -> None:
        path = data / rel
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")

    return change


def edit(rel: str, change_text, encoding: str = "utf-8"):
    """Rewrite a file through a function of its text, saved in `encoding` ("\udcff" writes byte 0xff)."""

    def change(data: Path) -> None:
        path = data / rel
        path.write_bytes(change_text(path.read_text(encoding="utf-8")).encode(encoding, "surrogateescape"))

    return change


def edit_line(rel: str, number: int, change_line):
    """Change line `number` (1 = the header) of a CSV file."""

    def change_text(text: str) -> str:
        lines = text.split("\n")
        lines[number - 1] = change_line(lines[number - 1])
        return "\n".join(lines)

    return edit(rel, change_text)


def set_cell(rel: str, number: int, column: str, value: str):
    def change(data: Path) -> None:
        header = (data / rel).read_text(encoding="utf-8").split("\n", 1)[0].split(",")
        position = header.index(column)

        def replace(line: str) -> str:
            cells = line.split(",")
            cells[position] = value
            return ",".join(cells)

        edit_line(rel, number, replace)(data)

    return change


def folder(rel: str):
    def change(data: Path) -> None:
        path = data / rel
        if path.exists():
            path.unlink()
        (path / "inner").mkdir(parents=True)

    return change


def garbage(rel: str, size: int):
    return write(rel, random.Random(size).randbytes(size))


def alias_bomb() -> str:
    """The "billion laughs": nine levels of nine aliases, 9**9 strings once expanded."""
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"a{n}: &a{n} [{', '.join([f'*a{n - 1}'] * 9)}]" for n in range(1, 9)]
    return "\n".join(lines + ["name: *a8", ""])


def append(rel: str, text: str):
    return edit(rel, lambda old: old + text)


CASES = [
    pytest.param(edit("cities.csv", str, "cp950"), ["data/cities.csv｜第 2 行", "Big5", "UTF-8"], id="big5-csv"),
    pytest.param(
        edit("proposals/112-J01.yaml", str, "cp950"), ["data/proposals/112-J01.yaml", "Big5", "UTF-8"], id="big5-yaml"
    ),
    pytest.param(
        edit_line("groups.csv", 3, lambda line: line + "\udcff"),
        ["data/groups.csv｜第 3 行", "不是 UTF-8", "UTF-8"],
        id="invalid-utf8",
    ),
    pytest.param(
        edit("meeting.yaml", lambda text: "\ufeff" + text, "utf-16-le"), ["data/meeting.yaml", "UTF-16"], id="utf16"
    ),
    pytest.param(garbage("indicators.csv", 5_000_000), ["data/indicators.csv｜（檔案）", "MB"], id="garbage-5mb-csv"),
    pytest.param(
        garbage("proposals/112-J05.yaml", 5_000_000),
        ["data/proposals/112-J05.yaml｜（檔案）", "MB"],
        id="garbage-5mb-yaml",
    ),
    pytest.param(garbage("mutual_aid.csv", 64_000), ["data/mutual_aid.csv", "UTF-8"], id="garbage-small-csv"),
    pytest.param(folder("cities.csv"), ["資料有 1 個問題", "data/cities.csv｜（檔案）", "資料夾"], id="folder-csv"),
    pytest.param(
        folder("proposals/112-J99.yaml"), ["data/proposals/112-J99.yaml｜（檔案）", "資料夾"], id="folder-yaml"
    ),
    pytest.param(
        write("meeting.yaml", alias_bomb()), ["資料有 1 個問題", "data/meeting.yaml", "別名"], id="alias-bomb"
    ),
    pytest.param(
        set_cell("mutual_aid.csv", 4, "fire", "3000000000"),
        ["data/mutual_aid.csv｜第 4 行｜欄位「fire」", "3000000000", f"0 至 {INT4}"],
        id="int-too-large-csv",
    ),
    pytest.param(
        edit("proposals/112-J01.yaml", lambda t: t.replace("item_no: 1\n", "item_no: 3000000000\n")),
        ["data/proposals/112-J01.yaml｜提案 112-J01｜欄位「item_no」", f"1 至 {INT4}"],
        id="int-too-large-yaml",
    ),
    pytest.param(
        edit(
            "proposals/112-J01.yaml",
            lambda t: t.replace("title: 北管音樂及客家八音校園推廣\n", f"title: {'長' * 5000}\n"),
        ),
        ["data/proposals/112-J01.yaml｜提案 112-J01｜欄位「title」", "提案名稱最多 120 字，目前為 5000 字"],
        id="title-too-long-yaml",
    ),
    pytest.param(
        set_cell("cities.csv", 3, "sort_order", "-3000000000"),
        ["data/cities.csv｜第 3 行｜欄位「sort_order」", f"-2147483648 至 {INT4}"],
        id="int-too-small",
    ),
    pytest.param(write("cities.csv", ""), ["資料有 1 個問題", "data/cities.csv｜（檔案）", "空"], id="empty-cities"),
    pytest.param(write("groups.csv", ""), ["資料有 1 個問題", "data/groups.csv｜（檔案）", "空"], id="empty-groups"),
    pytest.param(
        edit("cities.csv", lambda t: t.split("\n", 1)[0] + "\n"),
        ["資料有 1 個問題", "data/cities.csv｜（檔案）", "沒有任何資料"],
        id="header-only-cities",
    ),
    pytest.param(
        edit_line("cities.csv", 1, lambda line: line.replace("name_en", "english")),
        ["資料有 2 個問題", "data/cities.csv｜第 1 行（標題列）", "缺少欄位：name_en", "english"],
        id="renamed-column",
    ),
    pytest.param(
        edit_line("cities.csv", 3, lambda line: line + ",extra"),
        ["資料有 1 個問題", "data/cities.csv｜第 3 行", "extra"],
        id="extra-cell",
    ),
    pytest.param(
        edit_line("group_meetings.csv", 4, lambda line: line.rsplit(",", 1)[0]),
        ["data/group_meetings.csv｜第 4 行", "缺少：name"],
        id="missing-cell",
    ),
    pytest.param(
        edit_line("group_meetings.csv", 4, lambda line: line.replace(",", ',"', 1)),
        ["data/group_meetings.csv｜第 4 行", "引號沒有成對"],
        id="unclosed-quote",
    ),
    pytest.param(
        append("proposals/112-J01.yaml", "title: 又一個標題\n"),
        ["資料有 1 個問題", "data/proposals/112-J01.yaml", "欄位「title」", "重複"],
        id="duplicate-yaml-key",
    ),
    pytest.param(
        set_cell("mutual_aid.csv", 5, "to_city", "新北\x00市"),
        ["資料有 1 個問題", "data/mutual_aid.csv｜第 5 行｜欄位「to_city」", "NUL"],
        id="nul-csv",
    ),
    pytest.param(
        edit("proposals/112-J01.yaml", lambda t: t.replace("title: 北管", "title: 北\x00管")),
        ["資料有 1 個問題", "data/proposals/112-J01.yaml｜提案 112-J01｜欄位「title」", "NUL"],
        id="nul-yaml",
    ),
    pytest.param(
        append("proposals/112-J01.yaml", 'notes: "a\\0b"\n'),
        ["data/proposals/112-J01.yaml｜提案 112-J01｜欄位「notes」", "NUL"],
        id="nul-yaml-escape",
    ),
    pytest.param(
        append("meeting.yaml", 'extra: "a\x01b"\n'), ["data/meeting.yaml｜第 ", "U+0001"], id="control-character-yaml"
    ),
    pytest.param(
        write("meeting.yaml", "- id: x\n- name: y\n"),
        ["data/meeting.yaml｜（檔案）", "mapping"],
        id="yaml-list-not-mapping",
    ),
    pytest.param(
        edit("proposals/112-J01.yaml", lambda t: t.replace("title: 北管音樂及客家八音校園推廣", "title: {a: 1}")),
        ["data/proposals/112-J01.yaml｜提案 112-J01｜欄位「title」", "文字"],
        id="mapping-not-text",
    ),
    pytest.param(
        edit("proposals/112-J02.yaml", lambda t: t.replace("- 臺北市\n", "- [臺北市]\n")),
        ["data/proposals/112-J02.yaml｜提案 112-J02｜欄位「cities」", "第 2 項"],
        id="list-in-list",
    ),
    pytest.param(
        edit("meeting.yaml", lambda t: t.replace('  - {start: "14:40"', '  - 主席致詞\n  - {start: "14:40"')),
        ["data/meeting.yaml｜會議｜欄位「agenda」", "第 3 項"],
        id="text-not-mapping",
    ),
    pytest.param(
        write("proposals/112-J20.yml", "id: 112-J20\n"), ["data/proposals/112-J20.yml", ".yaml"], id="yml-extension"
    ),
    pytest.param(
        edit("geo/taiwan_counties.geojson", lambda t: t[: len(t) // 2]),
        ["資料有 1 個問題", "data/geo/taiwan_counties.geojson｜第 ", "GeoJSON"],
        id="truncated-geojson",
    ),
    pytest.param(
        edit("geo/taiwan_counties.geojson", lambda t: t.replace('"name":"臺北市"', '"name":"台北市"')),
        ["data/geo/taiwan_counties.geojson", "臺北市"],
        id="geojson-missing-city",
    ),
    pytest.param(
        edit("proposals/112-J01.yaml", lambda t: t.replace("card_unit:", "card_uint:")),
        ["資料有 1 個問題", "data/proposals/112-J01.yaml｜提案 112-J01｜欄位「card_uint」", "card_unit"],
        id="misspelt-yaml-key",
    ),
    pytest.param(
        edit("meeting.yaml", lambda t: t.replace("note: （每位3分鐘）", "notes: （每位3分鐘）")),
        ["資料有 1 個問題", "data/meeting.yaml｜議程第 4 項｜欄位「notes」", "note"],
        id="misspelt-agenda-key",
    ),
    pytest.param(
        edit_line("groups.csv", 3, lambda line: line.replace("文化教育組", "發展推動組")),
        ["data/groups.csv｜發展推動組｜欄位「name」", "重複"],
        id="duplicate-group-name",
    ),
    pytest.param(
        edit("meeting.yaml", lambda t: t.replace("  承辦單位:", "  1: [某單位]\n  承辦單位:")),
        ["data/meeting.yaml｜會議 organisers｜欄位「1」", "文字"],
        id="role-not-text",
    ),
]


def digest(folder: Path) -> dict[str, str]:
    """Every file beside the store (a journal left behind would show here too), by content."""
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.iterdir() if p.is_file()}


def assert_reported(err: str, out: str, expected: list[str]) -> None:
    assert "Traceback" not in err + out
    assert "資料庫未變更" in err
    for text in expected:
        assert text in err


@pytest.mark.parametrize("breaks, expected", CASES)
def test_check_names_the_problem(data_copy, capsys, breaks, expected):
    breaks(data_copy)
    assert main(["--data", str(data_copy), "check"]) == 1
    out, err = capsys.readouterr()
    assert_reported(err, out, expected)


@pytest.mark.parametrize("breaks, expected", CASES)
def test_failed_load_leaves_the_store_byte_identical(data_copy, store_file, capsys, breaks, expected):
    before = digest(store_file.parent)
    breaks(data_copy)
    assert main(["--data", str(data_copy), "load"]) == 1
    out, err = capsys.readouterr()
    assert_reported(err, out, expected)
    assert digest(store_file.parent) == before


def test_load_still_works_after_a_refused_load(data_copy, store_file, capsys):
    write("cities.csv", "")(data_copy)
    assert main(["--data", str(data_copy), "load"]) == 1
    assert main(["load"]) == 0
    assert "提案 55 案" in capsys.readouterr().out


@pytest.mark.parametrize(
    "breaks, expected",
    [
        pytest.param(write("meeting.yaml", alias_bomb()), ["data/meeting.yaml", "別名"], id="alias-bomb"),
        pytest.param(garbage("cities.csv", 5_000_000), ["data/cities.csv", "MB"], id="garbage-5mb"),
        pytest.param(edit("cities.csv", str, "cp950"), ["data/cities.csv", "Big5"], id="big5"),
    ],
)
def test_the_command_line_shows_no_traceback(data_copy, store_file, breaks, expected):
    before = digest(store_file.parent)
    breaks(data_copy)
    for command in ("check", "load"):
        result = run_cli("--data", str(data_copy), command)
        assert result.returncode == 1
        assert_reported(result.stderr, result.stdout, expected)
    assert digest(store_file.parent) == before


@pytest.mark.parametrize(
    "args, expected",
    [
        pytest.param(lambda data: ["--data", str(data / "missing"), "check"], "找不到資料夾", id="missing-data-folder"),
        pytest.param(
            lambda data: ["--data", str(data / "cities.csv"), "check"], "應是資料夾", id="file-as-data-folder"
        ),
    ],
)
def test_a_wrong_data_folder_is_named(data_copy, capsys, args, expected):
    assert main(args(data_copy)) == 1
    err = capsys.readouterr().err
    assert "資料有 1 個問題" in err and expected in err


def test_proposals_folder_that_is_a_file(data_copy, capsys):
    shutil.rmtree(data_copy / "proposals")
    (data_copy / "proposals").write_text("", encoding="utf-8")
    assert main(["--data", str(data_copy), "check"]) == 1
    err = capsys.readouterr().err
    assert "資料有 1 個問題" in err and "data/proposals/｜（資料夾）" in err


def test_unreadable_file(data_copy, monkeypatch, capsys):
    """Permissions are simulated: the tests may run as root, who reads any file."""
    real_open = Path.open

    def guarded(self, *args, **kwargs):
        if self.name == "groups.csv":
            raise PermissionError(13, "Permission denied", str(self))
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(Path, "open", guarded)
    assert main(["--data", str(data_copy), "check"]) == 1
    err = capsys.readouterr().err
    assert "資料有 1 個問題" in err and "data/groups.csv｜（檔案）" in err and "權限" in err


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(edit("cities.csv", lambda t: "\ufeff" + t.replace("\n", "\r\n")), id="csv-bom-crlf"),
        pytest.param(edit("meeting.yaml", lambda t: "\ufeff" + t.replace("\n", "\r\n")), id="yaml-bom-crlf"),
        pytest.param(append("mutual_aid.csv", ",,,,,,,,\n,,,,,,,,\n"), id="empty-rows-excel-leaves"),
    ],
)
def test_what_editors_do_to_good_files_is_accepted(data_copy, capsys, change):
    change(data_copy)
    assert main(["--data", str(data_copy), "check"]) == 0, capsys.readouterr().err


def test_many_problems_in_one_file_are_summarised(data_copy, capsys):
    edit("mutual_aid.csv", lambda t: t.replace(",2023-", ",yesterday-"))(data_copy)
    assert main(["--data", str(data_copy), "check"]) == 1
    err = capsys.readouterr().err
    assert "data/mutual_aid.csv 另有" in err
    assert len(err.splitlines()) < 40
