"""The meeting packet (會議資料, .docx) of one cycle, built from the store in the layout of the
printed packet: a cover; 壹 會議議程; 貳 執行進度說明 (the working groups' meeting log); 參 討論事項
(the carried-over proposals to de-list and to keep tracking, with their reasons; the year's new
proposals per track with 說明/進度, the cross-border statistics and indicator tables inside the
rows they belong to); every 合作提案單; and the organisers on the back page.

Which proposals and which meeting belong to the cycle is dashboard/domain/cycles.py's business; no year
is written here. A cycle the store does not hold raises PacketError with a one-line reason.
"""

from dataclasses import dataclass, field, replace
from datetime import date, time

from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.shared import Cm, Pt
from sqlmodel import Session, select

from dashboard.documents import card_docx, word
from dashboard.documents.minutes import numeral
from dashboard.domain import agenda, cycles, group_terms, meeting_log, meeting_settings, statistics, vocab
from dashboard.domain.dates import roc_date, roc_period, roc_year
from dashboard.store.models import (
    AgendaItem,
    City,
    GroupMeeting,
    Indicator,
    Meeting,
    MutualAid,
    Organiser,
    Proposal,
    ProposalLead,
)


class PacketError(ValueError):
    """The packet cannot be built (a cycle the store does not hold); the message is for the user."""


@dataclass(frozen=True)
class PacketOptions:
    """What the dashboard can add to the packet beyond the printed one; nothing by default, so the
    packet is laid out as the source. The CLI's flags and the documents page's boxes set them."""

    risk: bool = False  # a 風險燈號 column in the discussion tables, with a line on what the lights mean
    card_ids: bool = False  # each card's id and track line under its heading
    ministry_row: bool = False  # a 中央部會 row on the cards of the 請求中央協助 track
    card_progress: bool = False  # the 辦理情形 table under each card
    card_indicators: bool = False  # the 相關數據 table under a card with indicators
    card_mutual_aid: bool = False  # the mutual-aid tables under a card (火災支援／救護支援／119轉報)
    period_line: bool = False  # 「統計區間：…」 above a row's mutual-aid tables even where its text gives it

    @property
    def card(self) -> card_docx.CardOptions:
        return card_docx.CardOptions(
            id_line=self.card_ids,
            ministry_row=self.ministry_row,
            progress=self.card_progress,
            indicators=self.card_indicators,
            mutual_aid=self.card_mutual_aid,
        )


# Each addition's label where a user chooses it (the documents page), in the order they are offered.
OPTION_LABELS = {
    "risk": "加印風險燈號欄",
    "card_ids": "加印提案編號",
    "ministry_row": "加印「中央部會」列",
    "card_progress": "加印「辦理情形」",
    "card_indicators": "加印「相關數據」",
    "card_mutual_aid": "加印支援及轉報統計表",
    "period_line": "加印「統計區間」",
}


# --- what the packet holds ------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    """One proposal as the packet's tables print it."""

    proposal: Proposal
    group_label: str  # 文化教育組-教育組
    units: tuple[str, ...]  # 主辦／提案單位


@dataclass(frozen=True)
class LogRow:
    """One line of a meeting-log table: a group (or one of its sub-groups) and its meetings."""

    group: str
    host: str  # the host agency without its city government's name: 城鄉發展局
    lines: tuple[str, ...]


@dataclass(frozen=True)
class LogTable:
    heading: str  # 發展推動組工作辦理情形
    host_city: str  # 新北市: whose agencies host the groups
    rows: tuple[LogRow, ...]


@dataclass(frozen=True)
class FigureTable:
    """A table printed inside a proposal's row: a caption, a header and rows of text."""

    caption: str
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    widths_cm: tuple[float, ...]
    footnote: str = ""  # a line under the table (a name printed as the source misprinted it)


@dataclass
class PacketData:
    year: int
    meeting: Meeting
    agenda: list[AgendaItem]
    organisers: dict[str, list[str]]  # role -> names, in role order
    log: list[LogTable]
    delist: list[Row]
    keep: list[Row]
    carried_year: int
    new: dict[str, list[Row]]  # track -> rows, tracks in vocab order
    figures: dict[str, list[FigureTable]] = field(default_factory=dict)  # proposal id -> tables in its row
    figure_notes: dict[str, str] = field(default_factory=dict)  # proposal id -> a line above its tables
    card_ids: list[str] = field(default_factory=list)  # the 合作提案單, in the order they are printed
    pending: list[Row] = field(default_factory=list)  # carried rows without a recommendation yet

    @property
    def carried(self) -> list[Row]:
        return self.delist + self.keep + self.pending


