"""總覽: the chosen year's headline counts, per-group status, what is waiting, one city's
involvement, and what joined and left each year."""

import streamlit as st

from dashboard.domain import dates, frames, vocab
from dashboard.domain.dates import roc_date
from pages.shared import cached, run_context, styling, tables, url, year_choice
from pages.shared.home_view import city_view, home_view, risk_view, status_figure, yearly_table

AXIS_LABELS = {"progress_status": "進度狀態", "tracking_status": "列管狀態"}
DEFAULT_AXIS = "progress_status"


AID_COLUMNS = {
    "direction": st.column_config.TextColumn("支援方向", width=140),
    **{
        label: st.column_config.NumberColumn(label, format="%d", width=80)
        for label in [*frames.AID_KINDS.values(), "合計"]
    },
}


def render() -> None:
    stamp = run_context.get().stamp
    styling.style()
    cycle = year_choice.chosen_year(stamp)
    head = cached.headline(stamp, cycle)
    info = cached.meeting_info(stamp, cycle)
    view = home_view(stamp, cycle)

    st.title("北臺區域發展推動委員會 合作提案總覽")
    if info:
        st.caption(
            f"{info.meeting.name}｜{roc_date(info.meeting.date)} {info.meeting.start_time:%H:%M}｜{info.meeting.venue}"
        )
    elif cycle is not None:
        st.caption(f"{year_choice.year_label(cycle)}：尚未建立副首長會議資料")
    # Said at the top, where a shared link opens: the city view it names is far below the fold.
    all_cities = cached.cities(stamp)
    raw = st.query_params.get("city")
    city = url.resolve_city(raw, all_cities)
    if raw and city is None:
        url.unknown_in_url("縣市", raw, "可選：" + "、".join(c.name for c in all_cities) + "。")

    decided = view["overview"]
    decided_sub = (
        "、".join(f"{r} {n}" for r, n in decided.by_resolution.items())
        if decided.decided
        else "會議中記錄決議後即時更新"
    )
    st.markdown(
        styling.tiles(
            [
                (
                    "列管提案",
                    f"{head.total} 案",
                    f"{head.carried_year}年度列管 {head.carried}＋{head.meeting_year}年度新增 {head.new}",
                ),
                (
                    head.carried_label,
                    f"{head.carried} 案",
                    head.carried_recommendations,
                ),
                (
                    f"{head.meeting_year}年度新增提案",
                    f"{head.new} 案",
                    f"請求中央協助 {head.central}、八縣市共同合作 {head.joint}",
                ),
                ("本次會議已決議", f"{decided.decided}／{head.total} 案", decided_sub),
            ]
        ),
        unsafe_allow_html=True,
    )

    left, right = st.columns([3, 2], gap="large")
    with left:
        st.subheader("各議題組提案狀態")
        raw_axis = st.query_params.get("axis")  # the label (列管狀態), as the link shows it, or the key
        axis = next((key for key, label in AXIS_LABELS.items() if raw_axis in (key, label)), None)
        if raw_axis and axis is None:
            url.unknown_in_url("圖表依據", raw_axis, "可用：" + "、".join(AXIS_LABELS.values()) + "。")
        url.seed_widget("axis", axis or DEFAULT_AXIS)
        st.segmented_control(
            "依",
            list(AXIS_LABELS),
            format_func=AXIS_LABELS.get,
            required=True,
            key="axis",
            label_visibility="collapsed",
            on_change=url.widget_to_url,
            args=("axis", "axis", DEFAULT_AXIS, AXIS_LABELS.get),
        )
        axis = axis or DEFAULT_AXIS
        event = st.plotly_chart(
            status_figure(stamp, axis or "progress_status", cycle),
            on_select="rerun",
            selection_mode="points",
            key="group_chart",
            config={"displayModeBar": False},
        )
        points = event.selection.points if event and event.selection else []
        if points:
            names = {g.name: g.id for g in view["top_groups"]}
            picked = points[0].get("customdata") or names.get(points[0].get("y"))
            if picked:
                url.switch_to(url.group_link(picked, cycle=url.cycle_in_url()))
        st.caption("點選長條或下方組名，開啟該組頁面。")
        st.markdown(view["group_links"], unsafe_allow_html=True)

    with right:
        st.subheader("風險燈號")
        lights = risk_view(stamp, cycle, dates.now_taipei().date())
        if lights["assessed"]:
            st.markdown(lights["markup"], unsafe_allow_html=True)
            st.caption(
                "各議題組窗口每季評估：紅＝需副首長協調，黃＝延遲、議題組處理中，綠＝進度正常。"
                + (f"其中 {lights['stale']} 案的燈號不是本季設定（⚠ 本季未更新）。" if lights["stale"] else "")
            )
        else:
            st.caption("各議題組窗口尚未評估本年度提案的風險燈號（在提案單的「更新提案」設定）。")
        st.subheader("待辦與待決事項")
        for n, (label, _explanation, _criteria, rows) in enumerate(view["waiting"]):
            with st.expander(f"{label}（{len(rows)} 案）", expanded=n < 2 and 0 < len(rows) <= 6):
                st.markdown(view["waiting_html"][n], unsafe_allow_html=True)

    st.subheader("縣市視角")
    if city and raw != city:
        st.query_params["city"] = city  # one spelling in shared links (桃園市, not taoyuan or 台…)
    url.seed_widget("city", city)
    st.selectbox(
        "選擇縣市，查看其主辦與參與的提案及跨區支援",
        [c.name for c in all_cities],
        index=None,
        placeholder="請選擇縣市",
        key="city",
        on_change=url.widget_to_url,
        args=("city", "city"),
    )
    if city is None:
        st.info("選擇一個縣市，即可看到它主辦與參與合作的提案、各案進度，以及跨區救災救護支援的合計。")
        yearly(stamp)
        return
    code = next(c.code for c in all_cities if c.name == city)
    cv = city_view(stamp, city, cycle)
    st.markdown(
        styling.tiles(
            [
                ("主辦提案", f"{cv['leads']} 案", f"其中{head.carried_label} {cv['carried_leads']} 案"),
                ("參與合作提案", f"{cv['joins']} 案", f"{head.meeting_year}年度提案單所列合作縣市"),
                ("向他縣市請求支援", f"{cv['aid'].loc['向他縣市請求支援', 'total']} 件", "火災、救護與119轉報"),
                ("支援他縣市", f"{cv['aid'].loc['支援他縣市', 'total']} 件", "火災、救護與119轉報"),
            ]
        ),
        unsafe_allow_html=True,
    )
    st.caption(
        f"{head.carried_label}沒有提案單，只知道主辦縣市，無合作縣市資料；參與合作僅計{head.meeting_year}年度提案。"
    )
    tables.show_proposals(cv["table"], key="city_proposals")
    url.page_link(
        st,
        url.list_link({url.CITY_PARAM: city}, cycle=url.cycle_in_url()),
        label=f"在提案列表開啟{city}的 {cv['rows']} 案（可篩選、下載）",
        icon=":material/table_rows:",
    )
    if cv["aid_period"]:
        st.markdown(f"**跨區救災救護支援（件，{cv['aid_period']}）**")
        st.dataframe(cv["aid_table"], hide_index=True, height="content", column_config=AID_COLUMNS, key="city_aid")
        url.page_link(
            st,
            url.map_link(city_code=code, cycle=url.cycle_in_url()),
            label=f"在地圖上查看{city}的跨區支援",
            icon=":material/map:",
        )
    else:
        st.caption(f"{year_choice.year_label(cycle)}尚無跨區救災救護支援資料。")
    yearly(stamp)


