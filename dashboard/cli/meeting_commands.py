"""The command line's meeting commands (the secretariat's, as the 會議設定 page):

- `meeting show YEAR` prints the meeting's settings, marking the values carried from last year;
- `meeting edit YEAR --user NAME --set FIELD=VALUE … [--confirm FIELD …] [--confirm-all] [--reason …]`;
- `meeting agenda YEAR FILE --user NAME` replaces the agenda by FILE's (data/meeting.yaml's form);
- `meeting history YEAR` lists the versions of the settings (and the minutes record's saves);
- `minutes YEAR OUT.docx` writes the cycle's minutes draft, as the meeting page does.

Every change goes through dashboard/domain/meeting_settings.py (checks, versions); a refusal prints
why and exits 1, with nothing written."""

from pathlib import Path

from dashboard.cli import common
from dashboard.cli.cycle_commands import cycle_argument
from dashboard.datafiles.reading import read_yaml
from dashboard.documents import minutes
from dashboard.domain import accounts, meeting_settings
from dashboard.domain.agenda import weekday_label
from dashboard.domain.dates import in_taipei, roc_datetime
from dashboard.domain.editing import EditError
from dashboard.domain.permissions import OPERATOR

REFUSED = common.REFUSED
YEAR_HELP = "會議年度（民國年，例如 113）"


def register(commands) -> None:
    """Add `meeting …` and `minutes` to the CLI's subparsers."""
    command = commands.add_parser("meeting", help="檢視或修改某年度副首長會議的設定（修改限祕書處）")
    actions = command.add_subparsers(dest="action", required=True)
    show = actions.add_parser("show", help="列出會議設定（沿用上年度而未確認者標示「沿用上年度，待確認」）")
    show.add_argument("cycle", type=cycle_argument, metavar="YEAR", help=YEAR_HELP)
    show.set_defaults(handler=_show)

    edit = actions.add_parser("edit", help="修改會議設定，成為新的版本（與會議設定頁相同的檢查）")
    edit.add_argument("cycle", type=cycle_argument, metavar="YEAR", help=YEAR_HELP)
    edit.add_argument("--user", help="以哪個祕書處帳號的身分修改（預設為命令列操作者）")
    edit.add_argument(
        "--set",
        dest="assignments",
        action="append",
        default=[],
        metavar="FIELD=VALUE",
        help="欄位=新值，可重複；欄位如 name、theme、date、start_time、form、url、venue、chair、chair_title、"
        "chair_org、host_city、minutes_taker、organisers.承辦單位（多個單位以「、」分隔）、attendance.宜蘭縣；"
        "留空（例如 url=）表示清除",
    )
    edit.add_argument("--confirm", action="append", default=[], metavar="FIELD", help="確認沿用上年度的某欄位值")
    edit.add_argument("--confirm-all", action="store_true", help="確認所有沿用上年度的值")
    edit.add_argument("--reason", help="修改原因")
    edit.set_defaults(handler=_edit)

    agenda = actions.add_parser("agenda", help="以檔案（data/meeting.yaml 的 agenda 格式）取代會議議程")
    agenda.add_argument("cycle", type=cycle_argument, metavar="YEAR", help=YEAR_HELP)
    agenda.add_argument("file", type=Path, metavar="FILE", help="含 agenda: 清單的 YAML 檔（例如 data/meeting.yaml）")
    agenda.add_argument("--user", help="以哪個祕書處帳號的身分修改（預設為命令列操作者）")
    agenda.add_argument("--reason", help="修改原因")
    agenda.set_defaults(handler=_agenda)

    history = actions.add_parser("history", help="列出會議設定的所有版本（新到舊）與欄位變更")
    history.add_argument("cycle", type=cycle_argument, metavar="YEAR", help=YEAR_HELP)
    history.set_defaults(handler=_history)

    draft = commands.add_parser("minutes", help="由資料庫產生某年度的會議紀錄草案（.docx），與副首長會議頁相同")
    draft.add_argument("cycle", type=cycle_argument, metavar="YEAR", help=YEAR_HELP)
    draft.add_argument("out", type=Path, metavar="OUT.docx", help="輸出的 .docx 檔案")
    draft.set_defaults(handler=_minutes)


def parse_assignments(assignments: list[str]) -> dict:
    """["venue=新竹市政府大禮堂", "url="] -> {"venue": "新竹市政府大禮堂", "url": ""}; EditError when one has no =."""
    changes, problems = {}, []
    for assignment in assignments:
        field, sep, value = assignment.partition("=")
        if not sep or not field.strip():
            problems.append(f"「{assignment}」應寫成 欄位=新值，例如 --set venue=新竹市政府大禮堂")
            continue
        changes[field.strip()] = value
    if problems:
        raise EditError(problems)
    return changes


@common.refusing
def _edit(args) -> int:
    changes = parse_assignments(args.assignments)
    with common.open_session(args) as session:
        actor = accounts.actor_for(session, args.user) if args.user else OPERATOR
        meeting = meeting_settings.meeting_of_cycle(session, args.cycle)
        confirm = list(args.confirm)
        if args.confirm_all:
            confirm += [f for f in (meeting.unconfirmed or []) if f not in confirm and f not in changes]
        if not changes and not confirm:
            return common.refuse("請以 --set 欄位=新值 指定修改，或以 --confirm／--confirm-all 確認沿用值；未變更。")
        return _save(session, actor, meeting, changes, confirm, args.reason)


