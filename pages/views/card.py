"""提案單 (`?id=112-J02`): one proposal laid out like the paper card, printable on A4.

The proposal list's filter parameters travel along in the URL, so previous/next stay within
the list the user came from.
"""
import streamlit as st

from dashboard import frames, lookup, queries, vocab
from dashboard.dates import roc_date, roc_period
from dashboard.decisions import recorded_label
from pages import common
from pages.common import esc

CARD_CSS = """
<style>
.bt-card{width:100%;border-collapse:collapse;font-size:1.05rem;margin-bottom:.8rem}
.bt-card th,.bt-card td{border:1px solid rgba(128,128,128,.7);padding:.45rem .65rem;vertical-align:top;text-align:left}
.bt-card th{width:7.5em;white-space:nowrap;background:rgba(128,128,128,.12);font-weight:700}
.bt-card td.text{white-space:pre-wrap;line-height:1.65}
.bt-boxes{display:flex;flex-wrap:wrap;gap:.2rem 1.4rem}
.bt-grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(6.2em,1fr));gap:.15rem 1rem;margin-top:.35rem}
.bt-box{white-space:nowrap}
.bt-box .mark{font-size:1.15em;margin-right:.2em}
.bt-box.off{opacity:.65}
.bt-card-title{font-size:1.55rem;font-weight:700;margin:.2rem 0 .1rem}
.bt-card-meta{margin-bottom:.6rem}
.bt-card-head{font-size:.95rem;letter-spacing:.15em;opacity:.8}
.bt-decision{border:2px solid;border-radius:.5rem;padding:.5rem .8rem;margin:.3rem 0}
.bt-history{margin:.3rem 0 0 1.1rem;padding:0}
.bt-no-print{}
.bt-print-id{display:none}
/* 上一案／下一案 in narrow columns (iPad with the sidebar open): wrap the label rather than cut the id. */
[data-testid="stPageLink-NavLink"] span,[data-testid="stPageLink-NavLink"] p{white-space:normal;text-overflow:clip}
@media print{
  @page{size:A4;margin:12mm}
  [data-testid="stSidebar"],[data-testid="stHeader"],header,[data-testid="stToolbar"],[data-testid="stDecoration"],
  [data-testid="stSidebarCollapsedControl"],[data-testid="stPageLink"],[data-testid="stButton"],
  [data-testid="stSelectbox"],[data-testid="stElementToolbar"],.bt-no-print{display:none !important}
  html,body,.stApp,[data-testid="stApp"],[data-testid="stAppViewContainer"],[data-testid="stMain"],
  [data-testid="stMainBlockContainer"]{background:#fff !important;color:#000 !important;overflow:visible !important;
    height:auto !important;min-height:0 !important;position:static !important}
  [data-testid="stMainBlockContainer"]{padding:0 !important;max-width:none !important}
  .stApp *{color:#000 !important}
  .bt-card th,.bt-card td{border-color:#000 !important}
  .bt-card th{background:#eee !important}
  .bt-card tr,.bt-decision{break-inside:avoid}
  thead{display:table-header-group}
  .bt-card-title{break-after:avoid}
  .bt-print-id{display:table-row}
  .bt-print-id th{width:auto !important;white-space:normal !important;background:#fff !important;font-weight:700;
    border:none !important;border-bottom:1px solid #000 !important;padding:.2rem 0 !important;text-align:left}
  .bt-box.off{opacity:1}
  .bt-scroll-x{overflow:visible !important}
  *{-webkit-print-color-adjust:exact;print-color-adjust:exact}
}
</style>
"""


def box(label: str, checked: bool) -> str:
    return (f'<span class="bt-box{"" if checked else " off"}"><span class="mark">{"☑" if checked else "☐"}</span>'
            f'{esc(label)}</span>')


def row(label: str, content: str, *, text: bool = False) -> str:
    return f'<tr><th>{esc(label)}</th><td{" class=text" if text else ""}>{content}</td></tr>'


def text_row(label: str, value: str | None) -> str:
    return row(label, esc(value) if value else '<span class="bt-muted">（未填）</span>', text=True)


def print_id_row(p, columns: int) -> str:
    """A table's first header row, shown only in print: the browser repeats a table's <thead> on
    every printed page, so each sheet of a long card names its proposal above the repeated header."""
    return f'<tr class="bt-print-id"><th colspan="{columns}">{esc(p.id)}　{esc(p.title)}</th></tr>'