ORGANISER_ROLES = list(meeting_settings.ORGANISER_ROLES)
LOG_HEADINGS = {
    vocab.TOPIC: "各議題組會議辦理情形",
    vocab.STAFF: "幕僚會議辦理情形",
}  # development: 〈name〉工作辦理情形
LOG_KINDS = [vocab.DEVELOPMENT, vocab.TOPIC, vocab.STAFF]


def collect(session: Session, *, cycle: int) -> PacketData:
    """Everything the packet of `cycle` prints, read from the store."""
    meeting = cycles.meeting_of(session, cycle)
    proposals = list(session.exec(select(Proposal).where(cycles.in_cycle(cycle)).order_by(Proposal.sort_order)))
    if meeting is None or not proposals:
        missing = "會議" if meeting is None else "提案"
        held = "、".join(str(y) for y in cycles.cycles(session)) or "（無）"
        raise PacketError(f"資料庫中沒有 {cycle} 年度的{missing}，無法產生會議資料；資料庫中的年度：{held}。")
    groups = group_terms.resolve_all(session, cycle)  # names and hosts as they stand in this cycle
    leads: dict[str, list[str]] = {}
    ids = [p.id for p in proposals]
    for lead in session.exec(
        select(ProposalLead).where(ProposalLead.proposal_id.in_(ids)).order_by(ProposalLead.position)
    ):
        leads.setdefault(lead.proposal_id, []).append(lead.unit)
    rows = [Row(p, group_label(groups, p), tuple(leads.get(p.id, []))) for p in proposals]
    carried = [r for r in rows if r.proposal.track == vocab.CARRIED]
    cities = list(session.exec(select(City).order_by(City.sort_order)))
    data = PacketData(
        year=cycle,
        meeting=meeting,
        agenda=_agenda(session, meeting),
        organisers=_organisers(session, meeting),
        log=_log(session, groups, cycle),
        delist=[r for r in carried if _recommends(r) == vocab.RECOMMEND_DELIST],
        keep=[r for r in carried if _recommends(r) == vocab.RECOMMEND_KEEP],
        pending=[r for r in carried if _recommends(r) is None],
        carried_year=cycles.Cycle(cycle).previous if not carried else carried[0].proposal.year,
        new={track: [r for r in rows if r.proposal.track == track] for track in vocab.NEW_TRACKS},
        card_ids=card_order(groups, [r.proposal for r in rows if r.proposal.track != vocab.CARRIED]),
    )
    _add_mutual_aid(session, data, ids, cities)
    _add_indicator_tables(session, data, ids, cities)
    return data


def _recommends(row: Row) -> str | None:
    return vocab.recommendation(row.proposal.tracking_status)


def group_label(groups: dict[str, group_terms.CycleGroup], p: Proposal) -> str:
    name = groups[p.group_id].name
    return f"{name}-{groups[p.subgroup_id].name}" if p.subgroup_id else name


def card_order(groups: dict[str, group_terms.CycleGroup], proposals: list[Proposal]) -> list[str]:
    """The cards as the packet binds them: the topic groups in order, then the development group;
    within a group as the source packet binds them (Proposal.card_position: 交通運輸組 C01, C02, J07,
    J08, C03, …), a card without a place (a later cycle's) after those, by id."""

    def key(p: Proposal):
        group = groups[p.group_id]
        sub = groups[p.subgroup_id].sort_order if p.subgroup_id else 0
        placed = p.card_position is not None
        return (group.kind != vocab.TOPIC, group.sort_order, sub, not placed, p.card_position or 0, p.id)

    return [p.id for p in sorted(proposals, key=key)]


def _agenda(session: Session, meeting: Meeting) -> list[AgendaItem]:
    return list(
        session.exec(select(AgendaItem).where(AgendaItem.meeting_id == meeting.id).order_by(AgendaItem.position))
    )