def _save(session, actor, meeting, changes: dict, confirm: list[str], reason) -> int:
    meeting_id = meeting.id
    try:
        version = meeting_settings.edit(
            session, actor=actor, meeting_id=meeting_id, changes=changes, confirm=confirm, reason=reason
        )
    except meeting_settings.StaleMeeting as error:  # another save between our read and write
        return common.refuse(f"未儲存：{error}")
    if version is None:
        print(f"會議「{meeting_id}」沒有變更（內容與目前相同），未新增版本。")
        return 0
    print(f"已儲存會議「{meeting_id}」的設定為第 {version.version} 版：")
    for line in change_lines(version):
        print(f"  {line}")
    return 0


@common.refusing
def _agenda(args) -> int:
    problems: list = []
    path: Path = args.file
    data = read_yaml(path, path.parent, problems)
    if data is None:
        return common.refuse("未儲存：" + "；".join(str(p) for p in problems))
    if "agenda" not in data:
        return common.refuse(f"未儲存：{path} 沒有 agenda: 清單（格式同 data/meeting.yaml 的 agenda）。")
    with common.open_session(args) as session:
        actor = accounts.actor_for(session, args.user) if args.user else OPERATOR
        meeting = meeting_settings.meeting_of_cycle(session, args.cycle)
        return _save(session, actor, meeting, {meeting_settings.AGENDA: data["agenda"]}, [], args.reason)


def change_lines(version) -> list[str]:
    return [
        f"{meeting_settings.field_label(c['field'])}：{meeting_settings.value_text(c['field'], c['old'])}"
        f" → {meeting_settings.value_text(c['field'], c['new'])}"
        for c in version.changes
    ]


@common.refusing
def _show(args) -> int:
    with common.open_session(args) as session:
        meeting = meeting_settings.meeting_of_cycle(session, args.cycle)
        state = meeting_settings.settings(session, meeting)
    for line in show_lines(state):
        print(line)
    return 0


def show_lines(state: meeting_settings.Settings) -> list[str]:
    """The settings as `meeting show` prints them: one field a line, Chinese labels, ROC dates."""
    doc, marks = state.document, set(state.unconfirmed)
    mark = f"　【{meeting_settings.CARRIED_MARK}】"
    lines = [f"{state.meeting.name}（第 {state.base.version} 版）"]
    for field in meeting_settings.LABELS:
        value = doc[field]
        if field == "date" and value:
            value = f"{meeting_settings.value_text('date', value)}（{weekday_label(state.meeting.date)}）"
        else:
            value = meeting_settings.value_text(field, value)
        lines.append(f"{meeting_settings.field_label(field)}：{value}{mark if field in marks else ''}")
    for role in meeting_settings.ORGANISER_ROLES:
        field = meeting_settings.organiser_field(role)
        text = meeting_settings.value_text(field, doc[field])
        lines.append(f"{role}：{text}{mark if field in marks else ''}")
    lines.append(f"紀錄：{meeting_settings.value_text('minutes_taker', doc['minutes_taker'])}")
    lines.append("出席人員：")
    for city in state.cities:
        lines.append(f"  {city}：{doc[meeting_settings.attendance_field(city)] or '（未填）'}")
    lines.append(f"議程：{mark.strip() if meeting_settings.AGENDA in marks else ''}")
    for row in doc[meeting_settings.AGENDA]:
        span = f"{row['start']}–{row['end']}" if row.get("end") else row["start"]
        minutes_text = f"（{row['minutes']} 分鐘）" if row.get("minutes") else ""
        title = "　".join(part.strip() for part in row["title"].splitlines() if part.strip())
        decision = "【決議事項】" if row.get("key") else ""
        lines.append(f"  {span}{minutes_text} {title}{row.get('note') or ''}{decision}")
    if marks:
        lines.append(
            f"尚有 {len(marks)} 項{meeting_settings.CARRIED_MARK}：以 meeting edit --set 修改，"
            "或 --confirm 欄位／--confirm-all 確認沿用。"
        )
    return lines


@common.refusing
def _history(args) -> int:
    with common.open_session(args) as session:
        meeting = meeting_settings.meeting_of_cycle(session, args.cycle)
        versions = meeting_settings.history_entries(session, meeting.id)
    if not versions:
        print(f"會議「{meeting.id}」尚無線上修改：內容為 data/ 載入時的版本。")
        return 0
    for version in versions:
        parts = [
            version.label,
            roc_datetime(in_taipei(version.recorded_at)),
            version.recorded_by,
            meeting_settings.kind_label(version.kind),
        ]
        if version.reason:
            parts.append(f"原因：{version.reason}")
        print("｜".join(parts))
        for line in change_lines(version):
            print(f"  {line}")
    return 0


@common.refusing
def _minutes(args) -> int:
    out: Path = args.out
    if out.suffix.lower() != ".docx":
        return common.refuse(f"輸出檔「{out}」須以 .docx 結尾。")
    if out.is_dir() or not out.parent.is_dir():
        return common.refuse(
            f"無法寫入「{out}」：{'這是資料夾' if out.is_dir() else f'資料夾「{out.parent}」不存在'}。"
        )
    with common.open_session(args) as session:
        meeting = meeting_settings.meeting_of_cycle(session, args.cycle)
        content = minutes.minutes_docx(minutes.collect(session, cycle=args.cycle))
    out.write_bytes(content)
    print(f"已寫入「{meeting.name}」會議紀錄草案：{out}（{len(content) // 1024} KB）")
    return 0
