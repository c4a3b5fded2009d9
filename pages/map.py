"""跨區支援地圖: the eight cities and their cross-border flows, with the exact numbers beside them.

The URL carries every choice: ?flow=aid|social, ?metric=all|fire|ambulance|relay, ?city=<code or name>,
?period=<start~end> (default the latest of the year's periods), ?compare=<start~end> (a second period:
the change per pair and per city in and out), and the year (pages/shared/year_choice.py): the flows
reported under that year's proposals (dashboard/domain/statistics.py: data/'s and those entered since).
Everything drawn is built once per (store stamp, choice) and cached; a run only looks it up.
"""

import functools

import streamlit as st

from dashboard.charts import geo, maps
from dashboard.domain import flows as fl
from pages.shared import cached, run_context, styling, url, year_choice
from pages.shared.map_view import heading, map_view

FLOW, METRIC, CITY, PERIOD, COMPARE = "flow", "metric", "city", "period", "compare"
ALL_CITIES = ""
NO_COMPARE = ""
CITY_WIDTH, COUNT_WIDTH = 100, 80  # px of the table's city and count columns


def widget_key(param: str) -> str:
    return f"map_{param}"


def on_map_select(key: str) -> None:
    """A click on a marker or a county chooses that city; the chart is then redrawn afresh
    (new key) so Streamlit's own selection highlight does not grey out the arcs."""
    state = st.session_state.get(key) or {}
    code = maps.city_from_selection(state.get("selection"))
    st.session_state["map_nonce"] = st.session_state.get("map_nonce", 0) + 1
    if code:
        st.query_params[CITY] = code


def on_flow_change() -> None:
    """The other kind of flows has periods of its own: the period chosen for this one does not carry."""
    url.widget_to_url(widget_key(FLOW), FLOW, fl.AID.key)
    for param in (PERIOD, COMPARE):
        st.query_params.pop(param, None)


def period_choices(view) -> None:
    """The period shown (default the latest) and one to compare it with."""
    latest = view.latest
    st.selectbox(
        "統計區間",
        list(view.periods),
        format_func=lambda t: view.periods[t] + ("（最新）" if t == latest else ""),
        key=widget_key(PERIOD),
        on_change=url.widget_to_url,
        args=(widget_key(PERIOD), PERIOD, latest),
    )
    others = [t for t in view.periods if t != view.period]
    if st.session_state.get(widget_key(COMPARE)) not in [NO_COMPARE, *others]:
        st.session_state[widget_key(COMPARE)] = NO_COMPARE
    st.selectbox(
        "與另一統計區間比較",
        [NO_COMPARE, *others],
        format_func=lambda t: view.periods.get(t, "不比較"),
        key=widget_key(COMPARE),
        on_change=url.widget_to_url,
        args=(widget_key(COMPARE), COMPARE, NO_COMPARE),
    )


def comparison(view, names: dict, selected: str | None) -> None:
    """The change from the compared period to the period shown: per pair, and per city in and out."""
    flows, unit = view.flows, view.flows.kind.unit
    now, before = view.periods[view.period], view.periods[view.compare]
    note = f"本期＝{now}，比較期＝{before}；增減＝本期減比較期（{unit}）；空白＝該期未列此組合"
    title = f"{names[selected]} 的往來" if selected else "各組合"
    heading(f"{title}的增減（{flows.measure}）", note)
    st.dataframe(view.pairs, hide_index=True, key="flow_pairs_change", width="content")
    heading(f"各縣市的增減（{flows.measure}）", note)
    st.dataframe(view.city_changes, hide_index=True, key="flow_cities_change", width="content")


