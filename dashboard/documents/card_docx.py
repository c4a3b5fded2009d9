"""One 合作提案單 (proposal card) as python-docx content, in the layout of the paper card.

API (stable; other documents build on it):

    document = card_docx.new_document()          # word.new_document: A4 portrait, 標楷體, page numbers
    card_docx.add_card(document, session, *, proposal_id, page_break_before=False)  -> heading paragraph
    card_docx.add_cards(document, session, *, proposal_ids)   # each card on a page of its own -> headings
    card_docx.cards_docx(session, *, proposal_ids) -> bytes   # the three above, saved

The paper card (as in the 112 meeting packet) is a two-column table: 合作提案 (a header row: a card
that runs past a page repeats it at the top of the next, as the paper does), 提案單位, 提案類型
(five boxes, ■ checked, ☐ not), 合作縣市 (■/☐ 北臺八縣市 or 部分縣市, then the eight cities as a
2×4 grid in City.card_order; the paper leaves the eight boxes empty when all eight take part),
說明, 具體作法, 合作效益, 提案聯絡窗口, under the heading the source prints (Proposal.card_heading,
else 「group-sub-group」合作提案單). What the dashboard adds to the paper card is chosen by
CardOptions: the id line under the heading, the C cards' 中央部會 row, the 辦理情形 table (progress,
statuses, the meeting's decision), the 相關數據 table and the cross-border mutual-aid tables. The
cards of the dashboard (cards_docx, the bundles) have them all (EVERYTHING); the packet none unless
asked (packet.PacketOptions). A carried-over proposal has no paper card; it gets the same heading and
the rows the tracking list holds. add_card raises LookupError for an unknown proposal id.
"""

from dataclasses import dataclass

from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt
from sqlmodel import Session

from dashboard.documents import word
from dashboard.domain import queries, vocab
from dashboard.domain.dates import roc_date, roc_period
from dashboard.domain.decisions import recorded_label
from dashboard.domain.frames import AID_KINDS

CHECKED, UNCHECKED = "■", "☐"
LABEL_WIDTH_CM = 3.2
CARD_WIDTHS_CM = [LABEL_WIDTH_CM, word.TEXT_WIDTH_CM - LABEL_WIDTH_CM]
GRID_COLUMNS = 4  # the paper's 2×4 city grid
NOT_FILLED = "（未填）"


new_document = word.new_document  # part of this module's API: an empty A4 document to add cards to


@dataclass(frozen=True)
class CardOptions:
    """What is printed beyond the paper card; nothing by default (the card as the source prints it)."""

    id_line: bool = False  # 112-J01　八縣市共同合作, right under the heading
    ministry_row: bool = False  # the 中央部會 row on a card of the 請求中央協助 track
    progress: bool = False  # the 辦理情形 table: progress, statuses, the meeting's decision
    indicators: bool = False  # the 相關數據 table
    mutual_aid: bool = False  # the 跨區救災救護支援及轉報統計 tables (火災支援／救護支援／119轉報)


EVERYTHING = CardOptions(id_line=True, ministry_row=True, progress=True, indicators=True, mutual_aid=True)


def box(label: str, checked: bool) -> str:
    return f"{CHECKED if checked else UNCHECKED}{label}"


def group_label(card: queries.Card) -> str:
    """文化教育組-文化組, as in the card's heading 「文化教育組-文化組」合作提案單."""
    return f"{card.group.name}-{card.subgroup.name}" if card.subgroup else card.group.name


def heading_line(card: queries.Card) -> str:
    """The heading's second line as the source prints it (「防災治安組–防災組」合作提案單,
    「文化教育組-教育組」合作議題提案單), else built from the group's names."""
    return card.proposal.card_heading or f"「{group_label(card)}」合作提案單"


def type_lines(card: queries.Card) -> list[str]:
    return [box(t, t in card.types) for t in vocab.PROPOSAL_TYPES]


