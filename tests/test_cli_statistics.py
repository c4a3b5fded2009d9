"""import-sheet of the data/ CSV forms of statistics (mutual_aid.csv, indicators.csv): a new period's
rows for a proposal previewed without --apply (nothing written), applied with it as one version per
table by the named account, refused naming file, line and column, and by the proposal's rights; and
`statistics ID` listing the tables and their versions. Runs on both engines (cli_url)."""

import pytest
from sqlmodel import Session, select

from dashboard.cli import main
from dashboard.domain import vocab
from dashboard.store.models import StatisticsVersion
from tests.storetools import add_account

AID_HEADER = "from_city,item_no,to_city,fire,ambulance,relay,period_start,period_end,proposal"
INDICATOR_HEADER = "proposal,indicator,label,kind,city,counterpart_city,value,unit,period_start,period_end,as_of,note"
SECOND_HALF = [
    "臺北市,1,新北市,4,30,1100,2023-07-01,2023-12-31,112-J17",
    "新北市,1,臺北市,2,0,700,2023-07-01,2023-12-31,112-J17",
    "宜蘭縣,1,新北市,0,12,60,2023-07-01,2023-12-31,112-J17",
]


@pytest.fixture
def people(engine):
    add_account(engine, "防災窗口", vocab.LEAD, "disaster")
    add_account(engine, "交通窗口", vocab.LEAD, "transport")
    add_account(engine, "社福窗口", vocab.LEAD, "welfare")


def write(tmp_path, name: str, lines: list[str]):
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8-sig")
    return path


def versions(engine) -> list[StatisticsVersion]:
    with Session(engine) as session:
        return list(session.exec(select(StatisticsVersion).order_by(StatisticsVersion.id)))


def test_a_new_period_of_mutual_aid_is_previewed_then_applied_as_one_version(engine, people, tmp_path, capsys):
    path = write(tmp_path, "mutual_aid.csv", [AID_HEADER, *SECOND_HALF])
    assert main(["import-sheet", str(path), "--user", "防災窗口"]) == 0
    out = capsys.readouterr().out
    assert "1 個統計表、9 項變更" in out
    assert "提案 112-J17 跨區救災救護支援（112年7月1日至112年12月31日）｜臺北市→新北市 轉報：（空白） → 1100" in out
    assert "以上為預覽，未變更任何資料" in out and versions(engine) == []

    assert main(["import-sheet", str(path), "--user", "防災窗口", "--apply"]) == 0
    assert "已套用：1 個統計表各新增一個版本，記錄者「防災窗口」" in capsys.readouterr().out
    (version,) = versions(engine)
    assert (version.version, version.kind, version.recorded_by) == (1, "import", "防災窗口")
    assert version.reason == "統計匯入：mutual_aid.csv" and len(version.rows) == 3

    assert main(["import-sheet", str(path), "--user", "防災窗口", "--apply"]) == 0  # the same file again
    assert "沒有任何變更" in capsys.readouterr().out and len(versions(engine)) == 1

    assert main(["statistics", "112-J17"]) == 0
    out = capsys.readouterr().out
    assert "跨區救災救護支援｜112年1月1日至112年6月30日｜20 列｜data/" in out
    assert "跨區救災救護支援｜112年7月1日至112年12月31日｜3 列｜第 1 版，防災窗口" in out
    assert "臺北市→新北市 轉報：（空白） → 1100" in out


def test_data_s_own_csv_changes_nothing(engine, people, capsys):
    from dashboard.store.config import DATA_DIR

    # 防災窗口 may not touch the other groups' indicators, even unchanged; the secretariat may
    assert main(["import-sheet", str(DATA_DIR / "indicators.csv"), "--user", "防災窗口"]) == 1
    assert "不能登錄提案 112-J01 的統計" in capsys.readouterr().err
    add_account(engine, "祕書甲", vocab.SECRETARIAT)
    capsys.readouterr()
    for name in ("mutual_aid.csv", "indicators.csv"):
        assert main(["import-sheet", str(DATA_DIR / name), "--user", "祕書甲", "--apply"]) == 0
        assert "與資料庫的統計表相同，沒有任何變更" in capsys.readouterr().out
    assert versions(engine) == []


def test_bad_rows_are_refused_naming_file_line_and_column(engine, people, tmp_path, capsys):
    path = write(
        tmp_path,
        "mutual_aid.csv",
        [
            AID_HEADER,
            "台北市,1,新北市,4,30,1100,2023-07-01,2023-12-31,112-J17",
            "新北市,1,臺北市,-2,0,700,2023-07-01,2023-12-31,112-J17",
            "宜蘭縣,1,新北市,0,12,60,2023-07-01,2023-06-30,112-J17",
        ],
    )
    assert main(["import-sheet", str(path), "--user", "防災窗口", "--apply"]) == 1
    err = capsys.readouterr().err
    assert "mutual_aid.csv｜第 2 行｜欄位「from_city」：未知的縣市「台北市」" in err
    assert "mutual_aid.csv｜第 3 行｜欄位「fire」：數量不可為負數（目前為 -2）" in err
    assert "統計區間：結束日 112年6月30日 早於開始日 112年7月1日" in err
    assert versions(engine) == []


def test_a_lead_of_another_group_may_not_import_the_proposals_statistics(engine, people, tmp_path, capsys):
    path = write(tmp_path, "mutual_aid.csv", [AID_HEADER, *SECOND_HALF])
    assert main(["import-sheet", str(path), "--user", "交通窗口", "--apply"]) == 1
    assert "不能登錄提案 112-J17 的統計：只有該議題組的窗口或祕書處可以登錄" in capsys.readouterr().err
    assert versions(engine) == []


def test_indicators_csv_a_new_period_of_social_worker_training_with_its_total_checked(engine, people, tmp_path, capsys):
    rows = [
        "112-J24,social_worker_training,參與他縣市課程之社工師（員）,value,宜蘭縣,臺北市,3,位,2023-06-01,2023-12-31,,",
        "112-J24,social_worker_training,參與他縣市課程之社工師（員）,value,基隆市,新北市,5,位,2023-06-01,2023-12-31,,",
        "112-J24,social_worker_training,參與他縣市課程之社工師（員）,total,,,9,位,2023-06-01,2023-12-31,,八縣市合計",
    ]
    path = write(tmp_path, "indicators.csv", [INDICATOR_HEADER, *rows])
    assert main(["import-sheet", str(path), "--user", "社福窗口", "--apply"]) == 1
    assert "第 4 行｜數值：合計 9 與明細加總 8 不符" in capsys.readouterr().err
    path = write(tmp_path, "indicators.csv", [INDICATOR_HEADER, *rows[:2], rows[2].replace(",9,", ",8,")])
    assert main(["import-sheet", str(path), "--user", "社福窗口", "--apply"]) == 0
    (version,) = versions(engine)
    assert (version.proposal_id, version.table_kind, version.period_key) == (
        "112-J24",
        "indicators",
        "2023-06-01~2023-12-31@",
    )
