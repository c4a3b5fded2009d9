"""Validation of data/: each rule on a broken copy, reported with file, record and field."""

import csv
from pathlib import Path

import pytest
import yaml

from dashboard.datafiles.loading import DataError, load_dataset


def rewrite_csv(path: Path, change) -> None:
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    fields = list(rows[0])
    change(rows)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields)
        writer.writeheader()
        writer.writerows(rows)


def edit_yaml(path: Path, change) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def problems_of(data_dir: Path):
    with pytest.raises(DataError) as caught:
        load_dataset(data_dir)
    return caught.value.problems


def test_curated_data_is_valid():
    dataset = load_dataset(Path(__file__).resolve().parent.parent / "data")
    assert len(dataset.proposals) == 55


def test_unknown_city_in_mutual_aid(data_copy):
    rewrite_csv(data_copy / "mutual_aid.csv", lambda rows: rows[8].update(from_city="台北市"))
    [problem] = problems_of(data_copy)
    assert (problem.file, problem.record, problem.field) == ("data/mutual_aid.csv", "第 10 行", "from_city")
    assert "台北市" in problem.message and "臺北市" in problem.message


def test_unknown_city_in_proposal_cities(data_copy):
    edit_yaml(data_copy / "proposals" / "112-J02.yaml", lambda d: d["cities"].append("台中市"))
    [problem] = problems_of(data_copy)
    assert (problem.file, problem.record, problem.field) == ("data/proposals/112-J02.yaml", "提案 112-J02", "cities")
    assert "台中市" in problem.message


def test_unknown_group(data_copy):
    edit_yaml(data_copy / "proposals" / "112-J07.yaml", lambda d: d.update(group="交通組"))
    [problem] = problems_of(data_copy)
    assert (problem.file, problem.field) == ("data/proposals/112-J07.yaml", "group")
    assert "交通組" in problem.message


def test_subgroup_of_another_group(data_copy):
    edit_yaml(data_copy / "proposals" / "112-J02.yaml", lambda d: d.update(subgroup="police"))
    [problem] = problems_of(data_copy)
    assert problem.field == "subgroup" and "police" in problem.message


def test_unknown_group_in_meeting_log(data_copy):
    rewrite_csv(data_copy / "group_meetings.csv", lambda rows: rows[0].update(group="nobody"))
    [problem] = problems_of(data_copy)
    assert (problem.file, problem.record, problem.field) == ("data/group_meetings.csv", "第 2 行", "group")


def test_duplicate_proposal_id(data_copy):
    source = data_copy / "proposals" / "112-J01.yaml"
    (data_copy / "proposals" / "112-J99.yaml").write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
    [problem] = problems_of(data_copy)
    assert (problem.file, problem.field) == ("data/proposals/112-J99.yaml", "id")
    assert "重複" in problem.message and "112-J01" in problem.message


def test_file_name_must_match_id(data_copy):
    edit_yaml(data_copy / "proposals" / "112-J03.yaml", lambda d: d.update(id="112-J98"))
    [problem] = problems_of(data_copy)
    assert problem.field == "id" and "112-J98.yaml" in problem.message


@pytest.mark.parametrize("bad", ["2023-02-30", "112/03/01", "yesterday"])
def test_bad_date(data_copy, bad):
    rewrite_csv(data_copy / "group_meetings.csv", lambda rows: rows[3].update(date=bad))
    [problem] = problems_of(data_copy)
    assert (problem.record, problem.field) == ("第 5 行", "date")
    assert bad in problem.message and "YYYY-MM-DD" in problem.message


def test_bad_date_in_meeting(data_copy):
    edit_yaml(data_copy / "meeting.yaml", lambda d: d.update(date="2023-13-08"))
    [problem] = problems_of(data_copy)
    assert (problem.file, problem.field) == ("data/meeting.yaml", "date")


@pytest.mark.parametrize("column", ["fire", "ambulance", "relay"])
def test_negative_count(data_copy, column):
    rewrite_csv(data_copy / "mutual_aid.csv", lambda rows: rows[0].update({column: "-1"}))
    [problem] = problems_of(data_copy)
    assert (problem.record, problem.field) == ("第 2 行", column)
    assert "負數" in problem.message


