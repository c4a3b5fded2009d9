"""Differences between two texts, by character (Chinese has no spaces to split words at), and the
three-way merge of one text that two people changed from the same version.

Pure functions on strings: the pages mark the pieces (escaped) and the commands print them.
"""

from difflib import SequenceMatcher

SAME, GONE, ADDED = "=", "-", "+"


def char_diff(old: str | None, new: str | None) -> list[tuple[str, str]]:
    """old -> new as pieces (SAME, text), (GONE, text only in old), (ADDED, text only in new), in
    reading order; adjacent pieces of one kind are joined."""
    old, new = old or "", new or ""
    pieces: list[tuple[str, str]] = []

    def add(kind: str, text: str) -> None:
        if not text:
            return
        if pieces and pieces[-1][0] == kind:
            pieces[-1] = (kind, pieces[-1][1] + text)
        else:
            pieces.append((kind, text))

    matcher = SequenceMatcher(None, old, new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            add(SAME, old[i1:i2])
        else:
            add(GONE, old[i1:i2])
            add(ADDED, new[j1:j2])
    return pieces


def sides(old: str | None, new: str | None) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """The two texts whole, each as (kind, text) pieces: the old one with what the new one drops
    (GONE), the new one with what it adds (ADDED)."""
    pieces = char_diff(old, new)
    return [p for p in pieces if p[0] != ADDED], [p for p in pieces if p[0] != GONE]


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
