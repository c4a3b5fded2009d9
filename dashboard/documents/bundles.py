"""Card bundles for each reader: every 合作提案單 of a working group (with its sub-groups) or of a
city (the proposals it leads or joins, as the app's city lens decides) in one cycle, as one .docx
with a cover line and a contents list.

The readers' names (a group's id or name, a city's code, name or English name, 台/臺 alike) are
resolved here, once, for the CLI and the page; an unknown one raises BundleError with the choices.
"""

from dataclasses import dataclass
from datetime import datetime

import pandas as pd
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt
from sqlmodel import Session, select

from dashboard.documents import card_docx, packet, word
from dashboard.domain import cycles, dates, frames, group_terms, lookup, queries, vocab
from dashboard.domain.dates import roc_datetime
from dashboard.store.models import City, Proposal, WorkGroup

CONTENTS_WIDTHS_CM = [1.3, 1.9, 3.0, 3.8, 5.7, 1.3]
CONTENTS_PT = 10.5  # 八縣市共同合作 and 文化教育組／教育組 on one line each
CONTENTS_HEADER = ["序號", "編號", "類別", "議題組", "提案名稱", "頁次"]


class BundleError(ValueError):
    """A reader's choice the store does not know (group, city, year); the message says which."""


def resolve_cycle(session: Session, requested: int | str | None) -> cycles.Cycle:
    """The cycle asked for (cycles.resolve: the current one for None); BundleError with
    cycles.resolve's message when the store holds no such cycle."""
    try:
        return cycles.resolve(requested, held=cycles.cycles(session))
    except cycles.CycleError as error:
        raise BundleError(str(error)) from error


def bundle_groups(session: Session, cycle: int | None = None) -> list:
    """The groups that own proposals (not the staff group) in `cycle` (the current one by default),
    as they stand then, in their official order."""
    return [g for g in queries.groups(session, cycle=cycle) if g.kind != vocab.STAFF]


def resolve_group(session: Session, value: str, cycle: int | None = None):
    groups = bundle_groups(session, cycle)
    found = lookup.group_id(value, groups)
    if found is None:
        raise BundleError(f"未知的議題組「{value}」；可用：{'、'.join(g.name for g in groups)}")
    return next(g for g in groups if g.id == found)


def resolve_city(session: Session, value: str) -> City:
    cities = queries.cities(session)
    found = lookup.city_code(value, cities)
    if found is None:
        raise BundleError(f"未知的縣市「{value}」；可用：{'、'.join(c.name for c in cities)}")
    return next(c for c in cities if c.code == found)


def group_label(group: WorkGroup, groups: list[WorkGroup]) -> str:
    """文化教育組／文化組 for a sub-group, the name for a top-level group."""
    parent = next((g for g in groups if g.id == group.parent_id), None)
    return f"{parent.name}／{group.name}" if parent else group.name


def cycle_frame(session: Session, *, cycle: int) -> pd.DataFrame:
    """queries.proposals_frame of `cycle` in the packet's order: the carried rows as its tables list
    them, then the cards as it binds them (packet.card_order: 交通運輸組 C01, C02, J07, …)."""
    frame = queries.proposals_frame(session, cycle=cycle)
    new = set(frame.loc[frame["track"] != vocab.CARRIED, "id"])
    if not new:
        return frame
    proposals = list(session.exec(select(Proposal).where(Proposal.id.in_(new))))
    bound = {
        pid: index for index, pid in enumerate(packet.card_order(group_terms.resolve_all(session, cycle), proposals))
    }
    position = frame["id"].map(lambda pid: bound.get(pid, -1))  # carried rows first, in the frame's order
    return frame.iloc[position.argsort(kind="stable")].reset_index(drop=True)


def group_rows(frame: pd.DataFrame, *, group_id: str) -> pd.DataFrame:
    """The rows of a group and its sub-groups, as the proposal list's group filter picks them."""
    return frames.filter_proposals(frame, spec=frames.ProposalFilter(groups=(group_id,)))


def city_rows(frame: pd.DataFrame, *, city: str) -> pd.DataFrame:
    """The rows a city leads or joins, with their `role` (frames.city_involvement, the city lens)."""
    return frames.city_involvement(frame, city=city)


@dataclass(frozen=True)
class Bundle:
    title: str  # 文化教育組 / 臺北市
    scope: str  # what "every card" means here, for the cover
    year: int
    rows: pd.DataFrame  # proposals frame rows, in packet order (city bundles: with `role`)

    @property
    def ids(self) -> list[str]:
        return self.rows["id"].tolist()


