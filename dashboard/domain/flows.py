"""Cross-border flows between the eight cities, in one shape for the map, the matrix and the table.

Two flows come from the meeting packet: mutual-aid cases (from_city asked to_city for help; fire,
ambulance and relayed 119 calls) and social workers attending another city's training course
(home city → host city). Which proposal reports them is the store's (queries: the frames'
proposal_id), so each year's figures name their own. Both become a `Flows`: one row per directed pair, with its count under the
chosen metric and the sentence a reader would say for it.
"""

from dataclasses import dataclass
from datetime import date

import pandas as pd
import plotly.graph_objects as go

from dashboard.domain import lookup
from dashboard.domain.dates import roc_period, roc_year


@dataclass(frozen=True)
class FlowKind:
    key: str
    label: str  # on the switch
    title: str
    source_role: str  # where an arc starts
    target_role: str  # where it ends
    unit: str
    out_phrase: str  # a city's total as a source, with {city}
    in_phrase: str  # a city's total as a target, with {city}

    def out_label(self, city: str) -> str:
        return self.out_phrase.format(city=city)

    def in_label(self, city: str) -> str:
        return self.in_phrase.format(city=city)


AID = FlowKind(
    key="aid",
    label="救災救護支援",
    title="各縣市跨區救災、救護案件及轉報",
    source_role="請求支援縣市",
    target_role="提供支援縣市",
    unit="件",
    out_phrase="{city} 請他市支援",
    in_phrase="他市請 {city} 支援",
)
SOCIAL = FlowKind(
    key="social",
    label="社工跨市受訓",
    title="參與他縣市課程之社工師（員）",
    source_role="社工所屬縣市",
    target_role="開課縣市",
    unit="位",
    out_phrase="{city} 社工參加他市課程",
    in_phrase="他市社工參加 {city} 開設之課程",
)
KINDS = {kind.key: kind for kind in (AID, SOCIAL)}

# Mutual-aid metrics: URL value -> (label, column of queries.mutual_aid_frame).
ALL_METRICS = "all"  # every kind of help together
METRICS = {
    ALL_METRICS: ("全部", "total"),
    "fire": ("火警", "fire"),
    "ambulance": ("救護", "ambulance"),
    "relay": ("轉報", "relay"),
}
AID_PARTS = ["fire", "ambulance", "relay"]

COLUMNS = [
    "from_code",
    "to_code",
    "from_city",
    "to_city",
    "count",
    "fire",
    "ambulance",
    "relay",
    "total",
    "sentence",
    "detail",
]


@dataclass(frozen=True)
class Flows:
    kind: FlowKind
    metric: str | None  # a METRICS key for mutual aid, None for social workers
    frame: pd.DataFrame  # COLUMNS, one row per reported pair (zero counts included)
    period_start: date | None
    period_end: date | None

    @property
    def metric_label(self) -> str:
        return METRICS[self.metric][0] if self.metric else "人數"

    @property
    def measure(self) -> str:
        """What a count is, in headings: 合計 / 火警 / 救護 / 轉報 / 人數."""
        return "合計" if self.metric == ALL_METRICS else self.metric_label

    def amount(self, count: int) -> str:
        """A count worded for this flow: 「轉報 1,208 件」, 「合計 1,245 件」, 「18 位」."""
        if self.kind == SOCIAL:
            return f"{count:,} {self.kind.unit}"
        return f"{self.measure} {count:,} {self.kind.unit}"

    @property
    def period(self) -> str:
        return period_text(self.kind, self.period_start, self.period_end)

    @property
    def drawn(self) -> pd.DataFrame:
        """The pairs with something to draw: zero counts stay in the table only."""
        return self.frame[self.frame["count"] > 0]

    def with_frame(self, frame: pd.DataFrame) -> "Flows":
        return Flows(self.kind, self.metric, frame, self.period_start, self.period_end)


def period_text(kind: FlowKind, start: date | None, end: date | None) -> str:
    """As the packet states it: days for mutual aid, months for the training count."""
    if kind == SOCIAL and start and end:
        if start.year == end.year:
            return f"{roc_year(start.year)}年{start.month}月至{end.month}月"
        return f"{roc_year(start.year)}年{start.month}月至{roc_year(end.year)}年{end.month}月"
    return roc_period(start, end)


def _period(frame: pd.DataFrame) -> tuple[date | None, date | None]:
    if frame.empty:
        return None, None
    return frame["period_start"].min(), frame["period_end"].max()


def aid_breakdown(fire: int, ambulance: int, relay: int) -> str:
    return f"火警 {fire:,} 件、救護 {ambulance:,} 件、轉報 {relay:,} 件"


def short_breakdown(fire, ambulance, relay) -> str:
    """火警 3・救護 3・轉報 660, for narrow places; '' for flows without the three parts."""
    if pd.isna(fire):
        return ""
    return f"火警 {int(fire):,}・救護 {int(ambulance):,}・轉報 {int(relay):,}"


