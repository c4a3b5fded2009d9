"""`new-year YEAR --meeting-date D --user NAME` from the command line: the secretariat starts the
next year and sees what carried over and what left; every refusal is one line, exit 1, the store
file untouched."""

import pytest
import yaml
from sqlmodel import Session, select

from dashboard.cli import main
from dashboard.domain import cycles, vocab
from dashboard.domain.dates import roc_year
from dashboard.store.config import DATA_DIR
from dashboard.store.models import Proposal
from tests.storetools import add_account, run_cli

YEAR = roc_year(yaml.safe_load((DATA_DIR / "meeting.yaml").read_text(encoding="utf-8"))["date"].year)
NEXT = YEAR + 1
DAY = f"{NEXT + 1911}-10-23"


@pytest.fixture
def people(engine):
    add_account(engine, "祕書", vocab.SECRETARIAT)
    add_account(engine, "交通窗口", vocab.LEAD, "transport")


HOSTED = ("--host-city", "新北市", "--form", "線上")  # who hosts and how: the 112 meeting's


def test_the_secretariat_starts_the_next_year(engine, people, capsys):
    assert main(["new-year", str(NEXT), *HOSTED, "--meeting-date", DAY, "--user", "祕書", "--venue", "新北市政府"]) == 0
    out, err = capsys.readouterr()
    with Session(engine) as session:
        carried = session.exec(select(Proposal).where(cycles.in_cycle(NEXT)).order_by(Proposal.sort_order)).all()
        assert cycles.meeting_of(session, NEXT).venue == "新北市政府"
    assert f"已開始{NEXT}年度" in out and f"持續列管 {len(carried)} 案" in out
    assert all(f"列管 {p.id} ← {p.previous_id}" in out for p in carried)
    assert "尚未記錄決議" in err  # no decision recorded: a warning, not a refusal
    assert main(["history", carried[0].id]) == 0
    assert f"祕書｜延續列管｜原因：{NEXT}年度開始，自 {carried[0].previous_id} 延續列管" in capsys.readouterr().out


@pytest.mark.parametrize(
    "args, message",
    [
        (["--user", "交通窗口"], "只有祕書處可以開始新年度"),
        (["--user", "無此人"], "找不到帳號「無此人」"),
        (["--meeting-date", "2024-13-01"], "不是有效的日期"),
        (["--meeting-date", f"{NEXT + 1912}-01-05"], f"不在{NEXT}年度"),
        (["--start-time", "25:00"], "不是有效的時間"),
        (["--chair", " "], "主持人不可空白"),
    ],
)
def test_a_refusal_is_one_line_and_leaves_the_store_as_it_was(engine, people, store_file, capsys, args, message):
    before = store_file.read_bytes()
    assert main(["new-year", str(NEXT), *HOSTED, "--meeting-date", DAY, *args]) == 1
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1, err
    assert store_file.read_bytes() == before


@pytest.mark.parametrize("year, message", [(str(NEXT + 1), "只能開始下一個年度"), ("下一年", "年度應為民國年的整數")])
def test_only_the_next_year_can_be_started(engine, store_file, capsys, year, message):
    before = store_file.read_bytes()
    assert main(["new-year", year, *HOSTED, "--meeting-date", DAY]) == 1
    assert message in capsys.readouterr().err
    assert store_file.read_bytes() == before


def test_a_second_start_is_refused_in_its_own_process(engine, store_file):
    assert run_cli("new-year", str(NEXT), *HOSTED, "--meeting-date", DAY).returncode == 0
    before = store_file.read_bytes()
    again = run_cli("new-year", str(NEXT), *HOSTED, "--meeting-date", DAY)
    assert again.returncode == 1
    assert again.stderr.strip() == f"{NEXT}年度已經開始（資料庫已有{NEXT}年度的會議或列管案）；未變更。"
    assert store_file.read_bytes() == before
