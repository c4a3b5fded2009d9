"""提案單 (`?id=112-J02`): one proposal laid out like the paper card, printable on A4, with when it
was last updated and its history; those who may edit it (a lead of its group, the secretariat) get
the 「更新提案」 form below it (pages/shared/edit_form.py).

The proposal list's filter parameters travel along in the URL, so previous/next stay within
the list the user came from (in the proposal's own year). Any proposal of any year opens by its id;
the year chooser picks the proposals the 「選擇提案」 box offers. The card says which year it
belongs to, and links the proposal it continues and the one it continued as (Proposal.previous_id).
"""

import streamlit as st

from dashboard.domain import dates, frames, lookup
from pages.shared import (
    auth_form,
    cached,
    card_history,
    edit_form,
    list_filter,
    run_context,
    styling,
    url,
    year_choice,
)
from pages.shared.card_view import card_view, filtered_ids

CARD_CSS = """
<style>
.bt-card{width:100%;border-collapse:collapse;font-size:1.05rem;margin-bottom:.8rem}
.bt-card th,.bt-card td{border:1px solid rgba(128,128,128,.7);padding:.45rem .65rem;vertical-align:top;text-align:left}
.bt-card th{width:7.5em;white-space:nowrap;background:rgba(128,128,128,.12);font-weight:700}
.bt-card td.text{white-space:pre-wrap;line-height:1.65}
.bt-boxes{display:flex;flex-wrap:wrap;gap:.2rem 1.4rem}
.bt-grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(max(6.2em,calc(25% - 1rem)),1fr));gap:.15rem 1rem;margin-top:.35rem}
.bt-box{white-space:nowrap}
.bt-box .mark{font-size:1.15em;margin-right:.2em}
.bt-box.off{opacity:.65}
.bt-card-title{font-size:1.55rem;font-weight:700;margin:.2rem 0 .1rem}
.bt-card-meta{margin-bottom:.6rem}
.bt-card-head{font-size:.95rem;letter-spacing:.15em;opacity:.8}
.bt-decision{border:2px solid;border-radius:.5rem;padding:.5rem .8rem;margin:.3rem 0}
.bt-history{margin:.3rem 0 0 1.1rem;padding:0}
.bt-no-print{}
.bt-field-label{font-size:.875rem;margin-bottom:-.5rem}
.bt-print-id{display:none}
/* 上一案／下一案 in narrow columns (iPad with the sidebar open): wrap the label rather than cut the id. */
[data-testid="stPageLink-NavLink"] span,[data-testid="stPageLink-NavLink"] p{white-space:normal;text-overflow:clip}
@media print{
  @page{size:A4;margin:12mm}
  [data-testid="stSidebar"],[data-testid="stHeader"],header,[data-testid="stToolbar"],[data-testid="stDecoration"],
  [data-testid="stSidebarCollapsedControl"],[data-testid="stPageLink"],[data-testid="stButton"],
  [data-testid="stSelectbox"],[data-testid="stElementToolbar"],.bt-no-print,.st-key-card-edit{display:none !important}
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


def pick_card(frame) -> None:
    def changed():
        if st.session_state["card_pick"]:
            st.query_params["id"] = st.session_state["card_pick"]

    titles = dict(zip(frame["id"], frame["title"]))
    st.selectbox(
        "選擇提案",
        list(titles),
        index=None,
        format_func=lambda i: f"{i}　{titles[i]}",
        placeholder="輸入編號或名稱，例如 112-J02 或 賃居",
        key="card_pick",
        on_change=changed,
    )


def lineage_links(card) -> None:
    """延續自 111-13 / 延續為 113-01: links to the proposal this one continues and to its carried-over
    rows in later years (in this tab; not printed)."""
    links = ([("延續自", card.continues, ":material/history:")] if card.continues else []) + [
        ("延續為", later, ":material/redo:") for later in card.continued_as
    ]
    if not links:
        return
    row = st.container(horizontal=True, gap="medium")
    for label, target, icon in links:
        url.page_link(row, url.card_link(target), label=f"{label} {target}", icon=icon)


def render() -> None:
    run = run_context.get()
    stamp = run.stamp
    styling.style()
    cycle = year_choice.chosen_year(stamp)
    frame = cached.proposals(stamp, cycle)
    st.markdown(CARD_CSS, unsafe_allow_html=True)
    raw_id = st.query_params.get("id")
    params = list_filter.list_params_of_card()
    with st.sidebar:
        auth_form.sign_in_panel(run)

    if not raw_id:
        st.title("提案單")
        pick_card(frame)
        st.info("請選擇一個提案，或從提案列表點選一列開啟提案單。")
        url.page_link(st, url.list_link(), label="前往提案列表", icon=":material/table_rows:")
        return

    proposal_id = lookup.proposal_id(raw_id, sorted(cached.proposal_ids(stamp)))
    if proposal_id is None:
        st.title("提案單")
        url.unknown_in_url("提案編號", raw_id, "編號格式如 112-J02、112-C01、111-01；請從下方選擇提案。")
        pick_card(frame)
        url.page_link(st, url.list_link(), label="回到提案列表", icon=":material/arrow_back:")
        return
    # 上一案／下一案 link to this same page: the bar would keep the card it was opened on.
    url.show_in_url(url.card_link(proposal_id, list_filter=params).query)
    markup = card_view(stamp, proposal_id, dates.now_taipei().date())
    card = cached.card(stamp, proposal_id)
    own = card.cycle  # previous/next within the proposal's own year, whichever year is chosen

    ids = filtered_ids(stamp, tuple(sorted((k, tuple(v)) for k, v in params.items())), own)
    scope = "目前篩選" if params else "全部提案"
    if proposal_id not in ids:
        ids, scope = cached.proposals(stamp, own)["id"].tolist(), "全部提案"
    around = frames.neighbours(ids, current=proposal_id)
    nav = st.columns([1.6, 1.5, 1.5, 2.2], vertical_alignment="center")
    url.page_link(nav[0], url.list_link(params), label="回到提案列表", icon=":material/arrow_back:")
    if around.previous:
        url.page_link(
            nav[1],
            url.card_link(around.previous, list_filter=params),
            label=f"上一案 {around.previous}",
            icon=":material/chevron_left:",
        )
    if around.next:
        url.page_link(
            nav[2],
            url.card_link(around.next, list_filter=params),
            label=f"下一案 {around.next}",
            icon=":material/chevron_right:",
            icon_position="right",
        )
    nav[3].markdown(
        f'<div class="bt-no-print bt-muted" style="text-align:right">第 {around.position}／{around.total} 案（{scope}）<br>'
        "列印成A4提案單：Ctrl+P</div>",
        unsafe_allow_html=True,
    )
    versions, _ = card_history.history_view(stamp, proposal_id)
    st.caption(f"{year_choice.year_label(own)}副首長會議提案｜{card_history.last_updated(versions)}")
    lineage_links(card)
    st.markdown(markup, unsafe_allow_html=True)
    # Not printed: the form, the history table and the revert are for the screen.
    with st.container(key="card-edit"):
        edit_form.render(stamp, card, run.editor, versions)  # kept when signed out elsewhere
        card_history.show(stamp, proposal_id)
        edit_form.revert_section(card, run.actor, versions)


if __name__ == "__main__":  # Streamlit runs a page as __main__; tests may import its parts
    render()
