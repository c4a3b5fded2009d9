"""The command line's packet command: python -m dashboard packet YEAR OUT.docx writes the meeting
packet (會議資料) of cycle YEAR from the store, as the printed one; --risk, --card-ids,
--ministry-row, --card-progress, --card-indicators, --card-mutual-aid and --period-line add what the
dashboard holds beyond it (packet.PacketOptions). A refusal prints one line and exits 1."""

import sys
from pathlib import Path

from dashboard.cli import common
from dashboard.cli.cycle_commands import cycle_argument
from dashboard.documents import packet


def register(commands) -> None:
    """Add the packet command to the CLI's subparsers."""
    command = commands.add_parser("packet", help="由資料庫產生某年度的會議資料（.docx，A4）")
    command.add_argument(
        "cycle", type=cycle_argument, metavar="YEAR", help="會議年度（民國年，例如會議日期為西元 2023 年者為 112）"
    )
    command.add_argument("out", type=Path, metavar="OUT.docx", help="輸出的 .docx 檔案")
    for flag, help_text in FLAGS.items():
        command.add_argument(flag, action="store_true", help=f"{help_text}（預設不加，同原會議資料）")
    command.set_defaults(handler=_packet)


# Each addition to the printed packet (packet.PacketOptions), off unless its flag is given.
FLAGS = {
    "--risk": "討論事項的表格加一欄各案的風險燈號",
    "--card-ids": "每張提案單標題下加印提案編號與類別",
    "--ministry-row": "請求中央協助的提案單加印「中央部會」列",
    "--card-progress": "每張提案單後加印「辦理情形」（進度、列管與進度狀態、會議決議）",
    "--card-indicators": "有相關數據的提案單後加印「相關數據」表",
    "--card-mutual-aid": "提案單後加印跨區救災救護支援及轉報統計表（火災支援／救護支援／119轉報）",
    "--period-line": "討論事項中統計表上方一律加印「統計區間」（該列內文已載明者，預設不重複）",
}


def options_from(args) -> packet.PacketOptions:
    """The additions the flags ask for."""
    return packet.PacketOptions(
        **{flag[2:].replace("-", "_"): getattr(args, flag[2:].replace("-", "_")) for flag in FLAGS}
    )


def _packet(args) -> int:
    out: Path = args.out
    if out.suffix.lower() != ".docx":
        print(f"輸出檔「{out}」須以 .docx 結尾。", file=sys.stderr)
        return 1
    if out.is_dir():
        print(f"無法寫入「{out}」：這是資料夾。", file=sys.stderr)
        return 1
    if not out.parent.is_dir():
        print(f"無法寫入「{out}」：資料夾「{out.parent}」不存在。", file=sys.stderr)
        return 1
    with common.open_session(args) as session:
        try:
            content = packet.packet_docx(session, cycle=args.cycle, options=options_from(args))
        except packet.PacketError as error:
            print(error, file=sys.stderr)
            return 1
    out.write_bytes(content)  # an OSError (no permission, …) is reported by cli.main in one line
    print(f"已寫入 {args.cycle} 年度會議資料：{out}（{len(content) // 1024} KB）")
    return 0
