"""A one-page summary (A4) for a city's vice-mayor, from the city lens of one cycle:

一、the city's proposals (it leads or joins) by track and progress status;
二、what the meeting decides for them: previous year's proposals to de-list / keep, new ones;
三、what is stuck: first the proposals whose risk light (風險燈號) is 紅 or 黃, then frames.WAITING
   (待中央回應, de-listing awaiting the meeting, …);
四、cross-border mutual aid the city asked for and gave, and social workers trained across cities.

Everything comes from the store through the app's own queries (queries, frames, meeting, flows);
summary() gathers it, summary_docx() lays it out to fit one page.
"""

from collections import Counter
from dataclasses import dataclass
from datetime import datetime

import pandas as pd
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt
from sqlmodel import Session

from dashboard.documents import bundles, word
from dashboard.domain import cycles, dates, flows, frames, meeting, queries, statistics, vocab
from dashboard.domain.dates import roc_date, roc_datetime
from dashboard.store.models import City, Meeting

TOTAL = "合計"
LEAD, JOINS = "主辦", "參與合作"
COUNT_COLUMNS = ["案數", LEAD, JOINS, *vocab.PROGRESS_STATUSES]
# 類別 (八縣市共同合作 on one line), then COUNT_COLUMNS; the longer headers wrap
# Each header word on one line at SMALL_PT (中央已回應, 參與合作), the track labels too (八縣市共同合作).
COUNT_WIDTHS_CM = [2.8, 1.15, 1.15, 1.8, *[1.45 if len(s) <= 3 else 2.15 for s in vocab.PROGRESS_STATUSES]]
IDS_SHOWN = 20  # a longer list of ids ends in 「等 N 案」, so that the page stays one page
TITLES_SHOWN = 10  # carried-over proposals listed with their titles


@dataclass(frozen=True)
class DecisionLine:
    label: str  # 擬解除列管 / 擬持續列管 / 尚未提出建議 / 新增提案
    ids: list[str]
    titles: list[str]
    groups: list[tuple[str, int]]  # (group, count), for the new proposals
    resolutions: Counter  # resolution in force -> count, vocab.UNDECIDED included


@dataclass(frozen=True)
class CitySummary:
    city: City
    year: int
    meeting: Meeting | None
    rows: pd.DataFrame  # the city's proposals in the cycle, with `role`
    counts: pd.DataFrame  # index: track labels and 合計; COUNT_COLUMNS
    decisions: list[DecisionLine]
    waiting: list[tuple[str, str, list[str]]]  # (label, explanation, ids); the 紅 and 黃 lights first
    aid: pd.DataFrame  # frames.mutual_aid_totals: 向他縣市請求支援 / 支援他縣市 × fire, ambulance, relay, total
    aid_period: str
    social: flows.CityTotals | None
    social_period: str


def count_table(rows: pd.DataFrame, *, cycle: int) -> pd.DataFrame:
    """The city's proposals by track (rows) and lead/joins and progress status (columns), with a total row.
    The carried-over track names its year (the cycle before `cycle`) even when the city has no such row."""
    labels = vocab.track_labels(carried_year=int(cycles.Cycle(cycle).previous))
    table = []
    for track in vocab.TRACKS:
        mine = rows[rows["track"] == track]
        lead = int((mine["role"] != frames.CITY_ROLES["joins"]).sum())
        statuses = mine["progress_status"].value_counts()
        table.append([len(mine), lead, len(mine) - lead, *(int(statuses.get(s, 0)) for s in vocab.PROGRESS_STATUSES)])
    frame = pd.DataFrame(table, index=[labels[t] for t in vocab.TRACKS], columns=COUNT_COLUMNS)
    frame.loc[TOTAL] = frame.sum()
    return frame.astype(int)


