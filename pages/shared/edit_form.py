"""The card's 「更新提案」 form, for those who may edit the proposal (permissions.may_edit), and the
secretariat's revert of a version.

The form remembers the version it was opened at (its base) and the values it showed then (its
seed), both in session_state; only the fields typed differently from the seed are sent, with
editing.edit(base_version=base). A save based on an older version is refused (StaleEdit): the
other person's changes are shown, what was typed stays in the form, and 「以最新版本為基礎」 moves
the base to the version in force (fields not typed in take the new values) so that a second save
applies. It is a three-way merge (editing.three_way): fields not typed in take the new values,
fields only this person typed keep what was typed, and a field both changed differently is shown
side by side (theirs, mine, the changed characters marked) with a choice — theirs, mine, or a text
pre-filled with both people's changes — that must be made before the form moves on: nobody's words
are dropped without a word. Widget keys carry a generation number: a new generation is a form
seeded afresh (first opened, after a save, or moved onto the latest version).
"""

import itertools
from datetime import date

import pandas as pd
import streamlit as st

from dashboard.domain import editing, proposal_rules, proposal_yaml, vocab
from dashboard.domain.permissions import Actor, PermissionDenied, may_edit
from dashboard.domain.problems import Problem
from pages.shared import cached, card_history, diff_view, run_context, signed_out, tables, text_limits
from pages.shared.styling import esc

TEXTS = tuple(f.key for f in editing.EDITABLE_FIELDS if f.kind in (editing.LINE, editing.LINES))
LISTS = tuple(f.key for f in editing.EDITABLE_FIELDS if f.kind == editing.LIST)
LEAD_COLUMNS = {"city": "縣市", "unit": "單位"}
DAYS = (date(2000, 1, 1), date(2100, 12, 31))  # the picker's range; editing checks the day itself
RECOMMENDATION_HELP = (
    f"議題組對本案的建議：「{vocab.PROPOSE_DELIST}」為{vocab.RECOMMEND_DELIST}，「{vocab.KEEP_TRACKING}」為"
    f"{vocab.RECOMMEND_KEEP}，「{vocab.TRACKED}」為{vocab.NO_RECOMMENDATION}。會議資料、總覽與會議頁依此分類。"
)
RISK_CHOICES = ["", *vocab.RISKS]  # "": 未評估
RISK_HELP = (
    "每季由議題組窗口評估一次：綠＝進度正常；黃＝延遲，議題組處理中；紅＝需副首長協調（須填原因）。"
    "燈號或原因在本季儲存過，才算本季已評估；燈號不變時，更新原因即可。"
)
BASIS_HELP = (
    "進度狀態的依據：須逐字出現在「進度說明」或「列管原因」中的一句話（可從中複製貼上），讓讀者看得出狀態從何而來。"
)


# --- session state of one proposal's form -----------------------------------------------------


def _state_key(proposal_id: str, name: str) -> str:
    return f"edit-{proposal_id}-{name}"


def _widget_key(proposal_id: str, field: str) -> str:
    return f"edit-{proposal_id}-{st.session_state.get(_state_key(proposal_id, 'gen'), 0)}-{field}"


@st.cache_resource(show_spinner=False, max_entries=256)
def _document(stamp: tuple, proposal_id: str) -> dict:
    with cached.session() as s:
        return proposal_yaml.proposal_document(s, cached.card(stamp, proposal_id).proposal)


def form_values(document: dict) -> dict:
    """A proposal document in the form's terms: texts as strings, lead units as (city, unit) pairs."""
    values = {field: document.get(field) or "" for field in TEXTS}
    values.update({f.key: document.get(f.key) for f in editing.EDITABLE_FIELDS if f.kind == editing.CHOICE})
    values["risk"] = document.get("risk") or ""  # "": 未評估, a choice of its own (RISK_CHOICES)
    day = document.get("recommendation_date")
    values["recommendation_date"] = date.fromisoformat(day) if day else None
    values["lead_units"] = [(lead.get("city"), lead.get("unit")) for lead in document.get("lead_units", [])]
    values.update({field: list(document.get(field) or []) for field in LISTS})
    return values


