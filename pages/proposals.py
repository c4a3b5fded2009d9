"""提案列表: every proposal with filters and search kept in the URL; a row opens its card."""

import streamlit as st

from dashboard.documents import export
from dashboard.domain import lookup
from pages.shared import cached, keyboard, list_filter, run_context, styling, tables, url, year_choice
from pages.shared.proposals_view import filtered, list_view

LIST_ORDER = ["url", "title", "tracking_status", "progress_status", "resolution", "risk", "lead", "group", "track"]
MORE_KEYS = ["tracking", "progress", "type", "decision", "risk", "city", "role"]
DEFAULTS = {
    "q": "",
    "year": [],
    "track": [],
    "group": [],
    "tracking": [],
    "progress": [],
    "type": [],
    "decision": [],
    "risk": [],
    "city": None,
    "role": "any",
}


def multi(container, key: str, label: str, choices: dict[str, dict], width: int | str = "stretch") -> None:
    options = choices[key]
    container.multiselect(
        label,
        list(options),
        format_func=options.get,
        key=key,
        placeholder="全部",
        width=width,
        wrap=True,
        on_change=widgets_to_url,
        args=(choices,),
    )


def fold_choice(raw: str, options: dict) -> object | None:
    """The option (a widget value) a URL value names: its label or key, whatever the case or width."""
    wanted = lookup.fold(raw)
    return next(
        (value for value, label in options.items() if wanted in {lookup.fold(label), lookup.fold(str(value))}), None
    )


FILTER_NAMES = {
    "year": "年度",
    "track": "類別",
    "group": "議題組",
    "tracking": "列管狀態",
    "progress": "進度狀態",
    "type": "提案類型",
    "decision": "會議決議",
    "risk": "風險燈號",
    "city": "縣市",
    "role": "縣市角色",
}


def read_url(choices: dict[str, dict], cities: list) -> tuple[dict, list[tuple[str, str, str]]]:
    """The widget values the URL asks for, whatever the spelling (台北市 → 臺北市, a group id or its
    label, any case), and (filter name, value, what it accepts) for each value that names nothing."""
    values, problems = {}, []
    for key, options in choices.items():
        raw = st.query_params.get_all(key)
        found = [fold_choice(value, options) for value in raw]
        problems += [
            (FILTER_NAMES[key], value, "、".join(map(str, options.values())))
            for value, hit in zip(raw, found)
            if hit is None
        ]
        values[key] = list(dict.fromkeys(hit for hit in found if hit is not None))
    values["q"] = " ".join(st.query_params.get_all("q"))
    raw_city = st.query_params.get("city")
    values["city"] = url.resolve_city(raw_city, cities)
    if raw_city and values["city"] is None:
        problems.append((FILTER_NAMES["city"], raw_city, "、".join(c.name for c in cities)))
    raw_role = st.query_params.get("role")
    values["role"] = fold_choice(raw_role, list_filter.ROLE_LABELS) if raw_role else DEFAULTS["role"]
    if values["role"] is None:
        problems.append((FILTER_NAMES["role"], raw_role, "、".join(list_filter.ROLE_LABELS.values())))
        values["role"] = DEFAULTS["role"]
    return values, problems


def url_params(choices: dict[str, dict]) -> dict[str, list[str]]:
    """The filter as URL parameters (the labels the widgets show), from the widgets' values."""
    state = st.session_state
    params = {key: [choices[key][v] for v in state.get(key) or []] for key in choices}
    params.update(
        q=[state.get("q") or ""],
        city=[state.get("city") or ""],
        role=[list_filter.ROLE_LABELS[state.get("role") or DEFAULTS["role"]]],
    )
    return {k: v for k, v in params.items() if any(v) and not (k == "role" and v == [list_filter.ROLE_LABELS["any"]])}


def widgets_to_url(choices: dict[str, dict]) -> None:
    """on_change of every filter widget: the URL holds the whole filter."""
    url.show_in_url(url_params(choices))


def clear_filters() -> None:
    for key, value in DEFAULTS.items():
        st.session_state[key] = value
    url.show_in_url({})