def card_markup(card: queries.Card) -> str:
    """The paper card as one HTML block: the proposal, its status and the meeting's decision."""
    p = card.proposal
    leads = "、".join(f"{esc(unit)}（{esc(city)}）" for unit, city in card.leads)
    has_card = p.cities_scope is not None
    track = vocab.track_label(p.track, year=p.year)
    group = f"{card.group.name}／{card.subgroup.name}" if card.subgroup else card.group.name
    parts = ['<div class="bt-card-head">北臺區域發展推動委員會　合作提案單</div>',
             f'<div class="bt-card-title">{esc(p.id)}　{esc(p.title)}</div>',
             f'<div class="bt-card-meta">{esc(p.year)}年度｜{esc(track)}｜{esc(group)}　'
             f'{common.tracking_chip(p.tracking_status)} {common.progress_chip(p.progress_status)} '
             f'{common.resolution_chip(card.decision.resolution if card.decision else None)}</div>']
    if not has_card:
        parts.append(f'<div class="bt-decision" style="border-color:#999999">此案為{esc(track)}，會議資料未附提案單；'
                     '以下為列管表所列內容（提案單位、辦理情形與解除或持續列管的理由）。</div>')
    rows = [row("提案單位", leads + (f'<div class="bt-muted">提案單填表單位：{esc(p.card_unit)}</div>'
                                      if p.card_unit and p.card_unit not in [u for u, _ in card.leads] else ""))]
    title = esc(p.title)
    if p.card_title and p.card_title != p.title:
        title += f'<div class="bt-muted">提案單上的名稱：{esc(p.card_title)}</div>'
    rows.append(row("提案名稱", title))
    if has_card:
        rows.append(row("提案類型", '<div class="bt-boxes">' + "".join(box(t, t in card.types) for t in vocab.PROPOSAL_TYPES)
                        + "</div>"))
        joined = set(card.cities)
        scope = "".join(box(label, p.cities_scope == key) for key, label in vocab.CITY_SCOPES.items())
        grid = "".join(box(c.name, c.name in joined) for c in card.card_cities)
        rows.append(row("合作縣市", f'<div class="bt-boxes">{scope}</div><div class="bt-grid">{grid}</div>'))
        rows += [text_row("說明", p.description), text_row("具體作法", p.approach), text_row("合作效益", p.benefits),
                 text_row("聯絡人", p.contact)]
    if p.central_ministry or p.track == vocab.CENTRAL:
        rows.append(text_row("中央部會", p.central_ministry))
    parts.append(f'<table class="bt-card"><thead>{print_id_row(p, 2)}</thead>{"".join(rows)}</table>')

    status = [text_row("說明／進度", p.progress)] if (p.progress or has_card) else []
    reason_label = vocab.reason_label(p.tracking_status)
    tracking = common.tracking_chip(p.tracking_status)
    if p.tracking_reason:
        tracking += f'<div style="white-space:pre-wrap;margin-top:.3rem"><b>{reason_label}</b>：{esc(p.tracking_reason)}</div>'
    tracking += f'<div class="bt-muted" style="margin-top:.3rem">依據：{esc(p.tracking_basis)}</div>'
    progress = (common.progress_chip(p.progress_status)
                + f'<div class="bt-muted" style="margin-top:.3rem">依據：{esc(p.progress_basis)}</div>')
    status += [row("列管狀態", tracking), row("進度狀態", progress), row("會議決議", decision_markup(card))]
    parts.append('<div class="bt-card-title" style="font-size:1.2rem">辦理情形</div>'
                 f'<table class="bt-card"><thead>{print_id_row(p, 2)}</thead>{"".join(status)}</table>')
    parts += figures_markup(card)
    return "".join(parts)


def decision_markup(card: queries.Card) -> str:
    decision = card.decision
    if decision is None:
        return common.resolution_chip(None) + '<span class="bt-muted">　副首長會議尚未記錄決議。</span>'
    colour = vocab.RESOLUTION_COLORS.get(decision.resolution, vocab.NEUTRAL_COLOR)
    text = (f'<div class="bt-decision" style="border-color:{colour}">{common.resolution_chip(decision.resolution)}'
            f'　{esc(recorded_label(decision))} 由{esc(decision.recorded_by)}記錄'
            + (f'<div style="white-space:pre-wrap;margin-top:.3rem">{esc(decision.note)}</div>' if decision.note else "")
            + "</div>")
    if len(card.decisions) > 1:
        older = "".join(f'<li>{esc(recorded_label(d))}：{esc(d.resolution)}'
                        f'{"（" + esc(d.note) + "）" if d.note else ""}，{esc(d.recorded_by)}記錄（已被取代）</li>'
                        for d in reversed(card.decisions[:-1]))
        text += f'<div class="bt-muted">先前記錄：</div><ul class="bt-history">{older}</ul>'
    return text


