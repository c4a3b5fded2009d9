"""A long card printed to A4 by Chromium: every page names the proposal, and the mutual-aid table's
header comes back on the page it continues on."""

import shutil
import subprocess

import pytest

from tests.browser.conftest import _require

pytestmark = pytest.mark.browser


def _page_texts(pdf) -> list[str]:
    _require(shutil.which("pdftotext") is not None, "pdftotext (poppler-utils) is not installed")
    pages = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True, timeout=60
    ).stdout.split("\f")
    return [page for page in pages if page.strip()]


def test_a_long_printed_card_repeats_its_id_and_table_header(open_page, tmp_path):
    visit = open_page("/card?id=112-J17")
    visit.page.locator("table.bt-card").first.wait_for(timeout=30_000)
    visit.page.emulate_media(media="print")
    pdf = tmp_path / "card.pdf"
    visit.page.pdf(path=str(pdf), format="A4")
    pages = _page_texts(pdf)
    assert len(pages) >= 2, "the longest card takes more than one page"
    assert all("112-J17" in page and "跨區通報支援" in page for page in pages)
    start = next(i for i, page in enumerate(pages) if "跨區救災救護支援及轉報統計" in page)
    assert start < len(pages) - 1, "the mutual-aid table runs on to another page"
    assert all("請求縣市" in page for page in pages[start:])
