"""What the 開始新年度 page shows and sends, as plain functions: the preview of the cycle's outcomes
(dashboard/domain/new_year.plan, which start_year carries out, read through cached.py), the form's defaults taken from the last meeting, the values
start_year takes, and the lines that report a start. The rules themselves live in dashboard/domain/new_year.py."""

from dataclasses import dataclass
from datetime import date, time

import pandas as pd

from dashboard.domain import new_year, vocab
from dashboard.domain.dates import ROC_OFFSET, roc_date, roc_year
from dashboard.domain.meeting_settings import HYBRID, IN_PERSON, ONLINE, form_of
from dashboard.store.models import Meeting, Proposal, WorkGroup
from pages.shared import url

PREVIEW_COLUMNS = ["url", "title", "group", "resolution", "reason"]  # the reason names the tracking status
TEXT_LABELS = {"chair": "主持人", "chair_org": "主持機關", "venue": "地點", "url": "會議連結"}
TEXT_FIELDS = tuple(TEXT_LABELS)  # the meeting's details the form may change
BY_FORM = ("venue", "url")  # prefilled by the form chosen (their widgets' keys carry it)


@dataclass(frozen=True)
class Preview:
    """The cycle `current` as the start of `year` would leave it (new_year.Plan, as tables)."""

    current: int  # the cycle whose meeting decides who carries over
    year: int  # the one to start: the cycle after `current`
    last_meeting: Meeting
    stays: pd.DataFrame  # the id each will get (new_id) and PREVIEW_COLUMNS, packet order
    leaves: pd.DataFrame
    undecided: list[str]  # ids of the proposals without a decision in force


def preview(plan: new_year.Plan | None, all_groups: list[WorkGroup]) -> Preview | None:
    """What starting the next cycle would do now (`plan`: dashboard/domain/new_year.plan, which
    start_year carries out; None for a store without the previous cycle's meeting), laid out for
    the page; `all_groups` name the groups."""
    if plan is None:
        return None
    groups = {g.id: g.name for g in all_groups}
    stays = _frame([(p, o) for _, p, o in plan.staying], groups)
    stays.insert(0, "new_id", [new_id for new_id, _, _ in plan.staying])
    leaves = _frame(plan.leaving, groups)
    return Preview(plan.previous, plan.cycle, plan.last_meeting, stays, leaves, plan.undecided)


def _frame(pairs: list[tuple[Proposal, new_year.Outcome]], groups: dict[str, str]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "url": [url.card_link(p.id).href for p, _ in pairs],
            "title": [p.title for p, _ in pairs],
            "group": [groups.get(p.group_id, p.group_id) for p, _ in pairs],
            "resolution": [o.resolution or vocab.UNDECIDED for _, o in pairs],
            "reason": [o.reason for _, o in pairs],
        },
        columns=PREVIEW_COLUMNS,
    )


def default_date(last: date, cycle: int) -> date:
    """The last meeting's month and day in `cycle`'s year, the 28th for a 29 February."""
    western = cycle + ROC_OFFSET
    try:
        return last.replace(year=western)
    except ValueError:
        return last.replace(year=western, day=28)


def date_note(day: date | None, cycle: int) -> str:
    """The chosen date in ROC form, with a warning when it is outside `cycle`'s year."""
    if day is None:
        return "請選擇會議日期。"
    shown = f"民國{roc_date(day)}（{day.isoformat()}）"
    if roc_year(day.year) != cycle:
        return f"{shown}：不在{cycle}年度（西元 {cycle + ROC_OFFSET} 年），將無法開始。"
    return shown


def defaults(last: Meeting, form: str | None = None) -> dict[str, str]:
    """The form's text fields as the last meeting has them, for a meeting held in `form`: an
    in-person or hybrid one takes no 「線上會議」 venue, an in-person one no link."""
    values = {name: getattr(last, name) or "" for name in TEXT_FIELDS}
    if form in (IN_PERSON, HYBRID) and form_of(last) == ONLINE:
        values["venue"] = ""
    if form == IN_PERSON or (form == HYBRID and form_of(last) == IN_PERSON):
        values["url"] = ""
    return values


def arguments(
    *,
    cycle: int,
    day: date | None,
    start_time: time | None,
    texts: dict[str, str | None],
    defaults: dict[str, str],
    host_city: str | None = None,
    form: str | None = None,
    last_start: time | None = None,
) -> dict:
    """start_year's keyword arguments from the form. A field left as the last meeting has it is not
    sent: start_year carries it and marks it 「沿用上年度，待確認」; one emptied is sent, so start_year
    says it may not be blank."""
    given = {name: value or "" for name, value in texts.items() if (value or "").strip() != defaults.get(name, "")}
    if start_time == last_start:
        start_time = None  # carried, and marked
    if form == IN_PERSON:
        given.pop("url", None)  # no link for an in-person meeting
    return dict(cycle=cycle, meeting_date=day, start_time=start_time, host_city=host_city, form=form, **given)


def success_text(result: new_year.YearStarted, day: date) -> str:
    """The line that reports a start: the new year, its meeting and the counts."""
    return (
        f"已開始{result.year}年度：{result.previous}年度的提案中，持續列管 {len(result.carried)} 案、"
        f"解除列管 {len(result.left)} 案；{result.year}年度會議訂於{roc_date(day)}。"
    )


def carried_frame(result: new_year.YearStarted) -> pd.DataFrame:
    """The carried-over rows just created: their new id (a link to the card) and the id they continue."""
    return pd.DataFrame(
        {
            "url": [url.card_link(new).href for new, _ in result.carried],
            "source": [source for _, source in result.carried],
        }
    )