def group_bundle(session: Session, *, group: str, cycle: int | str | None = None) -> Bundle:
    cycle = resolve_cycle(session, cycle)
    g = resolve_group(session, group, cycle)
    groups = queries.groups(session, cycle=cycle)
    family = [x.name for x in frames.group_family(groups, group_id=g.id) if x.id != g.id]
    scope = f"{group_label(g, groups)}" + (f"（含{'、'.join(family)}）" if family else "") + "之提案"
    return Bundle(group_label(g, groups), scope, cycle, group_rows(cycle_frame(session, cycle=cycle), group_id=g.id))


def city_bundle(session: Session, *, city: str, cycle: int | str | None = None) -> Bundle:
    c = resolve_city(session, city)
    cycle = resolve_cycle(session, cycle)
    return Bundle(
        c.name, f"{c.name}主辦或參與合作之提案", cycle, city_rows(cycle_frame(session, cycle=cycle), city=c.name)
    )


def _contents_rows(bundle: Bundle) -> list[list[str]]:
    rows = []
    for number, r in enumerate(bundle.rows.itertuples(), start=1):
        group = f"{r.group}／{r.subgroup}" if isinstance(r.subgroup, str) else r.group
        title = r.title + (f"（{r.role}）" if hasattr(r, "role") else "")
        rows.append([str(number), r.id, r.track_label, group, title, ""])
    return rows


def _bookmark_name(number: int) -> str:
    return f"card_{number}"


def track_summary(rows: pd.DataFrame) -> str:
    """「111年度列管案 13 案、請求中央協助 8 案、八縣市共同合作 34 案」 (tracks present only)."""
    counts = frames.track_counts(rows)
    labels = frames.track_choices(rows)
    return "、".join(f"{labels[t]} {counts[t]} 案" for t in vocab.TRACKS if counts[t])


def carried_heading(row) -> str:
    """The heading of a proposal the meeting material has no 合作提案單 for (a carried-over row of the
    tracking list), in the material's own words: 「111 年度列管合作方案」, then the group as its 議題組別
    column prints it and the group's recommendation, rather than a card heading the source never printed."""
    group = f"{row.group}-{row.subgroup}" if isinstance(row.subgroup, str) else row.group
    return f"{row.year} 年度列管合作方案\n「{group}」{vocab.recommendation_label(row.tracking_status)}"


def bundle_docx(session: Session, bundle: Bundle, *, now: datetime | None = None) -> bytes:
    """Cover line, contents list, then every card on a page of its own (card_docx)."""
    document = word.new_document()
    title = document.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = title.add_run(f"{bundle.year}年度「北臺區域發展推動委員會」\n{bundle.title}　合作提案單彙編")
    run.bold, run.font.size = True, Pt(16)
    count = len(bundle.rows)
    summary = f"（{track_summary(bundle.rows)}）" if count else ""
    document.add_paragraph(f"收錄{bundle.year}年度{bundle.scope}，共 {count} 案{summary}。")
    stamp = document.add_paragraph(f"北臺合作儀表板於 {roc_datetime(dates.now_taipei(now))} 依資料庫內容產生。")
    stamp.runs[0].font.size = Pt(9)
    heading = document.add_paragraph()
    heading.add_run("目錄").bold = True
    if count:
        rows = _contents_rows(bundle)
        widths = word.fit_column(CONTENTS_WIDTHS_CM, 1, [r[1] for r in rows], CONTENTS_PT, taking_from=4)
        contents = word.grid(document, CONTENTS_HEADER, rows, widths, size_pt=CONTENTS_PT)
        for number, row in enumerate(contents.rows[1:], start=1):
            page = row.cells[-1].paragraphs[0]
            word.page_ref(page, _bookmark_name(number))
            for run in page.runs:
                run.font.size = Pt(CONTENTS_PT)
        word.update_fields_on_open(document)
    else:
        document.add_paragraph("本年度沒有符合的提案。")
    headings = card_docx.add_cards(document, session, proposal_ids=bundle.ids)
    for number, (heading, row) in enumerate(zip(headings, bundle.rows.itertuples()), start=1):
        if pd.isna(row.cities_scope):  # no paper card: not headed as one
            heading.runs[0].text = carried_heading(row)
        word.bookmark(heading, _bookmark_name(number), number)  # the contents list names its page
    return word.to_bytes(document, title=f"{bundle.year}年度 {bundle.title} 合作提案單彙編", now=now)


def file_name(bundle: Bundle) -> str:
    """112年度_文化教育組_合作提案單.docx (no characters a file system refuses)."""
    plain = "".join(ch for ch in bundle.title if ch not in '／/\\:*?"<>|')
    return f"{bundle.year}年度_{plain}_合作提案單.docx"