def aid_sentence(from_city: str, to_city: str, metric: str, count: int) -> str:
    """「臺北市 請 新北市 支援：轉報 1,208 件」: the packet's tables are 「X協請其他縣市支援之數量」."""
    label = "合計" if metric == ALL_METRICS else METRICS[metric][0]
    return f"{from_city} 請 {to_city} 支援：{label} {count:,} 件"


def social_sentence(from_city: str, to_city: str, count: int) -> str:
    return f"{from_city} 社工 參加 {to_city} 開設之課程：{count:,} 位"


def aid_flows(mutual_aid: pd.DataFrame, *, metric: str = ALL_METRICS) -> Flows:
    """Flows from queries.mutual_aid_frame under one metric (a METRICS key)."""
    if metric not in METRICS:
        raise ValueError(f"unknown metric {metric!r}")
    column = METRICS[metric][1]
    frame = mutual_aid[["from_code", "to_code", "from_city", "to_city", *AID_PARTS, "total"]].copy()
    frame["count"] = frame[column].astype(int)
    frame["sentence"] = [aid_sentence(r.from_city, r.to_city, metric, r.count) for r in frame.itertuples()]
    frame["detail"] = [aid_breakdown(r.fire, r.ambulance, r.relay) for r in frame.itertuples()]
    return Flows(AID, metric, frame[COLUMNS].reset_index(drop=True), *_period(mutual_aid))


def social_flows(training: pd.DataFrame) -> Flows:
    """Flows from queries.social_worker_training_frame."""
    frame = training[["from_code", "to_code", "from_city", "to_city", "count"]].copy()
    frame["count"] = frame["count"].astype(int)
    for column in [*AID_PARTS, "total"]:
        frame[column] = pd.NA
    frame["sentence"] = [social_sentence(r.from_city, r.to_city, r.count) for r in frame.itertuples()]
    frame["detail"] = ""
    return Flows(SOCIAL, None, frame[COLUMNS].reset_index(drop=True), *_period(training))


def for_city(flows: Flows, code: str) -> Flows:
    """Only the flows into and out of one city."""
    frame = flows.frame
    return flows.with_frame(frame[(frame["from_code"] == code) | (frame["to_code"] == code)])


def resolve_city(value: str | None, cities) -> str | None:
    """A city code from a URL value that may be a code, an official name or an English name."""
    return lookup.city_code(value, cities)


@dataclass(frozen=True)
class CityTotals:
    code: str
    name: str
    out_count: int
    in_count: int
    out_flows: pd.DataFrame  # this city as a source, largest first
    in_flows: pd.DataFrame  # this city as a target, largest first

    @property
    def total(self) -> int:
        return self.out_count + self.in_count


def city_totals(flows: Flows, city) -> CityTotals:
    frame = flows.frame
    out_flows = frame[frame["from_code"] == city.code].sort_values("count", ascending=False, kind="stable")
    in_flows = frame[frame["to_code"] == city.code].sort_values("count", ascending=False, kind="stable")
    return CityTotals(
        city.code, city.name, int(out_flows["count"].sum()), int(in_flows["count"].sum()), out_flows, in_flows
    )


def part_totals(frame: pd.DataFrame) -> str:
    """Fire/ambulance/relay sums of mutual-aid rows, as words."""
    return aid_breakdown(*(int(frame[part].sum()) for part in AID_PARTS))


def all_totals(flows: Flows, cities) -> dict[str, CityTotals]:
    return {city.code: city_totals(flows, city) for city in cities}


def od_matrix(flows: Flows, cities) -> pd.DataFrame:
    """Rows: source cities, columns: target cities, in city order; <NA> where the packet lists no pair."""
    names = [city.name for city in cities]
    matrix = pd.DataFrame(
        pd.NA,
        index=pd.Index(names, name=flows.kind.source_role),
        columns=pd.Index(names, name=flows.kind.target_role),
        dtype="Int64",
    )
    for row in flows.frame.itertuples():
        matrix.loc[row.from_city, row.to_city] = row.count
    return matrix


def ranked_table(flows: Flows) -> pd.DataFrame:
    """The flows for reading: largest first, with Chinese headers; 合計 next to the two cities, so
    that a narrow screen that cuts the table's right side still shows it."""
    frame = flows.frame.sort_values("count", ascending=False, kind="stable")
    table = pd.DataFrame({flows.kind.source_role: frame["from_city"], flows.kind.target_role: frame["to_city"]})
    if flows.kind == AID:
        table["合計"] = frame["total"].astype(int)
        for part in AID_PARTS:
            table[METRICS[part][0]] = frame[part].astype(int)
    else:
        table[f"人數（{flows.kind.unit}）"] = frame["count"]
    return table.reset_index(drop=True)


