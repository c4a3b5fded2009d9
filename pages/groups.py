"""議題組: every group with its host agency and meetings; `?group=<id>` opens one group's view.

Group and year are read from the URL by hand (see url.show_in_url), so that the URL carries
the id (`?group=transport`, also accepted: the name or another case), an unknown group or year is
told to the user instead of silently dropped, and `?group=transport&year=112` narrows the list.
"""

import streamlit as st

from dashboard.domain import dates, lookup, risk, vocab
from dashboard.domain.dates import roc_date
from pages.shared import cached, run_context, styling, tables, url, year_choice
from pages.shared.groups_view import ALL_YEARS, group_view, overview_view, year_rows

GROUP_COLUMNS = {
    "name": st.column_config.TextColumn("議題組", width=150, pinned=True),
    "url": st.column_config.LinkColumn("組別頁面", display_text="開啟 →", width=80),
    "host": st.column_config.TextColumn("主辦機關", width=300),
    "proposals": st.column_config.NumberColumn("提案數", format="%d", width=70),
    "meetings": st.column_config.NumberColumn("會議次數", format="%d", width=80),
}


def pick_group(group_ids: list[str], labels: dict[str, str], current: str | None) -> None:
    """A select box that writes the chosen group id into the URL (a new group starts on all years)."""

    def changed():
        chosen = st.session_state["group_pick"]
        st.query_params.from_dict(url.group_link(chosen, cycle=url.cycle_in_url()).query)

    url.seed_widget("group_pick", current if current in group_ids else None)
    st.selectbox(
        "議題組",
        group_ids,
        index=None,
        format_func=labels.get,
        placeholder="選擇議題組",
        key="group_pick",
        on_change=changed,
    )


def resolve_year(raw: str | None, years: list[str]) -> str | None:
    """The year chosen in the URL (one of `years`), ALL_YEARS when absent, None when unknown."""
    if not raw:
        return ALL_YEARS
    wanted = raw.strip().removesuffix("年度").removesuffix("年")
    return wanted if wanted in years else None


def risk_line(stamp: tuple, ids) -> None:
    """The group's risk lights (紅 first) in words beside their colours, and how many are not of this quarter."""
    states = cached.risk_states(stamp, dates.now_taipei().date())
    counts = risk.counts(states, ids)
    chips = "　".join(
        f"{styling.risk_chip(light if light in vocab.RISKS else None)} {n} 案" for light, n in counts.items() if n
    )
    stale = sum(1 for pid in ids if pid in states and states[pid].stale)
    note = f"　<span class='bt-muted'>其中 {stale} 案⚠ {vocab.STALE}</span>" if stale else ""
    st.markdown(f"<div>風險燈號：{chips}{note}</div>", unsafe_allow_html=True)


def render() -> None:
    stamp = run_context.get().stamp
    styling.style()
    cycle = year_choice.chosen_year(stamp)
    all_groups = cached.groups(stamp, cycle)
    labels = {g.id: (f"　└ {g.name}" if g.parent_id else g.name) for g in all_groups}
    raw_group = st.query_params.get("group")
    group_id = lookup.group_id(raw_group, all_groups)

    st.title("議題組")
    pick_group([g.id for g in all_groups], labels, group_id)

    if not raw_group:
        url.show_in_url({})  # 回到議題組總覽 from a group leaves ?group= in the bar otherwise
        view = overview_view(stamp, cycle)
        st.caption(
            f"{year_choice.year_label(cycle)}各議題組（含分組）的主辦機關、工作會議與提案數。"
            "選擇一組或點組名，即可看到該組的提案與進度。"
        )
        st.dataframe(view["table"], hide_index=True, height="content", column_config=GROUP_COLUMNS, key="groups_table")
        st.subheader("工作會議時間軸")
        st.plotly_chart(view["timeline"], config={"displayModeBar": False}, key="all_timeline")
        return

    if group_id is None:
        url.unknown_in_url("議題組", raw_group, "請從上方選單選擇議題組，或回到議題組總覽。")
        url.page_link(
            st, url.group_link(cycle=url.cycle_in_url()), label="回到議題組總覽", icon=":material/arrow_back:"
        )
        return
    view = group_view(stamp, group_id, cycle)

    raw_year = st.query_params.get("year")
    year = resolve_year(raw_year, view["years"])
    if year is None:
        url.unknown_in_url(
            "年度", raw_year, f"{view['group'].name}有提案的年度：" + "、".join(view["years"]) + "；以下列出全部年度。"
        )
        year = ALL_YEARS
    else:
        url.show_in_url({"group": group_id, "year": None if year == ALL_YEARS else year})

    group = view["group"]
    st.header(f"{view['parent']}／{group.name}" if view["parent"] else group.name)
    hosts = "；".join(f"{name}：{host}" if name != group.name else host for name, host in view["hosts"])
    st.markdown(f"**主辦機關**：{url.md_text(hosts) or '（未列）'}")
    if view["subgroups"]:
        st.markdown("**分組**：" + url.md_text("、".join(g.name for g in view["subgroups"])))

    url.seed_widget("year", year)
    st.segmented_control(
        "年度",
        [ALL_YEARS, *view["years"]],
        required=True,
        key="year",
        on_change=url.widget_to_url,
        args=("year", "year", ALL_YEARS),
    )
    rows, table = year_rows(stamp, group_id, year, cycle)
    # 全部 is every proposal year within the chosen year's round (its own and those carried in)
    whole = "全部年度" if len(cached.cycles(stamp)) < 2 else f"{year_choice.year_label(cycle)}全部"
    year_label = f"{year}年度" if year != ALL_YEARS else whole
    st.subheader(f"提案（{year_label}，{len(rows)} 案）")
    if rows.empty:
        st.info(f"{group.name}在{year_label}沒有提案。")
    else:
        risk_line(stamp, rows["id"])
        tables.show_proposals(table, key="group_proposals")
        list_params = {"group": [view["list_label"]], **({"year": [year]} if year != ALL_YEARS else {})}
        url.page_link(
            st,
            url.list_link(list_params, cycle=url.cycle_in_url()),
            label=f"在提案列表開啟這 {len(rows)} 案（可篩選、下載 Excel）",
            icon=":material/table_rows:",
        )

    st.subheader(f"工作會議（{len(view['meetings'])} 次）")
    if view["meetings"].empty:
        st.info("尚無工作會議紀錄。")
    else:
        st.plotly_chart(view["timeline"], config={"displayModeBar": False}, key="group_timeline")
        st.markdown(
            "、".join(
                f"{roc_date(d)} {url.md_text(g)}{url.md_text(n)}"
                for d, g, n in zip(view["meetings"]["date"], view["meetings"]["group"], view["meetings"]["name"])
            )
        )
    url.page_link(st, url.group_link(cycle=url.cycle_in_url()), label="回到議題組總覽", icon=":material/arrow_back:")


if __name__ == "__main__":  # Streamlit runs a page as __main__; tests may import its parts
    render()