def decision_lines(session: Session, *, cycle: int, ids: list[str]) -> list[DecisionLine]:
    """The meeting's decision list (meeting.decision_sections) limited to the city's proposals."""
    mine = set(ids)
    decided = meeting.decisions_in_force(session, proposal_ids=ids)
    lines: dict[str, list] = {}
    for section in meeting.decision_sections(session, cycle=cycle):
        entries = [e for e in section.entries if e.id in mine]
        label = section.label if section.key in meeting.CARRIED_SECTIONS else "新增提案"
        lines.setdefault(label, [])
        lines[label] += [(e, section.label) for e in entries]
    result = []
    for label, entries in lines.items():
        groups = Counter(group for _, group in entries)
        result.append(
            DecisionLine(
                label=label,
                ids=[e.id for e, _ in entries],
                titles=[e.title for e, _ in entries],
                groups=list(groups.items()),
                resolutions=meeting.resolution_counts(decided, [e.id for e, _ in entries]),
            )
        )
    return result


def risk_lines(rows: pd.DataFrame) -> list[tuple[str, str, list[str]]]:
    """The city's proposals whose risk light is 紅, then 黃, one line each where there are any
    (a cycle no lead has assessed prints as before)."""
    return [
        (f"燈號{vocab.risk_label(light)}", vocab.RISK_MEANINGS[light], rows.loc[rows["risk"] == light, "id"].tolist())
        for light in (vocab.RISK_RED, vocab.RISK_YELLOW)
        if (rows["risk"] == light).any()
    ]


def summary(session: Session, *, city: str, cycle: int | str | None = None) -> CitySummary:
    """The summary of `city` (code, name or English name) in `cycle` (default: the current one)."""
    c = bundles.resolve_city(session, city)
    cycle = bundles.resolve_cycle(session, cycle)
    rows = bundles.city_rows(bundles.cycle_frame(session, cycle=cycle), city=c.name)
    ids = rows["id"].tolist()
    waiting = risk_lines(rows) + [
        (label, explanation, found["id"].tolist()) for label, explanation, _, found in frames.waiting(rows)
    ]
    aid = statistics.latest_only(queries.mutual_aid_frame(session, cycle=cycle))
    training = statistics.latest_only(queries.social_worker_training_frame(session, cycle=cycle))
    social = flows.social_flows(training)
    return CitySummary(
        city=c,
        year=cycle,
        meeting=cycles.meeting_of(session, cycle),
        rows=rows,
        counts=count_table(rows, cycle=cycle),
        decisions=decision_lines(session, cycle=cycle, ids=ids),
        waiting=waiting,
        aid=frames.mutual_aid_totals(aid, city=c.name),
        aid_period=flows.aid_flows(aid).period if len(aid) else "",
        social=flows.city_totals(social, c) if len(training) else None,
        social_period=social.period,
    )


# --- the page ---------------------------------------------------------------------------------

SMALL_PT = 9.5
SMALL = Pt(SMALL_PT)
DECISION_WIDTHS_CM = [2.4, 1.2, 10.0, 3.4]
WAITING_WIDTHS_CM = [4.6, 1.2, 11.2]


def _ids_text(ids: list[str]) -> str:
    """The ids, a line of them at a time: a line ends between two ids, never inside one."""
    if not ids:
        return "—"
    shown = ids[:IDS_SHOWN]
    if len(ids) > IDS_SHOWN:
        shown[-1] += f" 等 {len(ids)} 案"
    return "\n".join(word.lines_within(shown, "、", WAITING_WIDTHS_CM[2], SMALL_PT))


def _resolution_text(counts: Counter) -> str:
    return "、".join(f"{label} {n}" for label, n in counts.items() if n) or "—"


def _decision_text(line: DecisionLine) -> str:
    if not line.ids:
        return "—"
    if line.groups and line.label == "新增提案":
        return "、".join(f"{group} {n}" for group, n in line.groups)
    pairs = [f"{i} {t}" for i, t in zip(line.ids, line.titles)]  # each on a line of its own: ids start lines
    text = "；\n".join(pairs[:TITLES_SHOWN])
    return text + (f"；\n等 {len(pairs)} 案" if len(pairs) > TITLES_SHOWN else "")