def render() -> None:
    stamp = run_context.get().stamp
    styling.style()
    cycle = year_choice.chosen_year(stamp)
    frame = cached.proposals(stamp, cycle)
    view = list_view(stamp, cycle)
    choices = view["choices"]

    st.title("提案列表")
    values, problems = read_url(choices, cached.cities(stamp))
    for name, value, accepted in problems:
        url.unknown_in_url(f"篩選條件「{name}」的值", value, f"已略過這個條件。可用的值：{accepted}。")
    for key, value in values.items():  # the URL is the truth: widgets show what it asks for
        url.seed_widget(key, value)
    # Horizontal containers rather than st.columns: one block per row keeps the script run short.
    top = st.container(horizontal=True, vertical_alignment="bottom", gap="medium")
    to_url = {"on_change": widgets_to_url, "args": (choices,)}
    top.text_input("搜尋（提案名稱與提案單內容）", key="q", placeholder="例如：月票、長照、臺北港", width=240, **to_url)
    top.pills(
        "年度", list(choices["year"]), format_func=choices["year"].get, selection_mode="multi", key="year", **to_url
    )
    multi(top, "track", "類別", choices, width=170)
    multi(top, "group", "議題組", choices)
    with st.expander(
        "更多篩選條件：列管狀態、進度狀態、提案類型、會議決議、風險燈號、縣市",
        expanded=any(k in st.query_params for k in MORE_KEYS),
    ):
        more = st.container(horizontal=True, gap="medium")
        multi(more, "tracking", "列管狀態", choices, width=240)
        multi(more, "progress", "進度狀態", choices, width=240)
        multi(more, "type", "提案類型", choices, width=240)
        multi(more, "decision", "會議決議", choices, width=240)
        multi(more, "risk", "風險燈號", choices, width=240)
        more.selectbox("縣市", view["cities"], index=None, placeholder="全部縣市", key="city", width=150, **to_url)
        more.segmented_control(
            "縣市角色",
            list(list_filter.ROLE_LABELS),
            format_func=list_filter.ROLE_LABELS.get,
            required=True,
            key="role",
            **to_url,
        )

    params = url_params(choices)
    if not problems:  # one spelling in shared links; a value that names nothing stays visible with its message
        url.show_in_url(params)
    rows, table, ids = filtered(stamp, tuple((k, tuple(v)) for k, v in params.items()), cycle)

    bar = st.container(horizontal=True, vertical_alignment="center", gap="medium")
    hint = "<br><small>點選列首方格或編號，開啟提案單</small>" if len(rows) else ""
    bar.markdown(
        f"**符合條件：{len(rows)} 案**（{year_choice.year_label(cycle)}共 {len(frame)} 案）{hint}",
        width="content",
        unsafe_allow_html=True,
    )
    bar.button("清除篩選", on_click=clear_filters, disabled=not params, icon=":material/filter_alt_off:")
    if rows.empty:
        st.info("沒有符合條件的提案。請放寬篩選條件，或清除搜尋文字後再試。")
        return

    bar.download_button(
        "下載 Excel",
        lambda: export.xlsx_bytes(export.proposals_download(rows)),
        file_name=list_filter.download_file_name(year_choice.year_label(cycle), params, ".xlsx"),
        icon=":material/download:",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        on_click="ignore",
    )
    bar.download_button(
        "下載 CSV",
        lambda: export.csv_bytes(export.proposals_download(rows)),
        file_name=list_filter.download_file_name(year_choice.year_label(cycle), params, ".csv"),
        mime="text/csv",
        icon=":material/download:",
        on_click="ignore",
    )

    opened = keyboard.enter_on_row(key="list_enter", table_key="table")  # Enter on a focused row opens its card
    if opened in ids:
        url.switch_to(url.card_link(opened, list_filter=params))
    event = st.dataframe(
        table,
        hide_index=True,
        on_select="rerun",
        selection_mode="single-row",
        key="table",
        height=min(38 + 35 * len(ids), 560),
        column_order=LIST_ORDER,
        column_config={name: tables.LIST_COLUMNS[name] for name in LIST_ORDER},
    )
    selected = event.selection.rows if event and event.selection else []
    if selected:
        url.switch_to(url.card_link(ids[selected[0]], list_filter=params))


if __name__ == "__main__":  # Streamlit runs a page as __main__; tests may import its parts
    render()
