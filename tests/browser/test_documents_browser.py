"""文件下載 in a real browser: choose a city, download its card bundle and its one-page summary, on a
desktop and a phone screen."""

import io
import os
import re

import docx
import pytest

from tests.browser.conftest import expect, finished
from tests.test_bundles import expected_city, meeting_cycle

pytestmark = pytest.mark.browser
SHOTS = os.environ.get("SCREENSHOT_DIR")  # set to keep the screenshots for a look


def _download(page, label: str) -> docx.Document:
    with page.expect_download() as download:
        page.get_by_role("button", name=label).click()
    return docx.Document(io.BytesIO(open(download.value.path(), "rb").read()))


@pytest.mark.parametrize("viewport", [(1280, 720), (390, 844)])
def test_a_city_bundle_and_summary_download(open_page, viewport):
    cycle = meeting_cycle()
    visit = open_page("/documents", viewport=viewport)
    visit.shows("文件下載", "提案單彙編", "副首長一頁摘要")
    page = visit.page
    page.get_by_role("radio", name="縣市").or_(page.get_by_role("button", name="縣市", exact=True)).first.click()
    finished(page, "下載 宜蘭縣 提案單彙編（.docx）")  # only once the bundle's city list is drawn
    expect(page).to_have_url(re.compile(r"city="))
    select = page.locator('[data-testid="stSelectbox"]').filter(has_text="縣市").first
    select.click()
    page.get_by_role("option", name="新竹縣").click()
    expected = expected_city("新竹縣", cycle)
    finished(page, f"{cycle}年度共 {len(expected)} 案")
    finished(page, "下載 新竹縣 提案單彙編（.docx）")
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/documents-{viewport[0]}.png", full_page=True)
    bundle = _download(page, "下載 新竹縣 提案單彙編（.docx）")
    assert sorted(row.cells[1].text for row in bundle.tables[0].rows[1:]) == sorted(expected)
    summary = _download(page, "下載 宜蘭縣 一頁摘要（.docx）")
    assert summary.paragraphs[0].text.startswith("宜蘭縣")
    expect(page.locator('[data-testid="stException"]')).to_have_count(0)
    assert visit.outside == []
