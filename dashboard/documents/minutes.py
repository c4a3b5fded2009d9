"""The draft minutes (會議紀錄, .docx) and the decisions workbook (.xlsx), built from the store.

Every proposal on the decision list appears in the minutes, with the decision in force or
「未決議」; the workbook also carries every earlier change.
"""

from dataclasses import dataclass, field
from datetime import datetime

from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt
from sqlmodel import Session

from dashboard.documents import sheets, word
from dashboard.domain import agenda, dates, decisions, meeting, meeting_record, meeting_settings, vocab
from dashboard.domain.dates import roc_date, roc_datetime
from dashboard.store.models import Decision, MeetingRecord

CHINESE_NUMERALS = "一二三四五六七八九十"
CONCLUSION_LINES = 6  # empty lines left for the chair's conclusions when none are given


def numeral(n: int) -> str:
    """1 -> 一, 12 -> 十二 (enough for the headings of a minutes document)."""
    if n <= 10:
        return CHINESE_NUMERALS[n - 1]
    tens, ones = divmod(n, 10)
    return (CHINESE_NUMERALS[tens - 1] if tens > 1 else "") + "十" + (CHINESE_NUMERALS[ones - 1] if ones else "")


@dataclass
class MinutesData:
    info: meeting.MeetingInfo
    sections: list[meeting.Section]
    decided: dict[str, Decision]
    history: list[Decision]
    generated_at: datetime  # Taipei time
    record: MeetingRecord | None = None  # what the secretariat typed (紀錄, attendance, 主席結論)
    attendance: list[tuple[str, str]] = field(default_factory=list)  # (city, who attended), every city


def collect(session: Session, *, now: datetime | None = None, cycle: int | None = None) -> MinutesData:
    data = meeting.meeting_data(session, cycle=cycle)  # the meeting's own proposals, not the whole store
    if data is None:
        raise ValueError("資料庫中沒有會議資料。")
    record = meeting_record.latest(session, meeting_id=data.info.meeting.id)
    return MinutesData(
        info=data.info,
        sections=data.sections,
        decided=data.decided,
        history=data.history,
        generated_at=dates.now_taipei(now),
        record=record,
        attendance=meeting_record.attendance_lines(session, record),
    )


# --- .docx ----------------------------------------------------------------------------------

AGENDA_WIDTHS_CM = [3.0, 1.4, 12.6]
DECISION_WIDTHS_CM = [1.4, 1.9, 2.6, 5.4, 2.7, 3.0]  # 決議: 修正後通過 on one line
ATTENDANCE_WIDTHS_CM = [3.0, 14.0]


def _organisers(info: meeting.MeetingInfo) -> str:
    order = list(meeting_settings.ORGANISER_ROLES)
    roles = sorted(info.organisers, key=lambda r: order.index(r) if r in order else len(order))
    return "；".join(f"{role}：{'、'.join(info.organisers[role])}" for role in roles)


def _meeting_time(info: meeting.MeetingInfo) -> str:
    m = info.meeting
    return f"{roc_date(m.date)}（{agenda.weekday_label(m.date)}）{m.start_time.hour}時{m.start_time.minute:02d}分"


def _agenda_rows(info: meeting.MeetingInfo) -> list[list[str]]:
    rows = []
    for index, item in enumerate(info.agenda):
        end = agenda.item_end(info.agenda, index)
        span = f"{item.start:%H:%M}–{end:%H:%M}" if end else f"{item.start:%H:%M}"
        title = agenda.title_line(item) + (item.note or "")
        rows.append([span, f"{item.minutes}" if item.minutes else "", title])
    return rows


def _decision_rows(section: meeting.Section, decided: dict[str, Decision]) -> list[list[str]]:
    rows = []
    for position, entry in enumerate(section.entries, start=1):
        decision = decided.get(entry.id)
        rows.append(
            [
                str(position),
                entry.id,
                entry.group_label,
                entry.title,
                decision.resolution if decision else vocab.UNDECIDED,
                (decision.note or "") if decision else "",
            ]
        )
    return rows


def _summary(data: MinutesData) -> str:
    """「本次會議待決議提案共 55 案：已決議 20 案（照案通過 12 案、修正後通過 8 案），未決議 35 案。」:
    the decided and the undecided add up to the proposals on the list."""
    ids = [e.id for e in meeting.all_entries(data.sections)]
    counts = meeting.resolution_counts(data.decided, ids)
    undecided = counts[vocab.UNDECIDED]
    decided = len(ids) - undecided
    parts = "、".join(f"{label} {counts[label]} 案" for label in vocab.RESOLUTIONS if counts[label])
    return (
        f"本次會議待決議提案共 {len(ids)} 案：已決議 {decided} 案"
        + (f"（{parts}）" if parts else "")
        + f"，未決議 {undecided} 案。"
    )


def _recorded_note(record: MeetingRecord | None) -> str:
    if record is None:
        return ""
    return f"紀錄、出席人員與主席結論由{record.recorded_by}於 {meeting_record.recorded_label(record)} 儲存；"