def document_value(field: str, value):
    """A form value as editing.edit takes it (empty is None: the field is removed or refused)."""
    if field == "lead_units":
        return [{"unit": unit, "city": city} for city, unit in value] or None
    if isinstance(value, list):
        return value or None
    return value if value not in ("", None) else None


def _seed(stamp: tuple, proposal_id: str, base: int) -> None:
    """Open the form afresh at version `base`: a new generation of widgets holding its values."""
    state = st.session_state
    state[_state_key(proposal_id, "gen")] = state.get(_state_key(proposal_id, "gen"), 0) + 1
    state[_state_key(proposal_id, "base")] = base
    for name in ("problems", "refused", "leads"):  # said of the form that was left
        state.pop(_state_key(proposal_id, name), None)
    seed = form_values(_document(stamp, proposal_id))
    state[_state_key(proposal_id, "seed")] = seed
    for field, value in seed.items():
        if field != "lead_units":  # the data editor takes its rows as data, not through session_state
            state[_widget_key(proposal_id, field)] = value


def _lead_rows(value) -> list[tuple]:
    """The data editor's rows as (city, unit) pairs, blanks stripped, empty rows left out."""

    def clean(cell):
        return cell.strip() if isinstance(cell, str) and cell.strip() and cell != tables.NO_CITY else None

    pairs = [(clean(city), clean(unit)) for city, unit in zip(value["city"], value["unit"])]
    return [pair for pair in pairs if pair != (None, None)]


# --- the form ---------------------------------------------------------------------------------


def render(stamp: tuple, card, actor: Actor, versions: list) -> None:
    """The form for an actor who may edit the proposal; nothing for anyone else."""
    proposal = card.proposal
    if not may_edit(actor, proposal):
        return
    pid, state = proposal.id, st.session_state
    current = versions[0].version if versions else 0
    if _widget_key(pid, "progress") not in state or _state_key(pid, "seed") not in state:
        _seed(stamp, pid, current)  # first opened in this session, or opened again after leaving
    base, seed = state[_state_key(pid, "base")], state[_state_key(pid, "seed")]
    st.subheader("更新提案")
    signed_out.notice()
    typed, reason, submitted = _fields(stamp, pid, seed, has_card=proposal.cities_scope is not None)
    if submitted:
        _save(stamp, pid, actor, typed, reason, base, seed)
    if flash := state.pop(_state_key(pid, "flash"), None):  # inline: a toast would cover buttons
        st.success(flash, icon=":material/check_circle:")
    for warning in state.pop(_state_key(pid, "cut"), None) or ():
        st.warning(warning, icon=":material/content_cut:")
    _show_problems(pid)
    if base != current:
        _show_newer(stamp, pid, versions, base, current, typed, seed)


def _room(field: str, seed: dict) -> int:
    """The field's limit for the counter shown as one types (proposal_rules.MAX_CHARS), or the stored
    text's length when a text saved before the limits is longer: the form must never open with a
    stored text cut short; saving it unshortened is refused with a message naming the field."""
    return max(proposal_rules.MAX_CHARS[field], len(seed.get(field) or ""))


