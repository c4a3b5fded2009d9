"""新增提案: a new proposal through a form that follows the paper 合作提案單. A lead picks among
their own groups; every problem is listed by field and what was typed stays in the form."""

import pandas as pd
import streamlit as st

from dashboard.domain import editing, proposal_rules, vocab
from dashboard.domain.permissions import Actor, PermissionDenied, may_edit
from dashboard.store.models import Proposal
from pages.shared import cached, lead_pages, run_context, signed_out, styling, tables, text_limits, url, year_choice

# The form's labels of the fields a problem can name (the loader's keys, and a lead unit's).
FIELD_LABELS = {
    "year": "年度",
    "track": "類別",
    "group": "議題組",
    "subgroup": "議題組（分組）",
    "title": "提案名稱",
    "lead_units": "提案單位",
    "unit": "單位",
    "city": "縣市",
    "types": "提案類型",
    "cities": "合作縣市",
    "description": "說明",
    "approach": "具體作法",
    "benefits": "合作效益",
    "contact": "聯絡人",
    "central_ministry": "對應中央部會",
    "progress": "辦理情形",
    "tracking_status": "列管狀態",
    "progress_status": "進度狀態",
    "progress_basis": "進度狀態依據",
    "tracking_basis": "列管狀態依據",
}
# The form's text fields (widget name -> field of MAX_CHARS), given the browser's limit (text_limits).
NEW_TEXTS = {
    "title": "title",
    "description": "description",
    "approach": "approach",
    "benefits": "benefits",
    "contact": "contact",
    "ministry": "central_ministry",
    "progress": "progress",
}
CUT_KEY = "new-cut"  # the created proposal's texts filled to their limit (a paste may have been cut)
CREATED_KEY = "new-created"  # the id of the proposal just created, shown after the form is cleared
GENERATION_KEY = "new-generation"  # part of every widget key: a new value clears the form


def group_choices(groups: list, actor: Actor) -> dict[str, str]:
    """'group' or 'group/subgroup' -> label, for the groups a proposal can be filed under (those
    without sub-groups, and the sub-groups) that `actor` may create in."""
    names = {g.id: g.name for g in groups}
    parents = {g.parent_id for g in groups if g.parent_id}
    choices = {}
    for g in groups:
        if g.id in parents:
            continue
        group, subgroup = (g.parent_id, g.id) if g.parent_id else (g.id, None)
        if may_edit(actor, Proposal(id="-", group_id=group, subgroup_id=subgroup, title="-")):
            choices[f"{group}/{subgroup}" if subgroup else group] = f"{names[group]}／{g.name}" if subgroup else g.name
    return choices


def problem_lines(error: editing.EditError) -> list[str]:
    """Each problem as 「field：message」, a lead unit's with its row."""
    lines = []
    for problem in error.problems:
        if isinstance(problem, str):
            lines.append(problem)
            continue
        where = proposal_rules.lead_label(problem.position) if problem.part == proposal_rules.LEADS else ""
        label = FIELD_LABELS.get(problem.field, problem.field)
        lines.append(f"{where}（{label}）：{problem.message}" if where else f"{label}：{problem.message}")
    return lines


NO_CITY = tables.NO_CITY  # the lead-unit table's city before one is chosen


def lead_units(table: pd.DataFrame) -> list[dict]:
    """The editor's rows as lead unit records; wholly empty rows are left out."""
    units = []
    for unit, city in zip(table["unit"], table["city"]):
        unit = unit.strip() if isinstance(unit, str) else ""
        city = city if isinstance(city, str) and city != NO_CITY else ""
        if unit or city:
            units.append({"unit": unit, "city": city})
    return units


