"""The meeting's running order: where the clock stands in the agenda, and the presenter's steps
through it. Pure functions over the agenda items and the decision list that dashboard/domain/meeting.py
reads from the store.

Times of day are compared without the date, so that a rehearsal on another day follows the
same agenda. The presenter's steps walk the agenda and, at the decision item, each proposal of
the decision list in turn.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, time

from dashboard.store.models import AgendaItem

DECISION_KEY = "decision"  # AgendaItem.key of the item where the proposals are decided
CLOCK_PATTERN = re.compile(r"^\s*([01]?[0-9]|2[0-3])[:：]([0-5][0-9])\s*$")


# --- the clock ------------------------------------------------------------------------------


def parse_clock(text: str | None) -> time | None:
    """'15:12' -> 15:12; None for anything that is not a time of day."""
    match = CLOCK_PATTERN.match(text or "")
    if not match:
        return None
    return time(int(match.group(1)), int(match.group(2)))


def format_clock(value: time) -> str:
    return f"{value:%H:%M}"


def weekday_label(value: date) -> str:
    return "星期" + "一二三四五六日"[value.weekday()]


# --- where the clock stands -----------------------------------------------------------------


def item_end(agenda: list[AgendaItem], index: int) -> time | None:
    """An item ends at its own end, else where the next one starts; the last marker never ends."""
    item = agenda[index]
    if item.end is not None:
        return item.end
    if index + 1 < len(agenda):
        return agenda[index + 1].start
    return None


def title_line(item: AgendaItem) -> str:
    """The title on one line (some titles hold a line break in the packet)."""
    return "　".join(part.strip() for part in item.title.splitlines() if part.strip())


@dataclass(frozen=True)
class AgendaStatus:
    phase: str  # before / running / between / ended
    current: AgendaItem | None
    next: AgendaItem | None
    minutes_left: int | None = None  # of the current item


def _minutes_between(start: time, end: time) -> int:
    return (end.hour * 60 + end.minute) - (start.hour * 60 + start.minute)


def status_at(agenda: list[AgendaItem], at: time) -> AgendaStatus:
    """The current and the next item at time of day `at`.

    Before the first item nothing is current; at or after an item that has no end (the closing
    marker 會議結束) the meeting has ended and that marker is reported as current.
    """
    at = at.replace(second=0, microsecond=0, tzinfo=None)
    if not agenda:
        return AgendaStatus("ended", None, None)
    if at < agenda[0].start:
        return AgendaStatus("before", None, agenda[0])
    for index, item in enumerate(agenda):
        end = item_end(agenda, index)
        following = agenda[index + 1] if index + 1 < len(agenda) else None
        if end is None and at >= item.start:
            return AgendaStatus("ended", item, None)
        if end is not None and item.start <= at < end:
            return AgendaStatus("running", item, following, _minutes_between(at, end))
        if end is not None and following is not None and end <= at < following.start:
            return AgendaStatus("between", None, following)
    return AgendaStatus("ended", None, None)


def decision_item(agenda: list[AgendaItem]) -> AgendaItem | None:
    return next((item for item in agenda if item.key == DECISION_KEY), None)
