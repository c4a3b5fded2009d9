"""A paste past a text field's limit keeps its first part, and the field says so.

Streamlit's text_input and text_area with max_chars count the characters as one types and stop
taking them at the limit; but a paste that would go past it is dropped whole, without a word (the
frontend ignores any change longer than max_chars), so a long text pasted leaves the field as it
was. keep_first_part() gives those fields the browser's own maxlength as well: the browser then
pastes the part that fits, Streamlit takes it, and a note under the field says that the rest was
not pasted (「已達上限 300 字，超過的部分未貼上」). The saved version then warns once more
(proposal_rules.at_limit). Fields are found by their widget key (Streamlit's `st-key-…` class).
"""

import json

import streamlit as st

NOTE = "已達上限 {limit} 字，超過的部分未貼上；請確認結尾完整。"

_SCRIPT = """<script>
(() => {
  const limits = window.btTextLimits = Object.assign(window.btTextLimits || {}, __LIMITS__);
  const note = __NOTE__;
  const show = (field, text) => {
    const box = field.closest("[class*='st-key-']");
    let line = box && box.querySelector(":scope > .bt-paste-note");
    if (!text) { if (line) line.remove(); return; }
    if (!box) return;
    if (!line) {
      line = document.createElement("div");
      line.className = "bt-paste-note";
      line.setAttribute("role", "status");
      box.appendChild(line);
    }
    line.textContent = text;
  };
  const apply = () => {
    for (const [key, limit] of Object.entries(limits)) {
      const box = document.querySelector(".st-key-" + CSS.escape(key));
      const field = box && box.querySelector("textarea, input");
      if (!field || field.dataset.btLimit === String(limit)) continue;
      field.maxLength = limit;
      field.dataset.btLimit = String(limit);
      field.addEventListener("paste", (event) => {
        const text = (event.clipboardData || window.clipboardData).getData("text") || "";
        const room = field.maxLength - field.value.length + (field.selectionEnd - field.selectionStart);
        show(field, text.length > room ? note.replace("{limit}", field.maxLength) : null);
      });
      field.addEventListener("input", () => { if (field.value.length < field.maxLength) show(field, null); });
    }
  };
  if (!window.btTextLimitsWatch) {
    let pending = false;
    window.btTextLimitsWatch = new MutationObserver(() => {
      if (pending) return;
      pending = true;
      requestAnimationFrame(() => { pending = false; apply(); });
    });
    window.btTextLimitsWatch.observe(document.body, {childList: true, subtree: true});
  }
  apply();
})();
</script>"""

CSS = (
    "<style>.bt-paste-note{color:var(--bt-warning-text,#9a6700);font-size:.875rem;margin-top:.25rem}"
    "@media (prefers-color-scheme:dark){.bt-paste-note{color:#e3b341}}</style>"
)


def keep_first_part(limits: dict[str, int]) -> None:
    """Give the text fields drawn under these widget keys their limits (widget key -> characters)."""
    script = _SCRIPT.replace("__LIMITS__", json.dumps(limits)).replace("__NOTE__", json.dumps(NOTE))
    st.html(CSS + script, unsafe_allow_javascript=True, width="content")