# What the form says of a field besides its label (editing.EDITABLE_FIELDS gives label, kind, limit).
HELP = {
    "title": "議程、會議資料的表格與簡報畫面上的名稱。",
    "card_title": "紙本提案單上的名稱與提案名稱不同時才填；留空表示相同。",
    "central_ministry": "請求中央協助的提案必填；其他提案可留空。對應多個部會時一行一個。",
    "progress": "這一期的辦理情形；讀者在提案單的「說明／進度」看到的文字。",
    "progress_basis": BASIS_HELP,
    "tracking_status": RECOMMENDATION_HELP,
    "tracking_reason": "列管原因的標題隨列管狀態而定（解除列管原因／持續列管原因）。",
    "recommendation_date": "同意此建議的議題組工作會議日期（須在副首長會議之前）；尚未提出建議時留空。",
    "risk": RISK_HELP,
}
# A choice whose form offers more than editing.CHOICES (未評估), shown in words of its own.
FORM_CHOICES = {"risk": RISK_CHOICES}
FORMAT = {"risk": vocab.risk_label}
PLACEHOLDER = {
    "progress_status": "選擇進度狀態",
    "tracking_status": "選擇列管狀態",
    "contact": "單位、職稱、姓名、電話（可分行）",
    "risk_reason": "燈號為紅時必填：需要副首長協調的事項",
    "cities": "選擇縣市",
    "types": "選擇提案類型",
}
HEIGHT = {
    "progress": 160,
    "contact": 80,
    "central_ministry": 70,
    "risk_reason": 80,
    "description": 160,
    "approach": 200,
    "benefits": 130,
}  # text areas, in pixels; others TEXT_HEIGHT
TEXT_HEIGHT = 110
LEADS_HELP = "每列一個單位與其縣市。點表格最下方的空白列可新增一列；選取列首的方格後，按表格右上角的垃圾桶可刪除。"


def _label(field: editing.EditableField, status: str | None) -> str:
    """The field's label; the tracking reason's follows the tracking status shown (解除／持續列管原因)."""
    return vocab.reason_label(status) if field.key == "tracking_reason" else field.label


def _fields(stamp: tuple, pid: str, seed: dict, *, has_card: bool) -> tuple[dict, str, bool]:
    key = lambda field: _widget_key(pid, field)  # noqa: E731
    city_names = [c.name for c in cached.cities(stamp)]
    options = {**editing.CHOICES, "cities": city_names}
    shown = [f for f in editing.EDITABLE_FIELDS if has_card or not f.card_only]
    typed = {f.key: seed[f.key] for f in editing.EDITABLE_FIELDS if f not in shown}  # kept as they are
    with st.form(key("form"), border=True):
        for section in editing.SECTIONS:
            fields = [f for f in shown if f.section == section]
            st.markdown(f"##### {section}")
            index = 0
            while index < len(fields):
                field = fields[index]
                if field.kind == editing.CHOICE:  # consecutive choices side by side
                    run = list(itertools.takewhile(lambda f: f.kind == editing.CHOICE, fields[index:]))
                    for column, choice in zip(st.columns(len(run)), run):
                        typed[choice.key] = column.selectbox(
                            choice.label,
                            FORM_CHOICES.get(choice.key, options[choice.key]),
                            format_func=FORMAT.get(choice.key, str),
                            key=key(choice.key),
                            placeholder=PLACEHOLDER.get(choice.key),
                            help=HELP.get(choice.key),
                        )
                    index += len(run)
                    continue
                typed[field.key] = _widget(field, key, seed, options, city_names)
                index += 1
        reason = st.text_input(
            "修改原因（選填）",
            key=key("reason"),
            max_chars=editing.REASON_MAX_CHARS,
            placeholder="例：依第3次工作會議結論更新進度",
        )
        submitted = st.form_submit_button("儲存修改", type="primary")
    texts = [f for f in shown if f.kind in (editing.LINE, editing.LINES)]
    text_limits.keep_first_part(
        {key(f.key): _room(f.key, seed) for f in texts} | {key("reason"): editing.REASON_MAX_CHARS}
    )
    typed["cities"] = sorted(typed["cities"], key=lambda c: city_names.index(c) if c in city_names else len(city_names))
    typed["types"] = proposal_yaml.in_card_order(typed["types"])
    return typed, reason, submitted