def _organisers(session: Session, meeting: Meeting) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for row in session.exec(
        select(Organiser).where(Organiser.meeting_id == meeting.id).order_by(Organiser.role, Organiser.position)
    ):
        found.setdefault(row.role, []).append(row.name)
    order = [role for role in ORGANISER_ROLES if role in found] + sorted(set(found) - set(ORGANISER_ROLES))
    return {role: found[role] for role in order}


def split_agency(agency: str) -> tuple[str, str]:
    """新北市政府城鄉發展局 -> (新北市, 城鄉發展局); an agency without 政府 is kept whole."""
    city, sep, unit = agency.partition("政府")
    return (city, unit) if sep and unit else ("", agency)


def log_date(day: date) -> str:
    """112年01月17日, as the packet's meeting log prints dates (months and days in two digits)."""
    return f"{roc_year(day.year)}年{day.month:02d}月{day.day:02d}日"


def _log(session: Session, groups: dict[str, group_terms.CycleGroup], cycle: int) -> list[LogTable]:
    """The working groups' meetings held in the cycle's ROC year, one table per kind of group. A
    group without a meeting says so on its row; in a cycle without any meeting yet the rows stay
    empty (the groups and their hosts listed) and the section says so once (_log_section)."""
    held: dict[str, list[GroupMeeting]] = {}
    for m in meeting_log.held(session, cycle):
        held.setdefault(m.group_id, []).append(m)
    none = (meeting_log.NONE_HELD,) if held else ()
    ordered = sorted((g for g in groups.values() if not g.closed), key=lambda g: g.sort_order)
    tables = []
    for kind in LOG_KINDS:
        tops = [g for g in ordered if g.kind == kind and g.parent_id is None]
        if not tops:
            continue
        rows, host_cities = [], []
        for top in tops:
            children = [g for g in ordered if g.parent_id == top.id]
            for group in children or [top]:
                city, host = split_agency(group.host_agency or "")
                host_cities.append(city)
                prefix = f"{group.name}：" if children else ""
                lines = tuple(
                    line
                    for m in held.get(group.id, [])
                    for line in meeting_log.packet_lines(m, log_date(m.date), prefix)
                )
                rows.append(LogRow(top.name, host, lines or none))
        heading = LOG_HEADINGS.get(kind) or f"{tops[0].name}工作辦理情形"
        city = max(set(host_cities), key=host_cities.count) if host_cities else ""
        tables.append(LogTable(heading, city, tuple(rows)))
    return tables


MUTUAL_AID_HEADER = ("項次", "縣市", "火警", "救護", "轉報")
MUTUAL_AID_WIDTHS = (1.0, 1.8, 1.2, 1.2, 1.4)


def _add_mutual_aid(session: Session, data: PacketData, ids: list[str], cities: list[City]) -> None:
    """Per requesting city, the cities it asked for help, as the packet prints them in the row."""
    names = {c.code: c.name for c in cities}
    by_proposal: dict[str, dict[str, list[MutualAid]]] = {}
    latest: dict[str, statistics.Period] = {}  # each proposal's latest period: the figures as of the meeting
    in_packet = statistics.mutual_aid_rows(session, narrow=lambda query, column: query.where(column.in_(ids)))
    for m in in_packet:
        period = statistics.Period(m.period_start, m.period_end)
        latest[m.proposal_id] = max(latest.get(m.proposal_id, period), period, key=lambda p: p.latest)
    for m in in_packet:
        if statistics.Period(m.period_start, m.period_end) == latest[m.proposal_id]:
            by_proposal.setdefault(m.proposal_id, {}).setdefault(m.from_city, []).append(m)
    for pid, by_city in by_proposal.items():
        proposal = session.get(Proposal, pid)
        printed = statistics.printed_captions(proposal.notes if proposal else None)
        periods = {(m.period_start, m.period_end) for rows in by_city.values() for m in rows}
        if len(periods) == 1:  # printed where the row does not state it (_row_figures)
            data.figure_notes[pid] = f"統計區間：{roc_period(*next(iter(periods)))}"
        for code, rows in by_city.items():
            own = {(m.period_start, m.period_end) for m in rows}
            period = f"（{roc_period(*next(iter(own)))}）" if len(periods) > 1 and len(own) == 1 else ""
            data.figures.setdefault(pid, []).append(
                FigureTable(
                    next(
                        (c for c in printed if c.startswith(f"{names[code]}協請")),
                        f"{names[code]}協請其他縣市支援之數量",
                    )
                    + period,
                    MUTUAL_AID_HEADER,
                    tuple(
                        (str(m.item_no), names[m.to_city], str(m.fire), str(m.ambulance), str(m.relay)) for m in rows
                    ),
                    MUTUAL_AID_WIDTHS,
                )
            )


