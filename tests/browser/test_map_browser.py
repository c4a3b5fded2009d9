"""The map page on a fresh server: the canvas really draws arcs, offline, and a click chooses a city."""
import io
import re

import numpy as np
import pytest
from PIL import Image

pytestmark = pytest.mark.browser

CANVAS = '[data-testid="stDeckGlJsonChart"] canvas'
DONE = '[data-testid="stApp"][data-test-script-state="notRunning"]'
ENOUGH = 300  # coloured pixels of each end colour that only drawn arcs produce


def arc_pixels(visit) -> tuple[int, int]:
    """(orange-ish, blue-ish) pixels inside the map canvas: the two ends of the arcs' gradient.
    Counties, backdrop, markers and labels are greys and beiges, so these can only be arcs."""
    box = visit.page.locator(CANVAS).first.bounding_box()
    pixels = np.asarray(Image.open(io.BytesIO(visit.page.screenshot(clip=box))).convert("RGB")).astype(int)
    r, b = pixels[..., 0], pixels[..., 2]
    return int(((r - b > 110) & (r > 150)).sum()), int(((b - r > 90) & (b > 110)).sum())


def county_pixels(visit) -> int:
    """Pixels of the eight counties' beige fill (maps.COUNTY_FILL or the chosen county's)."""
    box = visit.page.locator(CANVAS).first.bounding_box()
    pixels = np.asarray(Image.open(io.BytesIO(visit.page.screenshot(clip=box))).convert("RGB")).astype(int)
    beige = (np.abs(pixels - [236, 233, 226]).max(axis=-1) <= 6) | (np.abs(pixels - [255, 228, 160]).max(axis=-1) <= 6)
    return int(beige.sum())


def wait_for_arcs(visit, tries=40) -> tuple[int, int]:
    """Software WebGL takes seconds to draw the first frame; poll until the arcs appear."""
    visit.page.wait_for_selector(CANVAS, timeout=30_000)
    counts = (0, 0)
    for _ in range(tries):
        counts = arc_pixels(visit)
        if min(counts) >= ENOUGH:
            break
        visit.page.wait_for_timeout(500)
    return counts


def test_default_map_draws_arcs_offline_and_a_click_chooses_a_county(open_page):
    visit = open_page("/map")
    assert visit.exceptions() == []
    orange, blue = wait_for_arcs(visit)
    assert orange >= ENOUGH and blue >= ENOUGH, (orange, blue)

    page = visit.page
    box = page.locator(CANVAS).first.bounding_box()
    found = None
    for fy in (0.75, 0.65, 0.55, 0.45):
        for fx in (0.12, 0.2, 0.3, 0.4, 0.5):
            page.mouse.move(box["x"] + fx * box["width"], box["y"] + fy * box["height"])
            page.wait_for_timeout(150)
            tips = [t for t in page.locator(".deck-tooltip").all_inner_texts() if " 請他市支援" in t]
            if tips:
                found = (fx, fy, re.match(r"(\S+) 請他市支援", tips[0]).group(1))
                break
        if found:
            break
    assert found, "no county answered a hover"
    fx, fy, name = found
    page.mouse.click(box["x"] + fx * box["width"], box["y"] + fy * box["height"])
    page.wait_for_function("() => /[?&]city=/.test(location.search)", timeout=15_000)
    page.wait_for_selector(DONE, timeout=30_000)
    page.wait_for_timeout(500)
    assert f"{name} 請他市支援" in visit.text()
    assert visit.exceptions() == []
    assert visit.outside == []


def test_city_view_draws_its_arcs_and_states_its_numbers(open_page):
    visit = open_page("/map?city=taipei")
    orange, blue = wait_for_arcs(visit)
    assert orange >= ENOUGH and blue >= ENOUGH, (orange, blue)
    text = visit.text()
    assert "臺北市 請他市支援：合計 1,245 件" in text
    assert "新北市：合計 1,245 件（火警 5・救護 32・轉報 1,208）" in text
    assert "112年1月1日至112年6月30日" in text
    assert visit.exceptions() == [] and visit.outside == []


def test_social_worker_view_draws_arcs(open_page):
    visit = open_page("/map?flow=social")
    orange, blue = wait_for_arcs(visit)
    assert orange >= ENOUGH and blue >= ENOUGH, (orange, blue)
    assert "八縣市合計：57 位" in visit.text()
    assert visit.exceptions() == [] and visit.outside == []


def test_a_map_without_arcs_stays_under_the_threshold(open_page):
    """The pixel count is not trivially met: 基隆市 has no fire cases, so nothing is drawn."""
    visit = open_page("/map?metric=fire&city=keelung")
    visit.page.wait_for_selector(CANVAS, timeout=30_000)
    for _ in range(40):  # wait until the counties are drawn, so the canvas is not merely blank
        if county_pixels(visit) > 20_000:
            break
        visit.page.wait_for_timeout(500)
    assert county_pixels(visit) > 20_000
    orange, blue = arc_pixels(visit)
    assert orange < ENOUGH and blue < ENOUGH, (orange, blue)
    assert "基隆市 請他市支援：火警 0 件" in visit.text()
    assert visit.outside == []