def city_lines(card: queries.Card) -> list[str]:
    """The scope boxes, then the 2×4 grid of cities (checked only for a partial scope, as on paper)."""
    p = card.proposal
    scope = "　".join(box(label, p.cities_scope == key) for key, label in vocab.CITY_SCOPES.items())
    partial = p.cities_scope == vocab.SOME_CITIES
    boxes = [box(c.name, partial and c.name in card.cities) for c in card.card_cities]
    grid = ["　".join(boxes[i : i + GRID_COLUMNS]) for i in range(0, len(boxes), GRID_COLUMNS)]
    return [scope, *grid]


def unit_text(card: queries.Card) -> str:
    """The unit as the card prints it (with its section), else the lead units of the tracking list."""
    units = "、".join(f"{unit}（{city}）" if len(card.leads) > 1 else unit for unit, city in card.leads)
    return card.proposal.card_unit or units


def _lines(value: str | None) -> list[str]:
    return value.splitlines() if value else [NOT_FILLED]


def card_rows(card: queries.Card, options: CardOptions = EVERYTHING) -> list[tuple[str, list[str]]]:
    """(label, lines) of the paper card's table (the 中央部會 row only with options.ministry_row)."""
    p = card.proposal
    rows = [("合作提案", [p.card_title or p.title]), ("提案單位", [unit_text(card)])]
    if p.cities_scope is not None:
        rows += [
            ("提案類型", type_lines(card)),
            ("合作縣市", city_lines(card)),
            ("說明", _lines(p.description)),
            ("具體作法", _lines(p.approach)),
            ("合作效益\n(以條列式)", _lines(p.benefits)),
            ("提案聯絡窗口", _lines(p.contact)),
        ]
    if options.ministry_row and (p.central_ministry or p.track == vocab.CENTRAL):
        rows.append(("中央部會", _lines(p.central_ministry)))
    return rows


def progress_rows(card: queries.Card) -> list[tuple[str, list[str]]]:
    """(label, lines) of the 辦理情形 table: progress, statuses and the decision in force."""
    p = card.proposal
    rows = []
    if p.progress or p.cities_scope is not None:
        rows.append(("說明／進度", _lines(p.progress)))
    tracking = [p.tracking_status]
    if p.track == vocab.CARRIED:  # the group's recommendation to the meeting, or that there is none yet
        agreed = p.recommendation_date and vocab.recommendation(p.tracking_status)
        day = f"（{roc_date(p.recommendation_date)}議題組會議）" if agreed else ""
        tracking.append(f"議題組建議：{vocab.recommendation_label(p.tracking_status)}{day}")
    if p.tracking_reason:
        tracking += [f"{vocab.reason_label(p.tracking_status)}："] + p.tracking_reason.splitlines()
    rows += [("列管狀態", tracking), ("進度狀態", [p.progress_status])]
    decision = card.decision
    if decision is None:
        rows.append(("會議決議", [vocab.UNDECIDED]))
    else:
        rows.append(
            (
                "會議決議",
                [
                    f"{decision.resolution}（{recorded_label(decision)} 由{decision.recorded_by}記錄）",
                    *(decision.note.splitlines() if decision.note else []),
                ],
            )
        )
    return rows


def _label_table(document, rows: list[tuple[str, list[str]]], *, repeat_first: bool = False):
    """The paper card's label | content table; a long field may continue on the next page. With
    repeat_first, the first row (合作提案 ‹名稱›) is repeated at the top of every page the table runs
    onto, as the paper card does."""
    table = word.grid(document, None, [], CARD_WIDTHS_CM, rows_may_split=True)
    for label, lines in rows:
        row = table.add_row()
        word.fill(row.cells[0], label, bold=True)
        word.fill(row.cells[1], "\n".join(lines))
        if word.row_lines([label, "\n".join(lines)], CARD_WIDTHS_CM, word.BODY_PT) <= word.WHOLE_ROW_LINES:
            word.keep_row_together(row)  # a short field moves whole to the next page
    if repeat_first and rows:
        word.repeat_as_header(table.rows[0])
    word.set_widths(table, CARD_WIDTHS_CM)
    word.keep_tail(table, CARD_WIDTHS_CM)  # a card's last fields never alone on a page
    return table


def figure_date(indicator) -> str:
    """The 期間／日期 of an indicator as the source dates its figures: 截至 the day they were counted
    (J32's 截至112年7月16日), else its period or day."""
    if indicator.as_of:
        return f"截至{roc_date(indicator.as_of)}"
    return roc_period(indicator.period_start, indicator.period_end)