def od_heatmap(flows: Flows, cities, *, selected: str | None = None) -> go.Figure:
    """The origin-destination matrix with every number written in its cell.

    Plain lists and no plotly template (`template=None`; Streamlit's theme styles the chart): the
    figure is serialised on every script run, and numpy arrays and the default template each cost
    more there than the rest of the figure.
    """
    matrix = od_matrix(flows, cities)
    counts = [[None if pd.isna(v) else int(v) for v in row] for row in matrix.itertuples(index=False)]
    # Square-root colour so that 1 and 1,208 both show; the written number is what counts.
    z = [[None if v is None else v**0.5 for v in row] for row in counts]
    text = [["" if v is None else f"{v:,}" for v in row] for row in counts]
    unit = flows.kind.unit
    if flows.kind == AID:
        hover = f"%{{y}} 請 %{{x}} 支援：{flows.measure} %{{customdata}} {unit}<extra></extra>"
    else:
        hover = f"%{{y}} 社工 參加 %{{x}} 開設之課程：%{{customdata}} {unit}<extra></extra>"
    figure = go.Figure(
        go.Heatmap(
            z=z,
            x=list(matrix.columns),
            y=list(matrix.index),
            text=text,
            texttemplate="%{text}",
            textfont={"size": 16},
            customdata=text,
            hovertemplate=hover,
            colorscale="Blues",
            showscale=False,
            xgap=2,
            ygap=2,
            zmin=0,
        )
    )
    # No colours for text or background: Streamlit's light or dark theme supplies them. automargin
    # keeps the city names whole; plotly turns them on a narrow (phone) chart.
    axis_font = {"size": 14}
    figure.update_layout(
        template=None,
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
        height=430,
        font={"family": "Noto Sans CJK TC, Noto Sans TC, sans-serif", "size": 14},
        xaxis={
            "title": {"text": f"{flows.kind.target_role} →"},
            "side": "top",
            "tickfont": axis_font,
            "showgrid": False,
            "automargin": True,
        },
        yaxis={
            "title": {"text": f"↓ {flows.kind.source_role}"},
            "autorange": "reversed",
            "tickfont": axis_font,
            "showgrid": False,
            "automargin": True,
        },
    )
    names = list(matrix.index)
    if selected in names:
        i = names.index(selected)
        # mid grey: stands out on the white and on the dark theme (contrast over 3:1 on both)
        box = {"type": "rect", "line": {"color": "#808080", "width": 3}, "fillcolor": "rgba(0,0,0,0)"}
        figure.add_shape(**box, x0=-0.5, x1=len(names) - 0.5, y0=i - 0.5, y1=i + 0.5)
        figure.add_shape(**box, x0=i - 0.5, x1=i + 0.5, y0=-0.5, y1=len(names) - 0.5)
    return figure


# --- two periods compared --------------------------------------------------------------------------

# A city's two totals in a comparison's headers, short: as a source / as a target.
SIDE_LABELS = {AID.key: ("請他市支援", "支援他市"), SOCIAL.key: ("社工參加他市課程", "他市社工參加其課程")}
NOW, BEFORE, CHANGE = "本期", "比較期", "增減"


def signed(change: int) -> str:
    """+12 / −3 / 0, as a change is read."""
    return f"+{change:,}" if change > 0 else (f"−{-change:,}" if change < 0 else "0")


def compare_pairs(now: Flows, before: Flows) -> pd.DataFrame:
    """Each pair reported in either period: its count in both as text (blank: not listed) and the
    change (a pair not listed counts 0), largest change first."""
    keys = ["from_city", "to_city"]
    joined = pd.merge(
        now.frame[keys + ["count"]].rename(columns={"count": NOW}),
        before.frame[keys + ["count"]].rename(columns={"count": BEFORE}),
        on=keys,
        how="outer",
        sort=False,
    )
    joined[NOW] = joined[NOW].astype("Int64")
    joined[BEFORE] = joined[BEFORE].astype("Int64")
    joined[CHANGE] = (joined[NOW].fillna(0) - joined[BEFORE].fillna(0)).astype(int)
    joined = joined.iloc[joined[CHANGE].abs().sort_values(ascending=False, kind="stable").index]
    return pd.DataFrame(
        {
            now.kind.source_role: joined["from_city"],
            now.kind.target_role: joined["to_city"],
            NOW: [_count_text(v) for v in joined[NOW]],
            BEFORE: [_count_text(v) for v in joined[BEFORE]],
            CHANGE: [signed(v) for v in joined[CHANGE]],
        }
    ).reset_index(drop=True)


def _count_text(value) -> str:
    return "" if pd.isna(value) else f"{int(value):,}"


def compare_cities(now: Flows, before: Flows, cities) -> pd.DataFrame:
    """Per city, in city order: its total as a source and as a target in both periods, and the changes."""
    out_label, in_label = SIDE_LABELS[now.kind.key]
    rows = []
    for city in cities:
        a, b = city_totals(now, city), city_totals(before, city)
        rows.append(
            {
                "縣市": city.name,
                f"{out_label}：{NOW}": f"{a.out_count:,}",
                f"{out_label}：{BEFORE}": f"{b.out_count:,}",
                f"{out_label}：{CHANGE}": signed(a.out_count - b.out_count),
                f"{in_label}：{NOW}": f"{a.in_count:,}",
                f"{in_label}：{BEFORE}": f"{b.in_count:,}",
                f"{in_label}：{CHANGE}": signed(a.in_count - b.in_count),
            }
        )
    return pd.DataFrame(rows)
