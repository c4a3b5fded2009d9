"""One 合作提案單 (proposal card) as python-docx content, in the layout of the paper card.

API (stable; other documents build on it):

    document = card_docx.new_document()          # word.new_document: A4 portrait, 標楷體, page numbers
    card_docx.add_card(document, session, *, proposal_id, page_break_before=False)  -> heading paragraph
    card_docx.add_cards(document, session, *, proposal_ids)   # each card on a page of its own -> headings
    card_docx.cards_docx(session, *, proposal_ids) -> bytes   # the three above, saved

The paper card (as in the 112 meeting packet) is a two-column table: 合作提案, 提案單位, 提案類型
(five boxes, ■ checked, ☐ not), 合作縣市 (■/☐ 北臺八縣市 or 部分縣市, then the eight cities as a
2×4 grid in City.card_order; the paper leaves the eight boxes empty when all eight take part),
說明, 具體作法, 合作效益, 提案聯絡窗口. Below it, as the dashboard's card shows, a second table
辦理情形: progress, tracking and progress status, and the meeting's decision. A carried-over
proposal has no paper card; it gets the same heading and the rows the tracking list holds.
add_card raises LookupError for an unknown proposal id.
"""

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


def box(label: str, checked: bool) -> str:
    return f"{CHECKED if checked else UNCHECKED}{label}"


def group_label(card: queries.Card) -> str:
    """文化教育組-文化組, as in the card's heading 「文化教育組-文化組」合作提案單."""
    return f"{card.group.name}-{card.subgroup.name}" if card.subgroup else card.group.name


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


def card_rows(card: queries.Card) -> list[tuple[str, list[str]]]:
    """(label, lines) of the paper card's table."""
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
    if p.central_ministry or p.track == vocab.CENTRAL:
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


def _label_table(document, rows: list[tuple[str, list[str]]]):
    """The paper card's label | content table, with no header row; a long field may continue on the
    next page."""
    table = word.grid(document, None, [], CARD_WIDTHS_CM, rows_may_split=True)
    for label, lines in rows:
        row = table.add_row()
        word.fill(row.cells[0], label, bold=True)
        word.fill(row.cells[1], "\n".join(lines))
        if word.row_lines([label, "\n".join(lines)], CARD_WIDTHS_CM, word.BODY_PT) <= word.WHOLE_ROW_LINES:
            word.keep_row_together(row)  # a short field moves whole to the next page
    word.set_widths(table, CARD_WIDTHS_CM)
    word.keep_tail(table, CARD_WIDTHS_CM)  # a card's last fields never alone on a page
    return table


def _figure_tables(document, card: queries.Card) -> None:
    """The proposal's figures (indicators, cross-border mutual aid), as on the dashboard's card."""
    names = {c.code: c.name for c in card.card_cities}
    if card.indicators:
        word.heading(document, "相關數據")
        rows = [
            [
                i.label,
                names.get(i.city_code, ""),
                names.get(i.counterpart_code, ""),
                f"{i.value:,} {i.unit}",
                roc_period(i.period_start, i.period_end) or roc_date(i.as_of),
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
    for m in card.mutual_aid:
        by_period.setdefault((m.period_start, m.period_end), []).append(m)
    for (start, end), period_rows in by_period.items():
        word.heading(document, f"跨區救災救護支援及轉報統計（{roc_period(start, end)}）")
        rows = [
            [names[m.from_city], names[m.to_city], str(m.fire), str(m.ambulance), str(m.relay)] for m in period_rows
        ]
        word.keep_together(
            word.grid(document, ["請求縣市", "支援縣市", *AID_KINDS.values()], rows, [3.4, 3.4, 3.4, 3.4, 3.4])
        )


def add_card(document, session: Session, *, proposal_id: str, page_break_before: bool = False):
    """Append the card of `proposal_id` to `document` (LookupError if the store has no such proposal);
    returns the card's heading paragraph (e.g. to bookmark it for a contents list)."""
    card = queries.proposal_card(session, proposal_id=proposal_id)
    if card is None:
        raise LookupError(f"找不到提案「{proposal_id}」。")
    p = card.proposal
    head = document.add_paragraph()
    head.alignment = WD_ALIGN_PARAGRAPH.CENTER
    head.paragraph_format.page_break_before = page_break_before
    head.paragraph_format.keep_with_next = True
    run = head.add_run(f"{p.year} 年「北臺區域發展推動委員會」\n「{group_label(card)}」合作提案單")
    run.bold, run.font.size = True, Pt(14)
    sub = document.add_paragraph(f"{p.id}　{vocab.track_label(p.track, year=p.year)}")
    sub.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    sub.runs[0].font.size = Pt(10)
    if p.cities_scope is None:
        note = document.add_paragraph(
            f"此案為{vocab.track_label(p.track, year=p.year)}，會議資料未附提案單；以下為列管表所列內容。"
        )
        note.runs[0].font.size = Pt(10)
    _label_table(document, card_rows(card))
    word.heading(document, "辦理情形")
    _label_table(document, progress_rows(card))
    _figure_tables(document, card)
    return head


def _has_content(document) -> bool:
    return bool(document.tables) or any(p.text.strip() for p in document.paragraphs)


def add_cards(document, session: Session, *, proposal_ids: list[str]) -> list:
    """Append each card on a page of its own (the first too, when the document already has content);
    returns their heading paragraphs."""
    return [
        add_card(document, session, proposal_id=proposal_id, page_break_before=index > 0 or _has_content(document))
        for index, proposal_id in enumerate(proposal_ids)
    ]


def cards_docx(session: Session, *, proposal_ids: list[str]) -> bytes:
    document = new_document()
    add_cards(document, session, proposal_ids=proposal_ids)
    title = f"{proposal_ids[0]} 合作提案單" if len(proposal_ids) == 1 else "合作提案單"
    return word.to_bytes(document, title=title)