TOTAL_LABEL = "合計"


def _add_indicator_tables(session: Session, data: PacketData, ids: list[str], cities: list[City]) -> None:
    """The indicators the packet prints as a table: per-city figures with a printed total
    (kind='total'), one column per indicator. Figures the progress text states in words stay there."""
    names = {c.code: c.name for c in cities}
    by_proposal: dict[str, list[Indicator]] = {}
    for i in statistics.indicator_rows(session, narrow=lambda query, column: query.where(column.in_(ids))):
        by_proposal.setdefault(i.proposal_id, []).append(i)  # a later period's figure replaces an earlier's
    for pid, rows in by_proposal.items():
        tabled = list(
            dict.fromkeys(
                i.indicator
                for i in rows
                if i.kind == "total"
                and i.city_code is None
                and i.counterpart_code is None
                and any(
                    v.indicator == i.indicator and v.kind == "value" and v.city_code and not v.counterpart_code
                    for v in rows
                )
            )
        )
        if not tabled:
            continue
        labels = {i.indicator: i.label for i in rows}
        values = {(i.indicator, i.city_code): i.value for i in rows if i.kind == "value" and i.city_code}
        totals = {
            i.indicator: i.value
            for i in rows
            if i.kind == "total" and i.city_code is None and i.counterpart_code is None
        }
        shown = [c.code for c in cities if any((name, c.code) in values for name in tabled)]
        # a city the source misprinted is printed as the source has it, the correction under the table
        printed = {
            i.city_code: misprint
            for i in rows
            if i.kind == "value" and i.indicator in tabled and (misprint := statistics.misprinted_as(i.note))
        }
        body = [
            (printed.get(code, names[code]), *(_number(values.get((name, code))) for name in tabled)) for code in shown
        ]
        body.append((TOTAL_LABEL, *(_number(totals[name]) for name in tabled)))
        width = round(6.8 / (len(tabled) + 1), 2)
        corrections = "；".join(f"「{printed[code]}」為「{names[code]}」之誤植" for code in shown if code in printed)
        data.figures.setdefault(pid, []).append(
            FigureTable(
                "",
                ("縣市", *(labels[name] for name in tabled)),
                tuple(body),
                (width,) * (len(tabled) + 1),
                f"註：表中{corrections}，照原表列印。" if corrections else "",
            )
        )


def _number(value: int | None) -> str:
    return "" if value is None else str(value)


# --- the document ---------------------------------------------------------------------------

TABLE_FONT_PT = 11
FIGURE_FONT_PT = 9
AGENDA_WIDTHS = (3.0, 2.0, 12.0)
LOG_WIDTHS = (3.0, 2.6, 11.4)
CARRIED_WIDTHS = (1.2, 2.6, 2.8, 3.6, 6.8)
CENTRAL_WIDTHS = (1.2, 2.3, 2.5, 3.2, 1.9, 5.9)
JOINT_WIDTHS = (1.2, 2.3, 2.5, 3.2, 7.8)
PROGRESS = "說明/進度"
# With the optional risk column (PacketOptions.risk), before the last column; the last keeps
# room for the figure tables printed in it (6.8 cm).
RISK_HEADER = "風險\n燈號"
CARRIED_RISK_WIDTHS = (1.2, 2.3, 2.5, 3.4, 1.3, 6.3)
CENTRAL_RISK_WIDTHS = (1.1, 2.0, 2.1, 2.9, 1.7, 1.3, 5.9)
JOINT_RISK_WIDTHS = (1.2, 2.0, 2.2, 3.2, 1.3, 7.1)
RISK_LEGEND = (
    "風險燈號由各議題組窗口每季評估："
    + "；".join(f"{light}＝{meaning}" for light, meaning in vocab.RISK_MEANINGS.items())
    + f"；{vocab.RISK_UNSET}＝尚未評估。"
)


