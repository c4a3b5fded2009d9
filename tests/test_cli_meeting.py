"""The meeting from the command line: `new-year` for an in-person meeting of another host city without
a link, `meeting show` (Chinese labels, ROC dates, carried values marked), `meeting edit` and
`meeting agenda` (exit 1 and the store untouched when refused), `meeting history`, and `minutes`."""

import io

import pytest
from docx import Document
from sqlmodel import Session

from dashboard.cli import main
from dashboard.domain import cycles, vocab
from dashboard.domain import meeting_settings as ms
from tests.storetools import add_account
from tests.test_cli_cycle import DAY, NEXT

HALL = "新竹市政府大禮堂"
START = ["new-year", str(NEXT), "--host-city", "新竹市", "--form", "實體", "--venue", HALL, "--url", ""]
MARK = f"【{ms.CARRIED_MARK}】"


@pytest.fixture
def started(engine, capsys):
    add_account(engine, "祕書", vocab.SECRETARIAT)
    add_account(engine, "交通窗口", vocab.LEAD, "transport")
    assert main([*START, "--meeting-date", DAY, "--user", "祕書"]) == 0
    capsys.readouterr()
    return engine


def shown(capsys, year=NEXT) -> str:
    assert main(["meeting", "show", str(year)]) == 0
    return capsys.readouterr().out


def test_new_year_in_person_without_a_link_then_show_marks_what_was_carried(started, capsys):
    out = shown(capsys)
    lines = dict(line.split("：", 1) for line in out.splitlines() if "：" in line and not line.startswith(" "))
    assert lines["會議形式"] == "實體" and lines["會議連結"] == "（空白）" and lines["地點"] == HALL
    assert lines["主政縣市"] == "新竹市" and lines["承辦單位"] == "新竹市政府"
    assert lines["會議日期"].startswith(f"{NEXT}年10月23日（星期")
    assert lines["主持人"].endswith(MARK) and lines["主持機關"] == f"新北市政府　{MARK}"
    assert not lines["承辦單位"].endswith(MARK) and not lines["地點"].endswith(MARK)
    assert f"議程：{MARK}" in out and "開放登入" not in out


def test_edit_then_confirm_clears_the_marks(started, capsys):
    argv = ["meeting", "edit", str(NEXT), "--user", "祕書", "--reason", "新主政縣市"]
    sets = ["chair=邱臣遠", "chair_title=副市長", "chair_org=新竹市政府", "organisers.協辦單位=新竹縣政府、苗栗縣政府"]
    assert main([*argv, *sum((["--set", s] for s in sets), [])]) == 0
    out = capsys.readouterr().out
    assert "已儲存會議「" in out and "主持人：「劉副市長和然」" not in out and "主持人：劉副市長和然 → 邱臣遠" in out
    assert main(["meeting", "edit", str(NEXT), "--user", "祕書", "--confirm-all"]) == 0
    capsys.readouterr()
    out = shown(capsys)
    assert MARK not in out and "主持人：邱臣遠" in out and "協辦單位：新竹縣政府、苗栗縣政府" in out
    assert main(["meeting", "history", str(NEXT)]) == 0
    history = capsys.readouterr().out
    assert "第 3 版" in history and "確認沿用" in history and "原因：新主政縣市" in history


@pytest.mark.parametrize(
    "args, message",
    [
        (["--set", "url=https://meet.example/x"], "會議連結：實體會議不需要會議連結"),
        (["--set", "host_city=新竹"], "主政縣市：「新竹」不是八縣市的正式名稱"),
        (["--set", "venue"], "應寫成 欄位=新值"),
        (["--set", "form=線上"], "會議連結：線上會議須填寫會議連結"),
        (["--user", "交通窗口", "--set", "theme=x"], "只有祕書處"),
        ([], "請以 --set 欄位=新值 指定修改"),
    ],
)
def test_a_refused_edit_exits_1_and_writes_nothing(started, store_file, capsys, args, message):
    before = store_file.read_bytes()
    assert main(["meeting", "edit", str(NEXT), *args]) == 1
    assert message in capsys.readouterr().err
    assert store_file.read_bytes() == before


def test_a_year_without_a_meeting_is_refused(engine, capsys):
    assert main(["meeting", "show", str(NEXT)]) == 1
    assert f"資料庫中沒有{NEXT}年度的會議" in capsys.readouterr().err


AGENDA = """agenda:
  - {start: "14:30", end: "14:40", title: 報到}
  - {start: "14:40", end: "15:30", title: 年度合作方案決議, key: decision}
  - {start: "15:30", title: 會議結束}
"""


def test_the_agenda_from_a_file(started, tmp_path, store_file, capsys):
    good = tmp_path / "agenda.yaml"
    good.write_text(AGENDA, encoding="utf-8")
    assert main(["meeting", "agenda", str(NEXT), str(good), "--user", "祕書"]) == 0
    assert "議程：" in capsys.readouterr().out
    with Session(started) as s:
        info = ms.settings(s, cycles.meeting_of(s, NEXT))
        assert [row["title"] for row in info.document["agenda"]] == ["報到", "年度合作方案決議", "會議結束"]
        assert "agenda" not in info.unconfirmed
    bad = tmp_path / "bad.yaml"
    bad.write_text(AGENDA.replace('start: "14:40"', 'start: "14:35"'), encoding="utf-8")
    before = store_file.read_bytes()
    assert main(["meeting", "agenda", str(NEXT), str(bad)]) == 1
    assert "議程第 2 列：開始時間 14:35 早於第 1 列的結束時間 14:40" in capsys.readouterr().err
    assert store_file.read_bytes() == before


def test_minutes_writes_the_cycles_draft(started, tmp_path, capsys):
    assert (
        main(
            ["meeting", "edit", str(NEXT), "--set", "attendance.宜蘭縣=副縣長 林茂盛", "--set", "minutes_taker=王小明"]
        )
        == 0
    )
    out = tmp_path / "m.docx"
    assert main(["minutes", str(NEXT), str(out)]) == 0
    document = Document(io.BytesIO(out.read_bytes()))
    text = "\n".join(p.text for p in document.paragraphs)
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    assert f"地點：{HALL}" in text and "紀錄：王小明" in text and "副縣長 林茂盛" in cells
    assert ms.CARRIED_MARK not in text
    assert main(["minutes", str(NEXT), str(tmp_path / "m.txt")]) == 1