def figures_markup(card: queries.Card) -> list[str]:
    """The proposal's figures (indicators, the mutual-aid table) as plain tables that print well."""
    parts = []
    p = card.proposal
    names = {c.code: c.name for c in card.card_cities}
    if card.indicators:
        # Pair figures (e.g. social workers by home and host city) need both cities to be read right.
        paired = any(i.counterpart_code for i in card.indicators)
        body = "".join(
            f'<tr><td>{esc(i.label)}</td><td class="city">{esc(names.get(i.city_code, ""))}</td>'
            + (f'<td class="city">{esc(names.get(i.counterpart_code, ""))}</td>' if paired else "")
            + f'<td class="num">{i.value:,} {esc(i.unit)}</td>'
            f'<td>{esc(roc_period(i.period_start, i.period_end) or roc_date(i.as_of))}</td><td>{esc(i.note or "")}</td></tr>'
            for i in card.indicators)
        parts.append('<div class="bt-card-title" style="font-size:1.2rem">相關數據</div>'
                     '<div class="bt-scroll-x"><table class="bt-table">'
                     f'<thead>{print_id_row(p, 6 if paired else 5)}<tr><th>項目</th><th>縣市</th>'
                     + ('<th>對方縣市</th>' if paired else "")
                     + '<th class="num">數值</th><th>期間／日期</th><th>備註</th></tr></thead>'
                     f'{body}</table></div>')
    if card.mutual_aid:
        body = "".join(
            f'<tr><td>{esc(names[m.from_city])}</td><td>{esc(names[m.to_city])}</td><td class="num">{m.fire}</td>'
            f'<td class="num">{m.ambulance}</td><td class="num">{m.relay}</td></tr>' for m in card.mutual_aid)
        first = card.mutual_aid[0]
        parts.append(f'<div class="bt-card-title" style="font-size:1.2rem">跨區救災救護支援及轉報統計'
                     f'（{esc(roc_period(first.period_start, first.period_end))}）</div>'
                     '<div class="bt-scroll-x"><table class="bt-table">'
                     f'<thead>{print_id_row(p, 5)}<tr><th>請求縣市</th><th>支援縣市</th><th class="num">火災支援</th>'
                     f'<th class="num">救護支援</th><th class="num">119轉報</th></tr></thead>{body}</table></div>')
    return parts


@st.cache_resource(show_spinner=False, max_entries=256)
def card_view(version_key: tuple, proposal_id: str) -> str | None:
    card = common.card(version_key, proposal_id)
    return None if card is None else card_markup(card)


@st.cache_resource(show_spinner=False, max_entries=64)
def filtered_ids(version_key: tuple, params_key: tuple) -> list[str]:
    frame = common.proposals(version_key)
    choices = common.filter_choices(frame, common.groups(version_key))
    spec, decisions = common.filter_from_params(dict(params_key), choices, [c.name for c in common.cities(version_key)])
    return common.apply_filter(frame, spec, decisions)["id"].tolist()


def pick_card(frame) -> None:
    def changed():
        if st.session_state["card_pick"]:
            st.query_params["id"] = st.session_state["card_pick"]

    titles = dict(zip(frame["id"], frame["title"]))
    st.selectbox("選擇提案", list(titles), index=None, format_func=lambda i: f"{i}　{titles[i]}",
                 placeholder="輸入編號或名稱，例如 112-J02 或 賃居", key="card_pick", on_change=changed)


def render() -> None:
    version = common.version()
    frame = common.proposals(version)
    common.style()
    st.markdown(CARD_CSS, unsafe_allow_html=True)
    raw_id = st.query_params.get("id")
    params = common.list_params_of_card()

    if not raw_id:
        st.title("提案單")
        pick_card(frame)
        st.info("請選擇一個提案，或從提案列表點選一列開啟提案單。")
        st.page_link(common.page_path("proposals"), label="前往提案列表", icon=":material/table_rows:")
        return

    proposal_id = lookup.proposal_id(raw_id, frame["id"])
    if proposal_id is None:
        st.title("提案單")
        common.unknown_in_url("提案編號", raw_id, "編號格式如 112-J02、112-C01、111-01；請從下方選擇提案。")
        pick_card(frame)
        st.page_link(common.page_path("proposals"), label="回到提案列表", icon=":material/arrow_back:")
        return
    # 上一案／下一案 link to this same page: the bar would keep the card it was opened on.
    common.show_in_url(common.card_params(proposal_id, params))
    markup = card_view(version, proposal_id)

    ids = filtered_ids(version, tuple(sorted((k, tuple(v)) for k, v in params.items())))
    scope = "目前篩選" if params else "全部提案"
    if proposal_id not in ids:
        ids, scope = frame["id"].tolist(), "全部提案"
    around = frames.neighbours(ids, current=proposal_id)
    nav = st.columns([1.6, 1.5, 1.5, 2.2], vertical_alignment="center")
    nav[0].page_link(common.page_path("proposals"), label="回到提案列表", icon=":material/arrow_back:", query_params=params)
    if around.previous:
        nav[1].page_link(common.page_path("card"), label=f"上一案 {around.previous}", icon=":material/chevron_left:",
                         query_params=common.card_params(around.previous, params))
    if around.next:
        nav[2].page_link(common.page_path("card"), label=f"下一案 {around.next}", icon=":material/chevron_right:",
                         icon_position="right", query_params=common.card_params(around.next, params))
    nav[3].markdown(f'<div class="bt-no-print bt-muted" style="text-align:right">第 {around.position}／{around.total} 案（{scope}）<br>'
                    '列印成A4提案單：Ctrl+P</div>', unsafe_allow_html=True)
    st.markdown(markup, unsafe_allow_html=True)