def _risk_cell(p: Proposal) -> tuple[str, ...]:
    return (p.risk or vocab.RISK_UNSET,)


def clock_label(at: time) -> str:
    """14:30 -> 下午2時30分 (the packet's way of writing the meeting's time)."""
    period = "上午" if at.hour < 12 else "下午"
    hour = at.hour if at.hour <= 12 else at.hour - 12
    return f"{period}{hour}時" + (f"{at.minute}分" if at.minute else "")


def _paragraph(
    container,
    text: str = "",
    *,
    bold: bool = False,
    size: float | None = None,
    center: bool = False,
    indent_cm: float = 0.0,
):
    paragraph = container.add_paragraph()
    if center:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    if indent_cm:
        paragraph.paragraph_format.left_indent = Cm(indent_cm)
    run = paragraph.add_run(text)
    run.bold = bold
    if size:
        run.font.size = Pt(size)
    return paragraph


def _page_break(document) -> None:
    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def _grid(container, header, rows, widths_cm, *, size: float = TABLE_FONT_PT, names: tuple[int, ...] = ()):
    """The packet's tables: rows may break across pages, as the long progress texts do when printed.
    The `names` columns (groups, agencies, ministries) widen to their widest word, taken from the
    last column."""
    if names:
        widths_cm = word.fit_words(widths_cm, rows, size, columns=names, taking_from=len(widths_cm) - 1)
    table = word.grid(container, header, rows, widths_cm, size_pt=size, rows_may_split=True)
    word.keep_tail(table, widths_cm, size)  # a table's last lines never alone on a page
    return table


def ministry_lines(ministry: str) -> str:
    """內政部國家住都中心 -> 內政部\n國家住都中心: a ministry's agency under the ministry, so that the
    narrow column breaks between the two."""
    head, sep, rest = ministry.partition("部")
    return f"{head}{sep}\n{rest}" if sep and rest and "\n" not in ministry else ministry


def agency_lines(units) -> str:
    """The units of a row, each on a line after its city government's (新北市政府\n交通局), so that
    a narrow column breaks between the two, never inside a name."""
    lines = []
    for agency in units:
        city, unit = split_agency(agency)
        lines += [f"{city}政府", unit] if city else [unit]
    return "\n".join(lines)


def _figures(cell, note: str | None, figures: list[FigureTable]) -> None:
    """The statistics tables printed inside a row's progress cell, on the page of the sentence leading
    into them (the cell's last line so far); each table on one page, its caption (a city's
    「協請其他縣市支援之數量」) in its first row (word.caption_row), so never apart from it."""
    cell.paragraphs[-1].paragraph_format.keep_with_next = True
    if note:
        _paragraph(cell, note, size=FIGURE_FONT_PT).paragraph_format.keep_with_next = True
    for figure in figures:
        table = _grid(cell, figure.header, figure.rows, figure.widths_cm, size=FIGURE_FONT_PT)
        if figure.caption:  # in the table's first row: a paragraph in a cell would not keep with it
            word.caption_row(table, figure.caption, size_pt=FIGURE_FONT_PT + 1)
        word.keep_together(table)
        if figure.footnote:  # close under its table: in the paragraph a cell's table is followed by
            cell.paragraphs[-1].add_run(figure.footnote).font.size = Pt(FIGURE_FONT_PT)
        spacer = cell.add_paragraph()  # a cell must end with a paragraph; it also spaces the tables
        spacer.paragraph_format.space_before = Pt(0)
        spacer.add_run().font.size = Pt(FIGURE_FONT_PT - 3)


def title_lines(name: str) -> list[str]:
    """112年度「北臺區域發展推動委員會」副首長會議 -> [112年度北臺區域發展推動委員會, 副首長會議],
    the two lines at the head of the packet's first page."""
    head, sep, tail = name.rpartition("」")
    lines = [head, tail] if sep and tail else [name]
    return [line.replace("「", "").replace("」", "").strip() for line in lines]


def _title(document, data: PacketData) -> None:
    for line in title_lines(data.meeting.name):
        _paragraph(document, line, bold=True, size=20, center=True)


