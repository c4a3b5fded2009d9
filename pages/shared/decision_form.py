"""Decision pieces shared by the meeting page and the presenter view: the decision in force,
its history, and the recording form (shown to the signed-in secretariat only).

Notes are user text: they are shown with st.text or inside st.dataframe, never as markup.
"""

import pyarrow as pa
import streamlit as st

from dashboard.domain import decisions, vocab
from dashboard.domain.meeting import Entry
from dashboard.domain.permissions import PermissionDenied
from dashboard.store.models import Decision
from pages.shared import cached, run_context, signed_out, styling


def resolution_chip(decision: Decision | None) -> str:
    """The decision in force as a coloured label (escaped HTML; vocabulary labels only)."""
    if decision is None:
        return styling.chip(vocab.UNDECIDED, vocab.NEUTRAL_COLOR)
    return styling.chip(decision.resolution, vocab.RESOLUTION_COLORS.get(decision.resolution, vocab.NEUTRAL_COLOR))


def counts_markup(counts) -> str:
    """Chips with the number of proposals per resolution (escaped HTML; labels from vocab)."""
    return "　".join(
        f"{styling.chip(label, vocab.RESOLUTION_COLORS.get(label, vocab.NEUTRAL_COLOR))} {int(counts[label])} 案"
        for label in [*vocab.RESOLUTIONS, vocab.UNDECIDED]
    )


def current_decision(decision: Decision | None) -> None:
    st.markdown(f"決議：{resolution_chip(decision)}", unsafe_allow_html=True)
    if decision is not None:
        if decision.note:
            st.text(f"備註：{decision.note}")
        st.caption(f"{decisions.recorded_label(decision)}｜記錄者：{decision.recorded_by}")


def history_tables(rows: list[Decision]) -> dict[str, pa.Table]:
    """Each proposal's recorded changes (rows: oldest first), newest first, as tables to show.
    Built together, once per store stamp: converting a frame on every run costs more than
    showing it, and one conversion for all proposals costs less than one each."""
    newest_first = list(reversed(rows))
    table = pa.Table.from_pandas(decisions.history_frame(newest_first).drop(columns=["提案編號"]), preserve_index=False)
    positions: dict[str, list[int]] = {}
    for index, decision in enumerate(newest_first):
        positions.setdefault(decision.proposal_id, []).append(index)
    return {proposal_id: table.take(indices) for proposal_id, indices in positions.items()}


def history_table(table: pa.Table | None) -> None:
    """One proposal's table from history_tables (None: nothing recorded yet)."""
    if table is None:
        st.caption("尚無決議紀錄。")
        return
    st.caption(f"決議紀錄（共 {table.num_rows} 筆，最新在上；舊紀錄保留不覆寫）")
    st.dataframe(table, hide_index=True, width="stretch")


def record_form(entry: Entry, user: str | None, *, key: str, compact: bool = False) -> None:
    """The secretariat's form for one proposal, then what the last save said; nothing at all for
    everyone else. `compact` puts the note and the button on one row beside the choice (the
    presenter's one screen)."""
    form(entry, user, key=key, compact=compact)
    show_saved(entry, key=key)


def form(entry: Entry, user: str | None, *, key: str, compact: bool = False) -> None:
    """The form alone (see record_form): the presenter draws it inside its live fragment and what
    was saved outside it, so that a fragment's rerun neither loses the message nor the form."""
    if not user:
        return
    kept = signed_out.restore(f"{key}-{entry.id}")  # a save refused as signed out: what was typed
    with st.form(f"{key}-{entry.id}", clear_on_submit=True, border=True):
        row = st.container(horizontal=True, vertical_alignment="bottom", gap="medium") if compact else st
        # Nothing preselected: each change is a deliberate choice, and a cleared form never
        # shows a resolution other than the one in force.
        resolution = row.radio("決議", vocab.RESOLUTIONS, index=None, horizontal=True, key=f"{key}-res-{entry.id}")
        note = row.text_input(
            "備註（選填）",
            max_chars=decisions.NOTE_MAX_CHARS,
            key=f"{key}-note-{entry.id}",
            placeholder="例：請主辦機關依與會意見修正後辦理",
        )
        submitted = row.form_submit_button("記錄決議", type="primary")
    if kept:
        st.error(signed_out.REFUSED, icon=":material/logout:")
    if submitted:
        save(entry, user, resolution, note, flash_key=_flash_key(entry, key), form_key=key)


def show_saved(entry: Entry, *, key: str) -> None:
    """What the last save of this form said, once. Said inline, not as a toast: a toast sits over
    the presenter's 下一步 button for seconds."""
    if saved := st.session_state.pop(_flash_key(entry, key), None):
        st.success(saved, icon=":material/check_circle:")


def _flash_key(entry: Entry, key: str) -> str:
    return f"{key}-saved-{entry.id}"


def save(entry: Entry, user: str, resolution: str | None, note: str, *, flash_key: str, form_key: str) -> None:
    if resolution is None:
        st.error("請先選擇決議。")
        return
    writer = run_context.writer()
    if writer.name is None:  # signed out since the form was opened: the cleared form gets it back
        signed_out.keep(
            f"{form_key}-{entry.id}", {f"{form_key}-res-{entry.id}": resolution, f"{form_key}-note-{entry.id}": note}
        )
    try:
        with cached.session() as s:
            # The session's own identity, read now: the data function checks its role.
            decisions.record(s, actor=writer, proposal_id=entry.id, resolution=resolution, note=note)
    except (decisions.DecisionError, PermissionDenied) as error:
        st.error(str(error))
        return
    st.session_state[flash_key] = f"已記錄 {entry.id}：{resolution}"
    st.rerun()
