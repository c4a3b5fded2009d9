from datetime import date, datetime

import pytest

from dashboard.domain.dates import roc_date, roc_datetime, roc_period


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (date(2023, 8, 8), "112年8月8日"),
        (date(2023, 1, 17), "112年1月17日"),
        (date(1912, 1, 1), "1年1月1日"),
        (None, ""),
    ],
)
def test_roc_date(value, expected):
    assert roc_date(value) == expected


def test_roc_datetime_and_period():
    assert roc_datetime(datetime(2023, 8, 8, 15, 10)) == "112年8月8日 15:10"
    assert roc_period(date(2023, 1, 1), date(2023, 6, 30)) == "112年1月1日至112年6月30日"