def _meeting_day(m: Meeting) -> str:
    return f"{roc_date(m.date)}（{agenda.weekday_label(m.date)}）{clock_label(m.start_time)}"


def _agenda_section(document, data: PacketData) -> None:
    m = data.meeting
    _paragraph(document, "壹、會議議程", bold=True, size=16)
    online = m.url and meeting_settings.form_of(m) in meeting_settings.WITH_LINK  # in person: no link line
    venue = f"{m.venue}（網址：{m.url}）" if online else m.venue
    for index, (label, value) in enumerate(
        [
            ("會議名稱", m.name),
            ("會議主持人", meeting_settings.chair_line(m)),
            ("會議時間", _meeting_day(m)),
            ("會議地點", venue),
        ],
        start=1,
    ):
        _paragraph(document, f"{numeral(index)}、{label}：{value}")
    _paragraph(document, f"{numeral(5)}、會議議程：")
    rows = []
    for index, item in enumerate(data.agenda):
        end = agenda.item_end(data.agenda, index)
        span = f"{item.start:%H:%M}-{end:%H:%M}" if end else f"{item.start:%H:%M} -"
        title = "\n".join(line.strip() for line in item.title.splitlines() if line.strip())
        rows.append(
            (span, f"{item.minutes} 分鐘" if item.minutes else "", title + (f"\n{item.note}" if item.note else ""))
        )
    widths = word.fit_column(AGENDA_WIDTHS, 0, [r[0] for r in rows], TABLE_FONT_PT, taking_from=2)
    table = _grid(document, ("時間", "", "主題（內容）"), rows, widths)
    heading = table.cell(0, 0).merge(table.cell(0, 1))  # 時間 spans the time and the length
    word.fill(heading, "時間", size_pt=TABLE_FONT_PT, bold=True)


def _log_section(document, data: PacketData) -> None:
    _paragraph(document, f"貳、{data.year}年度北臺執行進度說明", bold=True, size=16)
    if not any(row.lines for log in data.log for row in log.rows):
        _paragraph(document, meeting_log.NONE_IN_CYCLE, indent_cm=0.8)
    for index, log in enumerate(data.log, start=1):
        _paragraph(document, f"{numeral(index)}、{log.heading}", bold=True).paragraph_format.keep_with_next = True
        host = f"主辦單位\n({log.host_city})" if log.host_city else "主辦單位"
        table = _grid(
            document, ("組別", host, "進度說明"), [(r.group, r.host, "\n".join(r.lines)) for r in log.rows], LOG_WIDTHS
        )
        _merge_repeats(table, 0)


def _merge_repeats(table, column: int) -> None:
    """Merge runs of equal cells down a column (a group printed once beside its sub-groups)."""
    rows = table.rows[1:]
    start = 0
    for index in range(1, len(rows) + 1):
        if index == len(rows) or rows[index].cells[column].text != rows[start].cells[column].text:
            if index - start > 1:
                text = rows[start].cells[column].text
                merged = rows[start].cells[column].merge(rows[index - 1].cells[column])
                word.fill(merged, text, size_pt=TABLE_FONT_PT)
            start = index


PENDING_HEADER = "議題組建議"


def reason_cell(p: Proposal) -> str:
    """The group's reason and the date of the working-group meeting that agreed the recommendation;
    a row without one says so. Never the basis: nothing the system wrote."""
    if vocab.recommendation(p.tracking_status) is None:
        return "\n".join(filter(None, (vocab.NO_RECOMMENDATION, p.tracking_reason)))
    agreed = f"議題組會議：{roc_date(p.recommendation_date)}" if p.recommendation_date else None
    return "\n".join(filter(None, (p.tracking_reason, agreed)))


def _carried_table(document, data: PacketData, rows: list[Row], reason_label: str, options: PacketOptions) -> None:
    """A part of 參's carried rows; a row whose proposal has statistics for the cycle (a new period
    entered for it, as for the row continuing 112-J17) prints them under its reason, as a new
    proposal's row prints them under its progress."""
    table = _grid(
        document,
        ("項次", "議題組別", "主辦單位", "提案名稱", *((RISK_HEADER,) if options.risk else ()), reason_label),
        [
            (
                str(r.proposal.item_no),
                r.group_label,
                agency_lines(r.units),
                r.proposal.title,
                *(_risk_cell(r.proposal) if options.risk else ()),
                reason_cell(r.proposal),
            )
            for r in rows
        ],
        CARRIED_RISK_WIDTHS if options.risk else CARRIED_WIDTHS,
        names=(1, 2),
    )
    _row_figures(table, data, rows, options)


