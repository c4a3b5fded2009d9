"""data/ holding more than one cycle: `previous` on a carried-over row must name a proposal of the
cycle before, once; meetings may come as meetings/<id>.yaml. Problems name the file and field."""

import shutil
from pathlib import Path

import pytest
import yaml

from dashboard.datafiles.loading import DataError, load_dataset
from dashboard.domain import proposal_yaml


def carried_copy(data: Path, source: str, new_id: str, **changes) -> Path:
    """A carried-over row of the next cycle continuing `source` (a copy of its file)."""
    document = yaml.safe_load((data / "proposals" / f"{source}.yaml").read_text(encoding="utf-8"))
    year = int(source.split("-")[0])
    document.update({"id": new_id, "year": year, "track": "carried", "previous": source, **changes})
    path = data / "proposals" / f"{new_id}.yaml"
    path.write_text(proposal_yaml.to_yaml({k: v for k, v in document.items() if v is not None}), encoding="utf-8")
    return path


def problems(data: Path) -> list[str]:
    with pytest.raises(DataError) as error:
        load_dataset(data)
    return [str(p) for p in error.value.problems]


def test_a_carried_row_continuing_a_proposal_of_the_cycle_before_loads(data_copy):
    carried_copy(data_copy, "112-J02", "112-01")
    proposals = {p.id: p for p in load_dataset(data_copy).proposals}
    assert proposals["112-01"].previous_id == "112-J02"
    assert proposals["112-J02"].previous_id is None
    assert max(p.sort_order for p in proposals.values()) == proposals["112-01"].sort_order  # the later cycle last


@pytest.mark.parametrize(
    "source, changes, message",
    [
        ("112-J02", {"previous": "112-J99"}, "未知的提案編號「112-J99」"),
        ("112-J02", {"previous": "第一案"}, "格式應如 112-J01 或 111-01"),
        ("112-J02", {"previous": "112-01"}, "不可延續自己"),
        ("112-J02", {"track": "joint", "year": 113}, "只有列管案（track: carried）延續前一年度的提案"),
        ("111-13", {}, "111-13 不是 111 年度的提案"),  # 111-13 is decided in cycle 112, not 111
    ],
)
def test_a_bad_previous_is_reported_with_its_file(data_copy, source, changes, message):
    new_id = "112-01" if source != "111-13" else "111-14"
    carried_copy(data_copy, source, new_id, **changes)
    found = problems(data_copy)
    assert any(f"proposals/{new_id}.yaml" in p and "previous" in p and message in p for p in found), found


def test_a_proposal_is_continued_once(data_copy):
    carried_copy(data_copy, "112-J02", "112-01")
    carried_copy(data_copy, "112-J02", "112-02")
    found = problems(data_copy)
    assert any("112-02.yaml" in p and "112-J02 已由 112-01 延續" in p for p in found), found


def test_meetings_may_be_one_file_each(data_copy):
    folder = data_copy / "meetings"
    folder.mkdir()
    shutil.move(data_copy / "meeting.yaml", folder / "112-vice-mayors.yaml")
    second = yaml.safe_load((folder / "112-vice-mayors.yaml").read_text(encoding="utf-8"))
    second.update(id="113-vice-mayors", date=second["date"].replace(year=second["date"].year + 1))
    (folder / "113-vice-mayors.yaml").write_text(yaml.safe_dump(second, allow_unicode=True), encoding="utf-8")
    dataset = load_dataset(data_copy)
    assert sorted(m.id for m in dataset.meetings) == ["112-vice-mayors", "113-vice-mayors"]
    assert {a.meeting_id for a in dataset.agenda} == {"112-vice-mayors", "113-vice-mayors"}


def test_a_meeting_in_both_layouts_is_reported(data_copy):
    (data_copy / "meetings").mkdir()
    shutil.copy(data_copy / "meeting.yaml", data_copy / "meetings" / "112-vice-mayors.yaml")
    found = problems(data_copy)
    assert any("meetings/112-vice-mayors.yaml" in p and "重複的會議識別碼「112-vice-mayors」" in p for p in found), (
        found
    )


def test_a_meeting_file_is_named_after_its_id(data_copy):
    (data_copy / "meetings").mkdir()
    shutil.move(data_copy / "meeting.yaml", data_copy / "meetings" / "annual.yaml")
    found = problems(data_copy)
    assert any("meetings/annual.yaml" in p and "檔名應與會議識別碼相同（112-vice-mayors.yaml）" in p for p in found), (
        found
    )


def test_without_any_meeting_file_meeting_yaml_is_missing(data_copy):
    (data_copy / "meeting.yaml").unlink()
    assert any("meeting.yaml" in p for p in problems(data_copy))