def _figure_tables(document, card: queries.Card, options: CardOptions) -> None:
    """The proposal's figures (indicators, cross-border mutual aid), as on the dashboard's card."""
    names = {c.code: c.name for c in card.card_cities}
    if card.indicators and options.indicators:
        word.heading(document, "相關數據")
        rows = [
            [
                i.label,
                names.get(i.city_code, ""),
                names.get(i.counterpart_code, ""),
                f"{i.value:,} {i.unit}",
                figure_date(i),
                i.note or "",
            ]
            for i in card.indicators
        ]
        word.keep_together(  # on the page of its heading, as a short table is printed
            word.grid(
                document,
                ["項目", "縣市", "對方縣市", "數值", "期間／日期", "備註"],
                rows,
                [4.0, 1.8, 2.2, 2.2, 3.6, 3.2],
            )
        )
    by_period: dict[tuple, list] = {}  # each period its own table (statistics.py: one table per period)
    for m in card.mutual_aid if options.mutual_aid else []:
        by_period.setdefault((m.period_start, m.period_end), []).append(m)
    for (start, end), period_rows in by_period.items():
        word.heading(document, f"跨區救災救護支援及轉報統計（{roc_period(start, end)}）")
        rows = [
            [names[m.from_city], names[m.to_city], str(m.fire), str(m.ambulance), str(m.relay)] for m in period_rows
        ]
        word.keep_together(
            word.grid(document, ["請求縣市", "支援縣市", *AID_KINDS.values()], rows, [3.4, 3.4, 3.4, 3.4, 3.4])
        )


def add_card(
    document,
    session: Session,
    *,
    proposal_id: str,
    page_break_before: bool = False,
    options: CardOptions = EVERYTHING,
):
    """Append the card of `proposal_id` to `document` (LookupError if the store has no such proposal),
    with what `options` adds to the paper card; returns the card's heading paragraph (e.g. to
    bookmark it for a contents list)."""
    card = queries.proposal_card(session, proposal_id=proposal_id)
    if card is None:
        raise LookupError(f"找不到提案「{proposal_id}」。")
    p = card.proposal
    head = document.add_paragraph()
    head.alignment = WD_ALIGN_PARAGRAPH.CENTER
    head.paragraph_format.page_break_before = page_break_before
    head.paragraph_format.keep_with_next = True
    run = head.add_run(f"{p.year} 年「北臺區域發展推動委員會」\n{heading_line(card)}")
    run.bold, run.font.size = True, Pt(14)
    if options.id_line:
        sub = document.add_paragraph(f"{p.id}　{vocab.track_label(p.track, year=p.year)}")
        sub.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        sub.paragraph_format.keep_with_next = True
        sub.runs[0].font.size = Pt(10)
    if p.cities_scope is None:
        note = document.add_paragraph(
            f"此案為{vocab.track_label(p.track, year=p.year)}，會議資料未附提案單；以下為列管表所列內容。"
        )
        note.runs[0].font.size = Pt(10)
    _label_table(document, card_rows(card, options), repeat_first=True)
    if options.progress:
        word.heading(document, "辦理情形")
        _label_table(document, progress_rows(card))
    _figure_tables(document, card, options)
    return head


def _has_content(document) -> bool:
    return bool(document.tables) or any(p.text.strip() for p in document.paragraphs)


def add_cards(document, session: Session, *, proposal_ids: list[str], options: CardOptions = EVERYTHING) -> list:
    """Append each card on a page of its own (the first too, when the document already has content);
    returns their heading paragraphs."""
    return [
        add_card(
            document,
            session,
            proposal_id=proposal_id,
            page_break_before=index > 0 or _has_content(document),
            options=options,
        )
        for index, proposal_id in enumerate(proposal_ids)
    ]


def cards_docx(session: Session, *, proposal_ids: list[str]) -> bytes:
    document = new_document()
    add_cards(document, session, proposal_ids=proposal_ids)
    title = f"{proposal_ids[0]} 合作提案單" if len(proposal_ids) == 1 else "合作提案單"
    return word.to_bytes(document, title=title)