def _row_figures(table, data: PacketData, rows: list[Row], options: PacketOptions) -> None:
    """Each row's statistics tables in its last cell, under a 統計區間 line where the row's text does
    not give the period already (112-J17's progress does, so the source prints none; a figure entered
    for a later period has no other date), or where asked (PacketOptions.period_line)."""
    for row, r in zip(table.rows[1:], rows):
        if r.proposal.id in data.figures:
            note = data.figure_notes.get(r.proposal.id)
            if note and not options.period_line and _states_period(row.cells[-1].text, note):
                note = None
            _figures(row.cells[-1], note, data.figures[r.proposal.id])
            word.keep_row_together(row)  # the text leading into the tables stays with them


def _states_period(text: str, note: str) -> bool:
    """Whether `text` already gives the period of a 「統計區間：…」 note (spaces ignored)."""
    period = note.partition("：")[2]
    return bool(period) and "".join(period.split()) in "".join(text.split())


def carried_heading(data: PacketData) -> str:
    """一、112年度合作方案擬解除列管, as printed; named after what the groups recommend."""
    if data.delist:
        return f"{data.carried_year}年度合作方案{vocab.RECOMMEND_DELIST}"
    if data.keep:
        return f"{data.carried_year}年度合作方案{vocab.RECOMMEND_KEEP}"
    return f"{data.carried_year}年度列管合作方案"


def carried_summary(data: PacketData) -> str:
    """The sentence under the heading: the counts of the groups' recommendations, and only those
    said to be by the groups' meetings."""
    before, total = data.carried_year, len(data.carried)
    if not data.pending:
        return (
            f"{before}年度列管合作方案共計{total}案；今年度依各議題組會議決議，"
            f"解除列管 {len(data.delist)} 案，持續列管 {len(data.keep)} 案。"
        )
    if not data.delist and not data.keep:
        return (
            f"{before}年度列管合作方案共計{total}案，各議題組{vocab.NO_RECOMMENDATION}（共 {len(data.pending)} 案）。"
        )
    return (
        f"{before}年度列管合作方案共計{total}案；依各議題組會議決議，{vocab.RECOMMEND_DELIST} {len(data.delist)} 案，"
        f"{vocab.RECOMMEND_KEEP} {len(data.keep)} 案；另 {len(data.pending)} 案各議題組{vocab.NO_RECOMMENDATION}。"
    )


def _new_table(document, data: PacketData, track: str, options: PacketOptions) -> None:
    rows = data.new[track]
    risk = options.risk
    central = track == vocab.CENTRAL
    header = (
        "項次",
        "議題組別",
        "提案\n單位",
        "提案名稱",
        *(("對應\n中央部會",) if central else ()),
        *((RISK_HEADER,) if risk else ()),
        PROGRESS,
    )
    body = [
        (
            str(r.proposal.item_no),
            r.group_label,
            agency_lines(r.units),
            r.proposal.title,
            *((ministry_lines(r.proposal.central_ministry or ""),) if central else ()),
            *(_risk_cell(r.proposal) if risk else ()),
            r.proposal.progress or "",
        )
        for r in rows
    ]
    if risk:
        widths = CENTRAL_RISK_WIDTHS if central else JOINT_RISK_WIDTHS
    else:
        widths = CENTRAL_WIDTHS if central else JOINT_WIDTHS
    table = _grid(document, header, body, widths, names=(1, 2, 4) if central else (1, 2))
    _row_figures(table, data, rows, options)


