"""Dates and times: stored ISO (Gregorian) and in UTC, shown in the Republic of China calendar
and in Taipei time. The one owner of the time zone: every conversion goes through here."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

TAIPEI = ZoneInfo("Asia/Taipei")

ROC_OFFSET = 1911


def aware_utc(moment: datetime | None = None) -> datetime:
    """`moment` (default: now) as an aware UTC datetime, as the store keeps times; a naive value
    is taken as UTC (SQLite hands stored times back without their zone)."""
    moment = moment or datetime.now(UTC)
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def in_taipei(moment: datetime) -> datetime:
    """A stored time (UTC, naive or aware) in Taipei time."""
    return aware_utc(moment).astimezone(TAIPEI)


def now_taipei(now: datetime | None = None) -> datetime:
    """The current time in Taipei (or `now` converted there; a naive `now` is taken as UTC)."""
    return datetime.now(TAIPEI) if now is None else in_taipei(now)


def roc_year(year: int) -> int:
    return year - ROC_OFFSET


def roc_date(value: date | datetime | None) -> str:
    """2023-08-08 -> 112年8月8日; None -> ''."""
    if value is None:
        return ""
    return f"{roc_year(value.year)}年{value.month}月{value.day}日"


def roc_datetime(value: datetime | None) -> str:
    if value is None:
        return ""
    return f"{roc_date(value)} {value:%H:%M}"


def roc_period(start: date | None, end: date | None) -> str:
    if start and end:
        return f"{roc_date(start)}至{roc_date(end)}"
    return roc_date(start or end)
