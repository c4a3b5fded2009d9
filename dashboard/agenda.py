"""The meeting's running order: where the clock stands in the agenda, and the presenter's steps
through it. Pure functions over the agenda items and the decision list that dashboard/meeting.py
reads from the store.

Times of day are compared without the date, so that a rehearsal on another day follows the
same agenda. The presenter's steps walk the agenda and, at the decision item, each proposal of
the decision list in turn.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from dashboard import lookup
from dashboard.models import AgendaItem

if TYPE_CHECKING:  # only for annotations: meeting.py builds on this module
    from dashboard.meeting import Entry, Section

TAIPEI = ZoneInfo("Asia/Taipei")
DECISION_KEY = "decision"  # AgendaItem.key of the item where the proposals are decided
CLOCK_PATTERN = re.compile(r"^\s*([01]?[0-9]|2[0-3])[:：]([0-5][0-9])\s*$")


# --- the clock ------------------------------------------------------------------------------

def now_taipei(now: datetime | None = None) -> datetime:
    """The current time in Taipei (or `now` converted there; a naive `now` is taken as UTC)."""
    if now is None:
        return datetime.now(TAIPEI)
    if now.tzinfo is None:
        now = now.replace(tzinfo=ZoneInfo("UTC"))
    return now.astimezone(TAIPEI)


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


# --- the presenter's steps ------------------------------------------------------------------

@dataclass(frozen=True)
class Step:
    number: int  # 1-based, as shown on screen
    item: AgendaItem
    entry: Entry | None = None  # set on the steps of the decision item's proposals
    section: Section | None = None
    position: int | None = None  # 1-based within the section

    @property
    def params(self) -> dict[str, str]:
        """The query parameters of this step's own URL (besides present=1)."""
        if self.entry is not None:
            return {"item": self.entry.id}
        return {"step": str(self.number)}


def presenter_steps(agenda: list[AgendaItem], sections: list[Section]) -> list[Step]:
    """Every agenda item, and after the decision item's overview each proposal in turn."""
    steps: list[Step] = []
    for item in agenda:
        steps.append(Step(len(steps) + 1, item))
        if item.key == DECISION_KEY:
            for section in sections:
                for position, entry in enumerate(section.entries, start=1):
                    steps.append(Step(len(steps) + 1, item, entry, section, position))
    return steps


SHOWN_MAX_CHARS = 40


def shown_value(text: str) -> str:
    """A value from the URL as quoted in a message: one line, cut short."""
    text = " ".join(str(text).split())
    return text if len(text) <= SHOWN_MAX_CHARS else text[:SHOWN_MAX_CHARS] + "…"


class StepNotFound(LookupError):
    """The URL names a step or a proposal the presenter does not have. `template` is the Chinese
    message with `{value}` where the value goes, so that a page can set the value apart."""

    def __init__(self, template: str, value: str):
        self.template, self.value = template, shown_value(value)
        super().__init__(template.format(value=f"「{self.value}」"))


def find_step(steps: list[Step], *, step: str | None = None, item: str | None = None,
              fallback: AgendaItem | None = None) -> Step | None:
    """The step a URL names: `item` (a proposal id, any case) first, then `step` (its number);
    without either, the step of `fallback` (the item running now), else the first.

    Raises StepNotFound when a given `item` or `step` names nothing: a mistyped link must say so
    rather than open another step. None when there are no steps at all.
    """
    if not steps:
        return None
    if item is not None:
        by_id = {s.entry.id: s for s in steps if s.entry is not None}
        found = lookup.proposal_id(item, by_id)
        if found is None:
            raise StepNotFound("網址中的提案編號（item）{value}不在本次會議的決議清單中。", item)
        return by_id[found]
    if step is not None:
        text = step.strip()
        if not (text.isascii() and text.isdigit() and 1 <= int(text) <= len(steps)):
            raise StepNotFound(f"網址中的步驟（step）{{value}}不存在：簡報共 {len(steps)} 步，請用 1 到 {len(steps)}。",
                               step)
        return steps[int(text) - 1]
    if fallback is not None:
        found = next((s for s in steps if s.entry is None and s.item.position == fallback.position), None)
        if found:
            return found
    return steps[0]


def jump_targets(steps: list[Step]) -> dict[str, Step]:
    """Every place the presenter can jump to, by its label in the jump list, in running order:
    each agenda item, each section of the decision list (its first proposal), each proposal."""
    targets: dict[str, Step] = {}
    for s in steps:
        if s.entry is None:
            targets[f"議程 {s.item.position}　{title_line(s.item)}"] = s
            continue
        if s.position == 1:
            targets[f"{s.section.title}（{len(s.section.entries)} 案）"] = s
        targets[f"{s.entry.id}　{s.entry.title}"] = s
    return targets