def _small_table(document, header, rows, widths):
    return word.grid(document, header, rows, widths, size_pt=SMALL_PT)


def _line(document, text: str) -> None:
    paragraph = document.add_paragraph(text)
    paragraph.paragraph_format.space_before = Pt(2)
    paragraph.runs[0].font.size = SMALL


def summary_docx(data: CitySummary, *, now: datetime | None = None) -> bytes:
    """The summary on one A4 portrait page."""
    document = word.new_document()
    for section in document.sections:
        section.top_margin = section.bottom_margin = Cm(1.6)
    title = document.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = title.add_run(f"{data.city.name}　{data.year}年度北臺區域合作摘要")
    run.bold, run.font.size = True, Pt(16)
    when = f"{data.meeting.name}（{roc_date(data.meeting.date)}）" if data.meeting else f"{data.year}年度副首長會議"
    sub = document.add_paragraph(
        f"供{when}參閱；北臺合作儀表板於 {roc_datetime(dates.now_taipei(now))} 依資料庫內容產生。"
    )
    sub.alignment = WD_ALIGN_PARAGRAPH.CENTER
    sub.runs[0].font.size = Pt(9)

    counts = data.counts
    total = counts.loc[TOTAL]
    word.heading(document, "一、提案概況")
    _line(
        document,
        f"本年度{data.city.name}主辦或參與合作之提案共 {total['案數']} 案：主辦 {total[LEAD]} 案、"
        f"參與合作 {total[JOINS]} 案（依各案之主辦單位與提案單勾選之合作縣市）。",
    )
    _small_table(
        document,
        ["類別", *COUNT_COLUMNS],
        [[label, *(str(v) for v in values)] for label, values in zip(counts.index, counts.values.tolist())],
        COUNT_WIDTHS_CM,
    )

    word.heading(document, "二、本次會議決議事項")
    if data.decisions:
        _small_table(
            document,
            ["項目", "案數", "提案", "決議情形"],
            [[d.label, str(len(d.ids)), _decision_text(d), _resolution_text(d.resolutions)] for d in data.decisions],
            DECISION_WIDTHS_CM,
        )
    else:
        _line(document, f"本年度會議沒有涉及{data.city.name}之待決議提案。")

    word.heading(document, "三、待處理事項")
    _small_table(
        document,
        ["項目", "案數", "提案編號"],
        [[label, str(len(ids)), _ids_text(ids)] for label, _, ids in data.waiting],
        WAITING_WIDTHS_CM,
    )

    word.heading(document, "四、跨區合作數據" + (f"（{data.aid_period}）" if data.aid_period else ""))
    aid = data.aid
    if data.aid_period:
        _small_table(
            document,
            ["救災救護支援", *frames.AID_KINDS.values(), TOTAL],
            [[label, *(f"{int(v):,}" for v in values)] for label, values in zip(aid.index, aid.values.tolist())],
            [4.6, 3.1, 3.1, 3.1, 3.1],
        )
    else:
        _line(document, "本年度沒有跨區救災救護支援統計。")
    if data.social is not None:
        _line(
            document,
            f"社工跨市受訓（{data.social_period}）：{data.city.name}社工參加他縣市課程 {data.social.out_count} 位；"
            f"他縣市社工參加{data.city.name}開設之課程 {data.social.in_count} 位。",
        )
    _line(document, f"提案清單與各案提案單見「{data.city.name}合作提案單彙編」（儀表板「文件下載」頁）。")
    return word.to_bytes(document, title=f"{data.city.name} {data.year}年度北臺區域合作摘要", now=now)


def file_name(city: str, cycle: int) -> str:
    """112年度_臺北市_副首長摘要.docx"""
    return f"{cycle}年度_{city}_副首長摘要.docx"
