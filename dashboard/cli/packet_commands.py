"""The command line's packet command: python -m dashboard packet YEAR OUT.docx writes the meeting
packet (會議資料) of cycle YEAR from the store. A refusal prints one line and exits 1."""

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
    command.add_argument(
        "--risk", action="store_true", help="討論事項的表格加一欄各案的風險燈號（預設不加，版面同原會議資料）"
    )
    command.set_defaults(handler=_packet)


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
            content = packet.packet_docx(session, cycle=args.cycle, risk=args.risk)
        except packet.PacketError as error:
            print(error, file=sys.stderr)
            return 1
    out.write_bytes(content)  # an OSError (no permission, …) is reported by cli.main in one line
    print(f"已寫入 {args.cycle} 年度會議資料：{out}（{len(content) // 1024} KB）")
    return 0
