"""The presenter's steps through the meeting: every agenda item and, at the decision item, each
proposal of the decision list in turn; finding the step a URL names, and the jump list."""

from dataclasses import dataclass

from dashboard.domain import lookup
from dashboard.domain.agenda import DECISION_KEY, title_line
from dashboard.domain.meeting import Entry, Section
from dashboard.store.models import AgendaItem


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


class StepNotFound(LookupError):
    """The URL names a step or a proposal the presenter does not have. `template` is the Chinese
    message with `{value}` where the value goes, so that a page can set the value apart."""

    def __init__(self, template: str, value: str):
        self.template, self.value = template, lookup.shown_value(value)
        super().__init__(template.format(value=f"「{self.value}」"))


def find_step(
    steps: list[Step], *, step: str | None = None, item: str | None = None, fallback: AgendaItem | None = None
) -> Step | None:
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
            raise StepNotFound(
                f"網址中的步驟（step）{{value}}不存在：簡報共 {len(steps)} 步，請用 1 到 {len(steps)}。", step
            )
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
