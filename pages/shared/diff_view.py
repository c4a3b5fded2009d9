"""Two texts side by side, whole and wrapped, with the characters that differ marked (domain/diffs.py):
what the old one drops struck through, what the new one adds underlined, each on a tinted ground
(the marks, not only the colour, carry the difference). Every piece of stored text is escaped
(styling.esc): nothing of a field is read as markdown or HTML. Two columns on a wide screen, one
under the other on a phone."""

from dashboard.domain import diffs
from pages.shared.styling import esc

CSS = """<style>
.bt-diff{display:grid;grid-template-columns:minmax(0,1fr) minmax(0,1fr);gap:.5rem .9rem;margin:.2rem 0 .7rem}
.bt-diff-side{border:1px solid rgba(128,128,128,.45);border-radius:.4rem;padding:.4rem .6rem;min-width:0}
.bt-diff-title{font-size:.9rem;font-weight:600;opacity:.85;margin-bottom:.15rem}
.bt-diff-text{line-height:1.7;overflow-wrap:anywhere}
.bt-diff-text del{background:rgba(213,94,0,.22);text-decoration:line-through}
.bt-diff-text ins{background:rgba(0,158,115,.25);text-decoration:underline}
.bt-diff-empty{opacity:.65}
.bt-diff-field{font-weight:700;margin:.5rem 0 .1rem}
.bt-diff-version{margin:.8rem 0 .1rem;font-size:.95rem}
@media (max-width:640px){.bt-diff{grid-template-columns:minmax(0,1fr)}}
</style>"""
EMPTY = "（空白）"


def marked(pieces: list[tuple[str, str]]) -> str:
    """The pieces of one text as escaped HTML, the dropped ones in <del>, the added ones in <ins>."""
    if not any(text for _, text in pieces):
        return f'<span class="bt-diff-empty">{EMPTY}</span>'
    tags = {diffs.GONE: "del", diffs.ADDED: "ins"}
    return "".join(f"<{tags[kind]}>{esc(text)}</{tags[kind]}>" if kind in tags else esc(text) for kind, text in pieces)


def side_by_side(left_title: str, left: str, right_title: str, right: str) -> str:
    """left -> right as two boxes (a <div> block, one line of markup): each text whole, the left one
    with what the right drops marked, the right one with what it adds marked."""
    old, new = diffs.sides(left, right)
    return (
        '<div class="bt-diff">'
        f'<div class="bt-diff-side"><div class="bt-diff-title">{esc(left_title)}</div>'
        f'<div class="bt-diff-text">{marked(old)}</div></div>'
        f'<div class="bt-diff-side"><div class="bt-diff-title">{esc(right_title)}</div>'
        f'<div class="bt-diff-text">{marked(new)}</div></div>'
        "</div>"
    )


def field_change(label: str, old: str, new: str, *, old_title: str = "原值", new_title: str = "新值") -> str:
    """One field's change: its label, then old and new side by side."""
    return f'<div class="bt-diff-field">{esc(label)}</div>' + side_by_side(old_title, old, new_title, new)