def minutes_docx(data: MinutesData) -> bytes:
    """The draft minutes as a .docx file: A4 portrait, page numbers in the footer."""
    m = data.info.meeting
    record = data.record
    document = word.new_document()
    title = document.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = title.add_run(f"{m.name}\n會議紀錄（草案）")
    document_title = f"{m.name} 會議紀錄（草案）"
    run.bold, run.font.size = True, Pt(16)

    headings = iter(numeral(n) for n in range(1, 20))
    document.add_paragraph(f"{next(headings)}、時間：{_meeting_time(data.info)}")
    document.add_paragraph(f"{next(headings)}、地點：{m.venue}")
    taker = record.minutes_taker if record else ""
    document.add_paragraph(f"{next(headings)}、主席：{meeting_settings.chair_line(m)}　　　　　　紀錄：{taker}")
    document.add_paragraph(f"{next(headings)}、{_organisers(data.info)}")
    document.add_paragraph(f"{next(headings)}、出（列）席單位及人員：各縣市代表如下表，其餘詳簽到表")
    word.grid(document, ["縣市", "出席人員"], [[city, who] for city, who in data.attendance], ATTENDANCE_WIDTHS_CM)
    document.add_paragraph(f"{next(headings)}、會議議程：")
    agenda_rows = _agenda_rows(data.info)
    widths = word.fit_column(AGENDA_WIDTHS_CM, 0, [r[0] for r in agenda_rows], word.BODY_PT, taking_from=2)
    word.grid(document, ["時間", "分鐘", "議程"], agenda_rows, widths)

    document.add_paragraph(f"{next(headings)}、年度合作方案決議：")
    document.add_paragraph(_summary(data))
    decision_widths = word.fit_column(  # the 編號 column: every id on one line
        DECISION_WIDTHS_CM, 1, [e.id for e in meeting.all_entries(data.sections)], word.BODY_PT, taking_from=3
    )
    parts: list[str] = []
    for section in data.sections:
        if section.part not in parts:
            parts.append(section.part)
            count = sum(len(s.entries) for s in data.sections if s.part == section.part)
            document.add_paragraph(f"（{numeral(len(parts))}）{section.part}（共 {count} 案）")
        heading = document.add_paragraph(f"{section.label}（{len(section.entries)} 案）")
        heading.paragraph_format.keep_with_next = True
        word.grid(
            document,
            ["項次", "編號", "議題組", "提案名稱", "決議", "備註"],
            _decision_rows(section, data.decided),
            decision_widths,
        )

    document.add_paragraph(f"{next(headings)}、主席結論：").paragraph_format.keep_with_next = True
    conclusions = record.conclusions if record else ""
    box_text = conclusions if conclusions else "\n" * (CONCLUSION_LINES - 1)
    box = word.grid(document, None, [[box_text]], [word.TEXT_WIDTH_CM], rows_may_split=True)  # a box to write in
    end = data.info.agenda[-1].start if data.info.agenda else None
    closing = document.add_paragraph(
        f"{next(headings)}、散會：" + (f"（預定 {end.hour}時{end.minute:02d}分）" if end else "")
    )
    # The closing block stays together (主席結論, its box, 散會 and the note below): no last page
    # holds only a line or two. (LibreOffice keeps a table with the next paragraph when every
    # paragraph in it is kept with the next.)
    for paragraph in box.rows[-1].cells[0].paragraphs:
        paragraph.paragraph_format.keep_with_next = True
    closing.paragraph_format.keep_with_next = True
    footer = document.add_paragraph(
        f"本草案由北臺合作儀表板於 {roc_datetime(data.generated_at)} 產生；{_recorded_note(record)}"
        "各案決議以最後一次紀錄為準，歷次變更見決議紀錄試算表。"
    )
    footer.runs[0].font.size = Pt(9)
    return word.to_bytes(document, title=document_title)


# --- .xlsx ----------------------------------------------------------------------------------

DECISION_SHEET = "各案決議"
HISTORY_SHEET = "決議歷程"


def decisions_xlsx(data: MinutesData) -> bytes:
    """A workbook: the decision in force for every proposal, and every recorded change."""
    titles = {e.id: e.title for e in meeting.all_entries(data.sections)}
    counts: dict[str, int] = {}
    for d in data.history:
        counts[d.proposal_id] = counts.get(d.proposal_id, 0) + 1
    rows = []
    for section in data.sections:
        for position, entry in enumerate(section.entries, start=1):
            d = data.decided.get(entry.id)
            rows.append(
                [
                    section.title,
                    position,
                    entry.id,
                    entry.group_label,
                    entry.title,
                    d.resolution if d else vocab.UNDECIDED,
                    (d.note or "") if d else "",
                    decisions.recorded_label(d) if d else "",
                    d.recorded_by if d else "",
                    counts.get(entry.id, 0),
                ]
            )
    current = sheets.Sheet(
        DECISION_SHEET,
        ["分類", "項次", "提案編號", "議題組", "提案名稱", "決議", "備註", "記錄時間", "記錄者", "變更次數"],
        rows,
        [28, 6, 10, 18, 40, 12, 30, 20, 12, 10],
        grid_lines=True,
    )
    changes = sheets.Sheet(
        HISTORY_SHEET,
        ["序號", "記錄時間", "提案編號", "提案名稱", "決議", "備註", "記錄者"],
        [
            [
                d.id,
                decisions.recorded_label(d),
                d.proposal_id,
                titles.get(d.proposal_id, ""),
                d.resolution,
                d.note or "",
                d.recorded_by,
            ]
            for d in data.history
        ],
        [8, 20, 10, 40, 12, 30, 12],
        grid_lines=True,
    )
    return sheets.workbook_bytes(current, changes, title=f"{data.info.meeting.name} 各案決議")


def file_name(meeting_name: str, kind: str, suffix: str) -> str:
    """112年度北臺區域發展推動委員會副首長會議_會議紀錄草案.docx"""
    plain = "".join(ch for ch in meeting_name if ch not in "「」『』\"'/\\:*?<>|")
    return f"{plain}_{kind}{suffix}"


DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def docx_from(engine, *, cycle: int | None = None) -> bytes:
    """The draft minutes of `cycle`'s meeting from the store as it is now (for a deferred download)."""
    with Session(engine) as session:
        return minutes_docx(collect(session, cycle=cycle))


def xlsx_from(engine, *, cycle: int | None = None) -> bytes:
    with Session(engine) as session:
        return decisions_xlsx(collect(session, cycle=cycle))