def test_non_numeric_count(data_copy):
    rewrite_csv(data_copy / "indicators.csv", lambda rows: rows[0].update(value="十四"))
    [problem] = problems_of(data_copy)
    assert (problem.file, problem.field) == ("data/indicators.csv", "value")


@pytest.mark.parametrize("field", ["title", "group", "tracking_status", "progress_basis"])
def test_missing_required_field(data_copy, field):
    edit_yaml(data_copy / "proposals" / "112-J10.yaml", lambda d: d.pop(field))
    problems = problems_of(data_copy)
    assert [(p.file, p.record, p.field) for p in problems] == [("data/proposals/112-J10.yaml", "提案 112-J10", field)]
    assert "必填" in problems[0].message


def test_missing_required_csv_cell(data_copy):
    rewrite_csv(data_copy / "cities.csv", lambda rows: rows[2].update(name_en=""))
    [problem] = problems_of(data_copy)
    assert (problem.file, problem.record, problem.field) == ("data/cities.csv", "第 4 行", "name_en")


def test_unknown_status_names_the_vocabulary(data_copy):
    edit_yaml(data_copy / "proposals" / "112-J10.yaml", lambda d: d.update(progress_status="進行中"))
    [problem] = problems_of(data_copy)
    assert problem.field == "progress_status" and "執行中" in problem.message


def test_basis_must_quote_the_progress_text(data_copy):
    edit_yaml(data_copy / "proposals" / "112-J10.yaml", lambda d: d.update(progress_basis="已全部完成。"))
    [problem] = problems_of(data_copy)
    assert problem.field == "progress_basis"


def test_stated_total_must_match_details(data_copy):
    def change(rows):
        for row in rows:
            if (
                row["indicator"] == "social_worker_training"
                and row["city"] == "宜蘭縣"
                and row["counterpart_city"] == "新北市"
            ):
                row["value"] = "17"

    rewrite_csv(data_copy / "indicators.csv", change)
    problems = problems_of(data_copy)
    assert {p.message for p in problems} == {"合計 48 與明細加總 47 不符", "合計 57 與明細加總 56 不符"}


def test_all_problems_reported_at_once(data_copy):
    rewrite_csv(data_copy / "mutual_aid.csv", lambda rows: rows[0].update(fire="-3", to_city="台北"))
    edit_yaml(data_copy / "proposals" / "112-J10.yaml", lambda d: d.pop("title"))
    assert {p.field for p in problems_of(data_copy)} == {"fire", "to_city", "title"}


def test_broken_yaml_names_the_line(data_copy):
    (data_copy / "proposals" / "112-J10.yaml").write_text("id: 112-J10\ntitle: [unclosed\n", encoding="utf-8")
    [problem] = problems_of(data_copy)
    assert problem.file == "data/proposals/112-J10.yaml" and "YAML" in problem.message


def test_problem_reads_as_one_line_for_a_clerk(data_copy):
    rewrite_csv(data_copy / "mutual_aid.csv", lambda rows: rows[0].update(fire="-1"))
    [problem] = problems_of(data_copy)
    assert str(problem) == "data/mutual_aid.csv｜第 2 行｜欄位「fire」：數量不可為負數（目前為 -1）"


def test_unknown_group_message_names_the_groups(data_copy):
    edit_yaml(data_copy / "proposals" / "112-J07.yaml", lambda d: d.update(group="交通組"))
    [problem] = problems_of(data_copy)
    assert "transport（交通運輸組）" in problem.message


def test_problems_name_the_folder_that_was_checked(tmp_path):
    import shutil

    from dashboard.store.config import DATA_DIR

    folder = tmp_path / "draft"
    shutil.copytree(DATA_DIR, folder)
    (folder / "meeting.yaml").unlink()
    [problem] = problems_of(folder)
    assert problem.file == "draft/meeting.yaml" and "找不到檔案" in problem.message
