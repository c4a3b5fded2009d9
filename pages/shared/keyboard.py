"""Keyboard access that Streamlit's own widgets lack, as one small st.components.v2 component.

st.dataframe's grid opens a cell viewer on Enter; in the proposal list a person expects Enter on a
row to open that proposal, as a click on its id does. The script only reads the grid's accessible
cells (the id column holds the card link), so it adds nothing to the page and loads nothing.
"""

import streamlit as st

ENTER_ON_ROW_JS = """
export default function ({ setTriggerValue, data }) {
  const scope = data && data.scope;
  const onKey = (event) => {
    if (event.key !== "Enter" || event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) return;
    const cell = event.target instanceof Element ? event.target.closest('[role="gridcell"]') : null;
    if (!cell || !scope || !cell.closest(scope)) return;
    const row = cell.closest('[role="row"]');
    const link = row && [...row.querySelectorAll('[role="gridcell"]')]
      .map((c) => c.textContent || "").find((text) => /[?&]id=/.test(text));
    if (!link) return;
    const id = new URLSearchParams(link.slice(link.indexOf("?") + 1)).get("id");
    if (!id) return;
    event.preventDefault();
    event.stopPropagation();
    setTriggerValue("open", id);
  };
  document.addEventListener("keydown", onKey, true);
  return () => document.removeEventListener("keydown", onKey, true);
}
"""

_enter_on_row = st.components.v2.component("beitai_enter_on_row", js=ENTER_ON_ROW_JS)


def enter_on_row(*, key: str, table_key: str) -> str | None:
    """The proposal id of the row where Enter was pressed in the st.dataframe with `table_key`
    (its link column must hold card URLs), on the run that follows; else None."""
    result = _enter_on_row(key=key, data={"scope": f".st-key-{table_key}"}, on_open_change=lambda: None)
    return getattr(result, "open", None)