def _widget(field: editing.EditableField, key, seed: dict, options: dict, city_names: list[str]):
    """One field's widget, by its kind; returns what it holds. The lead units' editor starts from the
    seed's rows, or from the rows a move onto the latest version chose (its state holds edits only)."""
    label = _label(field, st.session_state.get(key("tracking_status")) or seed.get("tracking_status"))
    hint = dict(help=HELP.get(field.key), placeholder=PLACEHOLDER.get(field.key))
    if field.kind == editing.LINE:
        return st.text_input(label, key=key(field.key), max_chars=_room(field.key, seed), **hint)
    if field.kind == editing.LINES:
        height = HEIGHT.get(field.key, TEXT_HEIGHT)
        return st.text_area(label, key=key(field.key), height=height, max_chars=_room(field.key, seed), **hint)
    if field.kind == editing.LIST:
        return st.multiselect(label, options[field.key], key=key(field.key), placeholder=hint["placeholder"])
    if field.kind == editing.LEADS:
        st.markdown(f'<div class="bt-field-label">{label}</div>', unsafe_allow_html=True)
        rows = st.session_state.get(key("leads-rows"), seed["lead_units"]) or []
        leads = st.data_editor(
            pd.DataFrame(
                [(city or tables.NO_CITY, unit or "") for city, unit in rows], columns=list(LEAD_COLUMNS), dtype=object
            ),
            key=key(field.key),
            num_rows="dynamic",
            hide_index=True,
            width="stretch",
            column_config=tables.lead_unit_columns(city_names),
        )
        st.caption(LEADS_HELP)
        return _lead_rows(leads)
    if field.kind == editing.DATE:
        return st.date_input(
            label,
            key=key(field.key),
            min_value=DAYS[0],
            max_value=DAYS[1],
            format="YYYY/MM/DD",
            width=260,
            help=hint["help"],
        )
    raise ValueError(f"unknown kind of field: {field.kind}")


def _save(stamp: tuple, pid: str, actor: Actor, typed: dict, reason: str, base: int, seed: dict) -> None:
    state = st.session_state
    for name in ("problems", "refused"):
        state.pop(_state_key(pid, name), None)
    changes = {field: document_value(field, typed[field]) for field in editing.EDITABLE if typed[field] != seed[field]}
    if not changes:
        state[_state_key(pid, "problems")] = ["沒有任何欄位與開啟時不同，未儲存。"]
        return
    # A text typed to its limit may be a paste the browser cut there without a word: say so, saved or not.
    state[_state_key(pid, "cut")] = proposal_rules.at_limit(changes)
    writer = signed_out.writer()
    if writer is None:  # signed out since the form was opened: nothing written, the form keeps it all
        return
    try:
        with cached.session() as s:
            saved = editing.edit(s, actor=writer, proposal_id=pid, changes=changes, base_version=base, reason=reason)
    except editing.StaleEdit:  # the newer versions are shown below the form; nothing typed is touched
        state[_state_key(pid, "refused")] = True
        # Run again: this run's versions were read before the save that won, perhaps an instant
        # before it committed, and would show neither the refusal nor what the other person changed.
        st.rerun()
    except editing.EditError as error:
        state[_state_key(pid, "problems")] = [problem_text(p) for p in error.problems]
        return
    except PermissionDenied as error:
        state[_state_key(pid, "problems")] = [str(error)]
        return
    if saved is None:
        state[_state_key(pid, "problems")] = ["修改後的內容與目前版本相同，未產生新版本。"]
        return
    fields = "、".join(card_history.label(c["field"]) for c in saved.changes)
    state[_state_key(pid, "flash")] = f"已儲存為第 {saved.version} 版：{fields}。"
    state.pop(_state_key(pid, "seed"))  # the next run opens the form afresh on the saved version
    st.rerun()


def problem_text(problem: Problem | str) -> str:
    """One refusal, named by the form's label of its field."""
    if not isinstance(problem, Problem):
        return str(problem)
    if problem.part == proposal_rules.LEADS and problem.field in LEAD_COLUMNS:
        return f"{proposal_rules.lead_label(problem.position)}的{LEAD_COLUMNS[problem.field]}：{problem.message}"
    message = problem.message
    for field, label in editing.EDITABLE.items():  # the loader names the file's keys
        message = message.replace(f"「{field}」", f"「{label}」")
    return f"{card_history.label(problem.field)}：{message}"


def _show_problems(pid: str) -> None:
    problems = st.session_state.get(_state_key(pid, "problems"))
    if problems:
        st.error("未儲存，請修正後再送出（您輸入的內容仍在表單中）：\n\n" + "\n".join(f"- {p}" for p in problems))


