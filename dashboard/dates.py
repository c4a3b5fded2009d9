"""Dates are stored ISO (Gregorian) and shown in the Republic of China calendar."""
from datetime import date, datetime

ROC_OFFSET = 1911


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
