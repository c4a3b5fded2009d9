"""The home page on a fresh server, as a newcomer's first request."""

import pytest

pytestmark = pytest.mark.browser


def test_home_builds_store_and_shows_headline(open_page):
    visit = open_page("/")
    visit.shows("111年度列管案", "13 案", "112年度新增提案", "42 案")
    assert visit.exceptions() == []
    assert visit.outside == []