def _changed(typed: dict, seed: dict) -> dict:
    return {field: typed[field] for field in seed if typed.get(field) != seed[field]}


def _as_document(values: dict) -> dict:
    return {field: document_value(field, value) for field, value in values.items()}


def _show_newer(stamp: tuple, pid: str, versions: list, base: int, current: int, typed: dict, seed: dict) -> None:
    """The versions saved since the form was opened, each change old and new whole; the fields both
    changed side by side with a choice; and the button that moves the form onto the latest version."""
    newer = [v for v in versions if v.version > base]
    who = "、".join(dict.fromkeys(v.recorded_by for v in reversed(newer)))
    latest = form_values(_document(stamp, pid))  # this run's version: `current` is its newest
    merge = editing.three_way(_as_document(seed), _as_document(latest), _as_document(_changed(typed, seed)))
    what = f"{who}已把此提案更新為第 {current} 版（您的表單依據第 {base} 版）。以下是對方的修改；"
    then = (
        "按「以最新版本為基礎」後，您沒有修改的欄位換成最新內容，只有您修改的欄位保留您的內容，再按「儲存修改」即可。"
    )
    if merge.conflicts:
        names = "、".join(f"「{c.label}」" for c in merge.conflicts)
        then = (
            f"雙方都修改了{names}：請在下方逐欄選擇採用對方的內容、您的內容或合併兩者，"
            "再按「以最新版本為基礎」與「儲存修改」；其他欄位如上（對方修改的保留，您修改的保留）。"
        )
    if st.session_state.get(_state_key(pid, "refused")):
        st.error(f"未儲存：{what}您輸入的內容仍保留在表單中。{then}")
    else:
        st.info(f"{what}{then}")
    st.markdown(diff_view.CSS, unsafe_allow_html=True)
    with st.container(key=_state_key(pid, "newer")):
        st.markdown(card_history.versions_markup(list(reversed(newer))), unsafe_allow_html=True)
    chosen = _conflicts(pid, current, who, merge.conflicts)
    if st.button("以最新版本為基礎", key=_state_key(pid, f"rebase-{current}"), icon=":material/sync:"):
        missing = [c.label for c in merge.conflicts if c.field not in chosen]
        if missing:
            st.error("尚未選擇：" + "、".join(f"「{m}」" for m in missing) + "採用哪一方的內容；請先在上方選擇。")
            return
        _rebase(pid, current, typed, seed, latest, chosen)
        st.rerun()


THEIRS, MINE, BOTH = "採用對方的內容", "採用您的內容", "合併兩者（在下方修改）"


def _conflicts(pid: str, current: int, who: str, conflicts: list) -> dict:
    """Each field both changed: theirs and mine side by side, and the choice (none until made).
    Returns the chosen form values by field."""
    chosen = {}
    for conflict in conflicts:
        field = editing.EDITABLE_BY_KEY.get(conflict.field)
        if field is None:
            continue
        theirs = card_history.value_text(conflict.field, conflict.theirs)
        mine = card_history.value_text(conflict.field, conflict.mine)
        st.markdown(
            f'<div class="bt-diff-field">{esc(field.label)}：雙方都修改了此欄</div>'
            + diff_view.side_by_side(f"{who}的內容（第 {current} 版）", theirs, "您的內容", mine),
            unsafe_allow_html=True,
        )
        texts = field.kind in (editing.LINE, editing.LINES)
        options = [THEIRS, MINE, BOTH] if texts else [THEIRS, MINE]
        key = _state_key(pid, f"pick-{current}-{field.key}")
        pick = st.radio(f"「{field.label}」採用", options, index=None, key=key, horizontal=True)
        if pick == THEIRS:
            chosen[field.key] = "theirs"
        elif pick == MINE:
            chosen[field.key] = "mine"
        elif pick == BOTH:
            limit = _room(field.key, {field.key: conflict.merged or mine})
            text = st.text_area(
                f"合併後的「{field.label}」",
                value=conflict.merged if conflict.merged is not None else mine,
                key=_state_key(pid, f"merged-{current}-{field.key}"),
                height=HEIGHT.get(field.key, TEXT_HEIGHT),
                max_chars=limit,
                help="已預先放入雙方的修改（無法自動合併時為您的內容）；請確認或修改後再繼續。",
            )
            chosen[field.key] = ("text", text)
    return chosen