YEARLY_COLUMNS = {
    "year": st.column_config.TextColumn("年度", width=80),
    **{
        key: st.column_config.NumberColumn(label, format="%d", width=90)
        for key, label in (
            ("total", "提案數"),
            ("new", "新增"),
            ("carried_in", "延續列管"),
            ("delisted", vocab.DELISTED),
            ("not_carried", "未延續"),
            ("left", "離開合計"),
        )
    },
    "settled": st.column_config.TextColumn("說明", width=130),
}


def yearly(stamp: tuple) -> None:
    """What joined and what left each year (every cycle, whichever is chosen); nothing to compare
    in a store of one year."""
    if len(cached.cycles(stamp)) < 2:
        return
    st.subheader("各年度提案增減")
    st.caption(
        "新增＝當年度提出的提案；延續列管＝由前一年度延續的提案；解除列管＝依會議決議（未決議者依列管狀態）"
        "解除；未延續＝應持續列管但未列入下一年度。最新年度尚未開始下一年度時，離開數為依目前決議的預估。"
    )
    st.dataframe(
        yearly_table(stamp), hide_index=True, height="content", column_config=YEARLY_COLUMNS, key="yearly_table"
    )


if __name__ == "__main__":  # Streamlit runs a page as __main__; tests may import its parts
    render()
