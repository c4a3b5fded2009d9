"""Differences between two texts, by character (Chinese has no spaces to split words at), and the
three-way merge of one text that two people changed from the same version.

Pure functions on strings: the pages mark the pieces (escaped) and the commands print them.
"""

from difflib import SequenceMatcher

SAME, GONE, ADDED = "=", "-", "+"


# A run of this many characters or fewer in common between two changes is shown as changed: a
# stray 「已」 or 「。」 kept in the middle of a rewritten sentence reads as noise, not as kept.
STRAY = 2


def char_diff(old: str | None, new: str | None) -> list[tuple[str, str]]:
    """old -> new as pieces (SAME, text), (GONE, text only in old), (ADDED, text only in new), in
    reading order; adjacent pieces of one kind are joined, what is gone before what is added."""
    old, new = old or "", new or ""
    codes = SequenceMatcher(None, old, new, autojunk=False).get_opcodes()
    pieces: list[tuple[str, str]] = []
    gone, added = [], []

    def flush() -> None:
        for kind, parts in ((GONE, gone), (ADDED, added)):
            if "".join(parts):
                pieces.append((kind, "".join(parts)))
            parts.clear()

    for index, (tag, i1, i2, j1, j2) in enumerate(codes):
        between = 0 < index < len(codes) - 1
        if tag == "equal" and not (between and i2 - i1 <= STRAY):
            flush()
            if pieces and pieces[-1][0] == SAME:
                pieces[-1] = (SAME, pieces[-1][1] + old[i1:i2])
            else:
                pieces.append((SAME, old[i1:i2]))
        else:
            gone.append(old[i1:i2])
            added.append(new[j1:j2])
    flush()
    return pieces


def sides(old: str | None, new: str | None) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """The two texts whole, each as (kind, text) pieces: the old one with what the new one drops
    (GONE), the new one with what it adds (ADDED)."""
    pieces = char_diff(old, new)
    return _joined(p for p in pieces if p[0] != ADDED), _joined(p for p in pieces if p[0] != GONE)


def _joined(pieces) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for kind, text in pieces:
        if out and out[-1][0] == kind:
            out[-1] = (kind, out[-1][1] + text)
        else:
            out.append((kind, text))
    return out


def _edits(base: str, text: str) -> list[tuple[int, int, str]]:
    """What turns base into text, as (start, end in base, replacement) in order."""
    matcher = SequenceMatcher(None, base, text, autojunk=False)
    return [(i1, i2, text[j1:j2]) for tag, i1, i2, j1, j2 in matcher.get_opcodes() if tag != "equal"]


def merge_text(base: str | None, theirs: str | None, mine: str | None) -> str | None:
    """Both people's changes of base in one text, when they touch different places: an addition
    at the same place keeps both (theirs first). None when they change the same characters: then
    a person chooses."""
    base, theirs, mine = base or "", theirs or "", mine or ""
    if theirs == mine:
        return theirs
    ours, others = _edits(base, mine), _edits(base, theirs)
    merged, at = [], 0
    edits = sorted([(e, 0) for e in others] + [(e, 1) for e in ours], key=lambda x: (x[0][0], x[0][1], x[1]))
    for index, ((start, end, text), _) in enumerate(edits):
        if start < at:
            return None  # overlaps an edit already taken
        if index + 1 < len(edits):
            (nstart, nend, _), _ = edits[index + 1]
            if nstart < end or (nstart == end and (end > start or nend > nstart)):
                return None  # both change the same characters, or touch each other's
        merged.append(base[at:start])
        merged.append(text)
        at = end
    merged.append(base[at:])
    return "".join(merged)
