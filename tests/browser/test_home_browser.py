"""The home page on a fresh server, as a newcomer's first request."""
import pytest

pytestmark = pytest.mark.browser


def test_home_builds_store_and_shows_headline(open_page):
    visit = open_page("/")
    assert visit.exceptions() == []
    text = visit.text()
    assert "111年度列管案" in text and "13 案" in text
    assert "112年度新增提案" in text and "42 案" in text
    assert visit.outside == []