def _rebase(pid: str, current: int, typed: dict, seed: dict, latest: dict, chosen: dict) -> None:
    """Base the form on `current`, as a new generation of widgets: fields not typed in take its
    values, fields typed keep what was typed, and each field both changed what was chosen (theirs,
    mine, or the merged text). The reason typed stays too."""
    values = {}
    for field in seed:
        if typed.get(field) == seed[field]:
            values[field] = latest[field]
        elif chosen.get(field) == "theirs":
            values[field] = latest[field]
        elif isinstance(chosen.get(field), tuple):
            values[field] = chosen[field][1]
        else:
            values[field] = typed[field]
    state = st.session_state
    reason = state.get(_widget_key(pid, "reason"), "")
    state[_state_key(pid, "gen")] = state.get(_state_key(pid, "gen"), 0) + 1
    state[_state_key(pid, "seed")] = latest
    state[_state_key(pid, "base")] = current
    for field, value in values.items():
        if field != "lead_units":
            state[_widget_key(pid, field)] = value
    state[_widget_key(pid, "leads-rows")] = values["lead_units"]
    state[_widget_key(pid, "reason")] = reason
    for name in ("problems", "refused"):
        state.pop(_state_key(pid, name), None)


# --- the secretariat's revert -----------------------------------------------------------------


def revert_section(card, actor: Actor, versions: list) -> None:
    """Undo one version as a new version, after a confirmation (the secretariat only)."""
    if not actor.is_secretariat or not versions:
        return
    pid, state = card.proposal.id, st.session_state
    labels = {
        v.version: f"第 {v.version} 版｜{card_history.when(v)}｜{v.recorded_by}｜"
        + "、".join(card_history.label(c["field"]) for c in v.changes)
        for v in versions
    }
    st.subheader("還原版本")
    row = st.container(horizontal=True, vertical_alignment="bottom")
    chosen = row.selectbox("選擇要還原的版本", list(labels), format_func=labels.get, key=_state_key(pid, "revert-pick"))
    if row.button("還原此版本", key=_state_key(pid, "revert"), icon=":material/undo:"):
        state[_state_key(pid, "revert-confirm")] = chosen
    confirm = state.get(_state_key(pid, "revert-confirm"))
    if confirm in labels:
        st.warning(f"確定要還原第 {confirm} 版嗎？該版修改的欄位會改回修改前的值，並記錄為一個新版本（原紀錄保留）。")
        buttons = st.container(horizontal=True)
        if buttons.button("確定還原", key=_state_key(pid, "revert-yes"), type="primary"):
            _revert(pid, actor, confirm)
        if buttons.button("取消", key=_state_key(pid, "revert-no")):
            state.pop(_state_key(pid, "revert-confirm"), None)
            st.rerun()
    if done := state.pop(_state_key(pid, "revert-flash"), None):
        st.success(done, icon=":material/check_circle:")


def _revert(pid: str, actor: Actor, version: int) -> None:
    state = st.session_state
    state.pop(_state_key(pid, "revert-confirm"), None)
    try:
        with cached.session() as s:
            saved = editing.revert(s, actor=run_context.writer(), proposal_id=pid, version=version)
    except (editing.EditError, editing.StaleEdit, PermissionDenied) as error:
        problems = getattr(error, "problems", None) or [str(error)]
        st.error("無法還原：\n\n" + "\n".join(f"- {problem_text(p)}" for p in problems))
        return
    state[_state_key(pid, "revert-flash")] = (
        f"已還原第 {version} 版，記錄為第 {saved.version} 版。"
        if saved
        else f"第 {version} 版修改的欄位已是修改前的值，不需還原。"
    )
    state.pop(_state_key(pid, "seed"), None)  # the form reopens on the new version
    st.rerun()