def form(actor: Actor, stamp: tuple, cycle: int | None = None) -> None:
    groups, cities = cached.groups(stamp), cached.cities(stamp)
    choices = group_choices(groups, actor)
    if not choices:
        st.warning("您的帳號沒有可新增提案的議題組，請洽祕書處。")
        return
    gen = st.session_state.setdefault(GENERATION_KEY, 0)
    key = lambda name: f"new-{gen}-{name}"  # noqa: E731
    limit = proposal_rules.MAX_CHARS  # Streamlit counts the characters as one types
    with st.form(key("form"), border=True):
        st.markdown("**北臺區域發展推動委員會　合作提案單**")
        top = st.container(horizontal=True, gap="medium")
        year = top.number_input(
            "年度（民國）",
            min_value=100,
            max_value=999,
            step=1,
            width=140,
            value=cycle if cycle is not None else 100,
            key=key("year"),
        )
        track = top.radio(
            "類別",
            list(vocab.NEW_TRACKS),
            format_func=vocab.TRACKS.get,
            horizontal=True,
            index=vocab.NEW_TRACKS.index(vocab.JOINT),
            key=key("track"),
            width="content",
        )
        group = top.selectbox("議題組", list(choices), format_func=choices.get, key=key("group"), width=260)
        st.caption("提案單位（每列一個單位；可新增多列）")
        units = st.data_editor(
            pd.DataFrame({"city": [NO_CITY], "unit": [""]}),
            num_rows="dynamic",
            hide_index=True,
            key=key("units"),
            column_config=tables.lead_unit_columns([c.name for c in cities]),
        )
        title = st.text_input("提案名稱", key=key("title"), max_chars=limit["title"])
        st.markdown("提案類型")
        box = st.container(horizontal=True, gap="medium")
        types = [t for t in vocab.PROPOSAL_TYPES if box.checkbox(t, key=key(f"type-{t}"))]
        st.markdown("合作縣市（勾選全部八縣市即為「北臺八縣市」）")
        grid = st.container(horizontal=True, gap="medium")
        ticked = [
            c.name
            for c in sorted(cities, key=lambda c: c.card_order)
            if grid.checkbox(c.name, key=key(f"city-{c.code}"))
        ]
        description = st.text_area("說明", key=key("description"), max_chars=limit["description"])
        approach = st.text_area("具體作法", key=key("approach"), max_chars=limit["approach"])
        benefits = st.text_area("合作效益", key=key("benefits"), max_chars=limit["benefits"])
        contact = st.text_area(
            "聯絡人",
            height=80,
            key=key("contact"),
            max_chars=limit["contact"],
            placeholder="單位、職稱、姓名、電話（可分行）",
        )
        ministry = st.text_input(
            "對應中央部會（請求中央協助者必填）", key=key("ministry"), max_chars=limit["central_ministry"]
        )
        progress = st.text_area("辦理情形（選填）", key=key("progress"), max_chars=limit["progress"])
        reason = st.text_input("備註（選填，記入版本紀錄）", key=key("reason"), max_chars=editing.REASON_MAX_CHARS)
        submitted = st.form_submit_button("送出新增", type="primary", icon=":material/note_add:")
    text_limits.keep_first_part(
        {key(name): limit[field] for name, field in NEW_TEXTS.items()} | {key("reason"): editing.REASON_MAX_CHARS}
    )
    if not submitted:
        return
    group_id, _, subgroup_id = group.partition("/")
    document = {
        "year": int(year),
        "track": track,
        "group": group_id,
        "subgroup": subgroup_id or None,
        "title": title,
        "lead_units": lead_units(units),
        "types": types,
        "cities": ticked,
        "description": description,
        "approach": approach,
        "benefits": benefits,
        "contact": contact,
        "central_ministry": ministry,
        "progress": progress,
    }
    writer = signed_out.writer()
    if writer is None:  # signed out since the form was opened: it keeps what was typed
        return
    try:
        with cached.session() as s:
            created = editing.create(s, actor=writer, document=document, reason=reason)
    except editing.EditError as error:
        st.error(
            "未新增，請修正以下欄位（已填的內容都保留在表單中）：\n\n"
            + "\n".join(f"- {url.md_text(line)}" for line in problem_lines(error)),
            icon=":material/error:",
        )
        return
    except PermissionDenied as error:
        st.error(str(error), icon=":material/block:")
        return
    st.session_state[CREATED_KEY] = created.proposal_id
    st.session_state[CUT_KEY] = proposal_rules.at_limit(document)
    st.session_state[GENERATION_KEY] = gen + 1  # a clear form for the next card
    st.rerun()


def render() -> None:
    styling.style()
    stamp = run_context.get().stamp
    cycle = year_choice.chosen_year(stamp)  # a new proposal of the year shown
    st.title("新增提案")
    actor = lead_pages.signed_in("新增提案", key="new-sign-in")
    if actor is None:
        return
    created = st.session_state.pop(CREATED_KEY, None)
    if created:
        st.success(f"已新增提案 {created}（第 1 版）。", icon=":material/check_circle:")
        url.page_link(st, url.card_link(created), label=f"開啟提案單 {created}", icon=":material/description:")
    for warning in st.session_state.pop(CUT_KEY, None) or ():
        st.warning(warning, icon=":material/content_cut:")
    st.caption(
        "依紙本合作提案單的欄位填寫；編號與項次於送出時依年度與類別自動編定。"
        f"列管狀態預設為「{vocab.TRACKED}」，進度狀態預設為「{vocab.PLANNING}」，之後可在提案單上更新。"
    )
    form(actor, stamp, cycle)


if __name__ == "__main__":  # Streamlit runs a page as __main__; tests may import its parts
    render()