def _discussion_section(document, data: PacketData, options: PacketOptions) -> None:
    _paragraph(document, "參、討論事項", bold=True, size=16)
    if options.risk:
        _paragraph(document, RISK_LEGEND, indent_cm=0.8)
    heading = 1
    before = data.carried_year
    if data.carried:
        _paragraph(
            document, f"{numeral(heading)}、{carried_heading(data)}", bold=True
        ).paragraph_format.keep_with_next = True
        _paragraph(document, carried_summary(data), indent_cm=0.8).paragraph_format.keep_with_next = True
        parts = [
            (data.delist, f"{vocab.RECOMMEND_DELIST} {before} 年度合作方案", vocab.DELIST_REASON),
            (data.keep, f"{vocab.RECOMMEND_KEEP} {before} 年度合作方案", vocab.KEEP_REASON),
            (data.pending, f"{before} 年度合作方案{vocab.NO_RECOMMENDATION}", PENDING_HEADER),
        ]
        for sub, (rows, label, reason) in enumerate([p for p in parts if p[0]], start=1):
            _paragraph(
                document, f"（{numeral(sub)}）{label}，共 {len(rows)} 案", bold=True
            ).paragraph_format.keep_with_next = True
            _carried_table(document, data, rows, reason, options)
        heading += 1
        _page_break(document)
    new_count = sum(len(rows) for rows in data.new.values())
    _paragraph(
        document, f"{numeral(heading)}、{data.year}年度新增合作提案：", bold=True
    ).paragraph_format.keep_with_next = True
    counts = "，".join(f"{vocab.TRACKS[t]}共 {len(rows)} 案" for t, rows in data.new.items())
    said = f"其中，依各議題組內部會議決議，{counts}。" if new_count else ""  # no claim of a meeting for none
    summary = _paragraph(document, f"{data.year}年度新增合作提案共計 {new_count} 案。{said}", indent_cm=0.8)
    summary.paragraph_format.keep_with_next = True
    for sub, track in enumerate([t for t, rows in data.new.items() if rows], start=1):
        if sub > 1:
            _page_break(document)  # each track's table from a new page, as printed
        _paragraph(
            document,
            f"（{numeral(sub)}）{data.year}年度新增合作提案，{vocab.TRACKS[track]}（共 {len(data.new[track])} 案）",
            bold=True,
        ).paragraph_format.keep_with_next = True
        _new_table(document, data, track, options)


# The back page prints the names after a role's first four a line, 、 between them and none at a
# line's end: as the source prints the eight city governments under 主辦單位.
BACK_PAGE_NAMES_PER_LINE = 4


def _back_page(document, data: PacketData) -> None:
    word.back_page(document)  # a section of its own: no page number on the back page
    for _ in range(18):
        document.add_paragraph()
    for role, names in data.organisers.items():
        head, *rest = names
        _paragraph(document, f"{role}：{head}", size=14)
        for start in range(0, len(rest), BACK_PAGE_NAMES_PER_LINE):
            _paragraph(document, "、".join(rest[start : start + BACK_PAGE_NAMES_PER_LINE]), size=14, indent_cm=2.8)


def packet_docx(session: Session, *, cycle: int, risk: bool = False, options: PacketOptions | None = None) -> bytes:
    """The packet of `cycle` as a .docx (A4 portrait, page numbers in the footer), laid out as the
    printed one; `options` (PacketOptions) adds what the dashboard holds beyond it: the risk column
    (also `risk`), and on the cards their id line, the 中央部會 row, 辦理情形, 相關數據, the
    mutual-aid tables, and the 統計區間 line above the statistics in 參's rows."""
    options = options or PacketOptions()
    if risk:
        options = replace(options, risk=True)
    data = collect(session, cycle=cycle)
    document = word.new_document()  # A4 portrait, 標楷體, page numbers: as the minutes and the cards
    _title(document, data)
    _agenda_section(document, data)
    _page_break(document)
    _log_section(document, data)
    _page_break(document)
    _discussion_section(document, data, options)
    card_docx.add_cards(document, session, proposal_ids=data.card_ids, options=options.card)  # each from a new page
    _back_page(document, data)
    return word.to_bytes(document, title=f"{data.meeting.name} 會議資料")


def file_name(meeting_name: str) -> str:
    """112年度北臺區域發展推動委員會副首長會議_會議資料.docx"""
    plain = "".join(ch for ch in meeting_name if ch not in "「」『』\"'/\\:*?<>|")
    return f"{plain}_會議資料.docx"


def docx_from(engine, *, cycle: int, risk: bool = False, options: PacketOptions | None = None) -> bytes:
    with Session(engine) as session:
        return packet_docx(session, cycle=cycle, risk=risk, options=options)