def render() -> None:
    stamp = run_context.get().stamp
    styling.style()  # shared styles, among them the wrapping of the segmented controls
    cycle = year_choice.chosen_year(stamp)
    cities = cached.cities(stamp)
    names = {city.code: city.name for city in cities}

    raw = {param: st.query_params.get(param, "") for param in (FLOW, METRIC, CITY, PERIOD, COMPARE)}
    flow_key = raw[FLOW].strip().lower() or fl.AID.key
    metric = raw[METRIC].strip().lower() or fl.ALL_METRICS
    selected = fl.resolve_city(raw[CITY], cities)
    problems = [
        (what, raw[param], hint)
        for what, param, ok, hint in (
            (
                "資料類別",
                FLOW,
                flow_key in fl.KINDS,
                "可用：" + "、".join(f"{k}（{v.label}）" for k, v in fl.KINDS.items()),
            ),
            (
                "件數類別",
                METRIC,
                metric in fl.METRICS,
                "可用：" + "、".join(f"{k}（{v[0]}）" for k, v in fl.METRICS.items()),
            ),
            ("縣市", CITY, not raw[CITY] or selected, "可用：" + "、".join(f"{c.name}（{c.code}）" for c in cities)),
        )
        if not ok
    ]
    flow_key = flow_key if flow_key in fl.KINDS else fl.AID.key
    metric = metric if metric in fl.METRICS else fl.ALL_METRICS
    period, compare = raw[PERIOD].strip(), raw[COMPARE].strip()
    view = map_view(
        stamp, flow_key, metric if flow_key == fl.AID.key else fl.ALL_METRICS, selected, cycle, period, compare
    )
    if view is not None:
        hint = "目前顯示最新的統計區間；可用：" + "、".join(f"{t}（{label}）" for t, label in view.periods.items())
        problems += [
            (what, value, hint)
            for what, value, shown in (("統計區間", period, view.period), ("比較的統計區間", compare, view.compare))
            if value and value != shown and not (what == "比較的統計區間" and value == view.period)
        ]
    if not problems:  # one spelling in shared links (taipei, not 臺北市 or TAIPEI); a wrong value stays visible
        url.show_in_url(
            {
                FLOW: None if flow_key == fl.AID.key else flow_key,
                METRIC: None if metric == fl.ALL_METRICS else metric,
                CITY: selected,
                PERIOD: None if view is None or view.period == view.latest else view.period,
                COMPARE: view.compare if view else None,
            }
        )
    url.seed_widget(widget_key(FLOW), flow_key)
    url.seed_widget(widget_key(METRIC), metric)
    url.seed_widget(widget_key(CITY), selected or ALL_CITIES)
    if view is not None:
        url.seed_widget(widget_key(PERIOD), view.period)
        url.seed_widget(widget_key(COMPARE), view.compare or NO_COMPARE)

    st.title("跨區支援地圖")
    if view is None:
        for what, value, hint in problems:
            url.unknown_in_url(what, value, hint if hint.startswith("目前") else f"目前顯示預設（全部）。{hint}。")
        st.info(
            f"{year_choice.year_label(cycle)}的提案尚未提報{fl.KINDS[flow_key].title}資料。請從側欄選擇其他年度。",
            icon=":material/info:",
        )
        return
    flows, kind, unit = view.flows, view.flows.kind, view.flows.kind.unit

    st.caption(f"{kind.title}｜{year_choice.year_label(cycle)}｜統計區間：{flows.period}｜資料來源：{view.source}")
    if view.compare:
        st.caption(f"與 {view.periods[view.compare]} 比較：地圖、矩陣與排序表為本期（{flows.period}），比較見頁末。")
    for what, value, hint in problems:
        url.unknown_in_url(what, value, hint if hint.startswith("目前") else f"目前顯示預設（全部）。{hint}。")

    map_col, side_col = st.columns([0.63, 0.37], gap="medium")

    with side_col:
        st.segmented_control(
            "資料",
            list(fl.KINDS),
            format_func=lambda k: fl.KINDS[k].label,
            key=widget_key(FLOW),
            required=True,
            on_change=on_flow_change,
            label_visibility="collapsed",
        )
        if kind == fl.AID:
            st.segmented_control(
                "件數",
                list(fl.METRICS),
                format_func=lambda m: fl.METRICS[m][0],
                key=widget_key(METRIC),
                required=True,
                on_change=url.widget_to_url,
                args=(widget_key(METRIC), METRIC, fl.ALL_METRICS),
                label_visibility="collapsed",
            )
        if len(view.periods) > 1:  # one period (112's packet): nothing to choose
            period_choices(view)
        st.selectbox(
            "縣市（也可點選地圖上的縣市）",
            [ALL_CITIES, *names],
            format_func=lambda c: names.get(c, "全部縣市"),
            key=widget_key(CITY),
            on_change=url.widget_to_url,
            args=(widget_key(CITY), CITY, ALL_CITIES),
        )
        st.markdown(view.legend, unsafe_allow_html=True)
        st.markdown(view.summary)

    with map_col:
        map_key = f"flow_map_{st.session_state.get('map_nonce', 0)}"
        st.pydeck_chart(
            view.deck,
            height=maps.MAP_HEIGHT,
            key=map_key,
            on_select=functools.partial(on_map_select, map_key),
            selection_mode="single-object",
            alt=f"{kind.title}地圖：弧線由{kind.source_role}指向{kind.target_role}，線寬表示{flows.measure}",
        )
        st.caption(f"縣市界線：{geo.ATLAS_CREDIT}；原始資料：{geo.MOI_CREDIT}。")

    heading(
        f"起訖矩陣：{flows.measure}（{unit}）",
        f"列＝{kind.source_role}，欄＝{kind.target_role}；空白＝資料未列此組合；{flows.period}",
    )
    st.plotly_chart(view.matrix, key="od_matrix", config={"displayModeBar": False})

    title = f"{names[selected]} 的往來" if selected else "全部往來"
    heading(f"{title}（依{flows.measure}排序）", f"{flows.period}；含件數為 0 的組合")
    # 2 × 100 + 4 × 80 = 520 px: the whole table fits the main area at 1024×768 (564 px, sidebar open)
    widths = {c: st.column_config.TextColumn(c, width=CITY_WIDTH) for c in view.table.column_names[:2]}
    widths |= {
        c: st.column_config.NumberColumn(c, format="localized", width=COUNT_WIDTH) for c in view.table.column_names[2:]
    }
    st.dataframe(
        view.table,
        hide_index=True,
        key="flow_table",
        column_config=widths,
        width="content",
        height=view.table.num_rows * 35 + 38,
    )
    if view.compare:
        comparison(view, names, selected)


if __name__ == "__main__":  # Streamlit runs a page as __main__; tests may import its parts
    render()
