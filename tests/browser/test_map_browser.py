"""The map page on a fresh server: the canvas really draws arcs, offline; hovering names a county;
choosing a city shows its view.

That a click on a county or marker reaches the selection handler is tested with AppTest
(tests/test_pages_map.py), not here: deck.gl takes a click for a short tap, which a loaded machine
running software WebGL does not reliably deliver, while hovering (the same picking) is reliable.
"""

import io
import re

import numpy as np
import pytest
from PIL import Image

from tests.browser.conftest import RUN_TIMEOUT, expect, poll

pytestmark = pytest.mark.browser

CANVAS = '[data-testid="stDeckGlJsonChart"] canvas'
ENOUGH = 300  # coloured pixels of each end colour that only drawn arcs produce
COUNTY_FILLS = ([236, 233, 226], [255, 228, 160])  # maps.COUNTY_FILL and the chosen county's
CITIES = {"宜蘭縣", "基隆市", "臺北市", "新北市", "桃園市", "新竹縣", "新竹市", "苗栗縣"}
TIP = re.compile(r"(\S+) 請他市支援：\S+ [\d,]+ 件")


def canvas_shot(visit) -> tuple[dict, np.ndarray]:
    """(canvas box on the page, its RGB pixels as ints)."""
    canvas = visit.page.locator(CANVAS).first
    expect(canvas).to_be_visible(timeout=RUN_TIMEOUT)
    box = canvas.bounding_box()
    return box, np.asarray(Image.open(io.BytesIO(visit.page.screenshot(clip=box))).convert("RGB")).astype(int)


def arc_pixels(pixels) -> tuple[int, int]:
    """(orange-ish, blue-ish) pixels: the two ends of the arcs' gradient. Counties, backdrop,
    markers and labels are greys and beiges, so these can only be arcs."""
    r, b = pixels[..., 0], pixels[..., 2]
    return int(((r - b > 110) & (r > 150)).sum()), int(((b - r > 90) & (b > 110)).sum())


def county_mask(pixels) -> np.ndarray:
    return np.any([np.abs(pixels - fill).max(axis=-1) <= 6 for fill in COUNTY_FILLS], axis=0)


def wait_for_arcs(visit) -> tuple[int, int]:
    """Software WebGL takes seconds to draw the first frame: re-shoot until both arc colours show."""
    return poll(
        lambda: arc_pixels(canvas_shot(visit)[1]),
        lambda counts: min(counts) >= ENOUGH,
        what=f"at least {ENOUGH} pixels of each arc colour",
    )


def inside_a_county(pixels, margin: int = 12) -> tuple[int, int]:
    """A point of the canvas (x, y) at least `margin` px inside some county's plain fill, away from
    borders, arcs, markers and labels, nearest the centre; found in the picture, not assumed."""
    inner = county_mask(pixels)
    for _ in range(margin):  # erode by one pixel per step; the padding keeps edges out
        padded = np.pad(inner, 1)
        inner = inner & padded[:-2, 1:-1] & padded[2:, 1:-1] & padded[1:-1, :-2] & padded[1:-1, 2:]
    ys, xs = np.nonzero(inner)
    assert len(ys), "no county fill found on the map"
    centre = np.array(pixels.shape[:2]) / 2
    i = int(np.argmin((ys - centre[0]) ** 2 + (xs - centre[1]) ** 2))
    return int(xs[i]), int(ys[i])


def test_default_map_draws_arcs_offline_and_hovering_a_county_names_it(open_page):
    visit = open_page("/map")
    visit.shows("八縣市合計")
    wait_for_arcs(visit)
    box, pixels = canvas_shot(visit)
    x, y = inside_a_county(pixels)
    page, tip = visit.page, visit.page.locator(".deck-tooltip")

    def hover() -> str | None:
        """Point at the county; if deck.gl missed that move (busy drawing), leave and come back."""
        page.mouse.move(box["x"] + x, box["y"] + y)
        try:
            expect(tip.filter(has_text="請他市支援")).to_be_visible(timeout=5_000)
        except AssertionError:
            page.locator('[data-testid="stMain"] h1').first.hover()
            return None
        return tip.inner_text()

    text = poll(hover, bool, what="a tooltip on hovering a county")
    match = TIP.search(text)
    assert match and match.group(1) in CITIES, text
    assert visit.exceptions() == []
    assert visit.outside == []


def test_choosing_a_city_shows_its_view_and_puts_it_in_the_url(open_page):
    visit = open_page("/map")
    page = visit.page
    visit.shows("八縣市合計")
    page.get_by_role("combobox", name=re.compile("縣市")).click()
    page.get_by_role("option", name="臺北市", exact=True).click()
    expect(page).to_have_url(re.compile(r"[?&]city=taipei(&|$)"), timeout=RUN_TIMEOUT)
    visit.shows("臺北市 請他市支援：合計 1,245 件", "新北市：合計 1,245 件（火警 5・救護 32・轉報 1,208）")
    assert visit.exceptions() == []


def test_city_view_draws_its_arcs_and_states_its_numbers(open_page):
    visit = open_page("/map?city=taipei")
    visit.shows(
        "臺北市 請他市支援：合計 1,245 件",
        "新北市：合計 1,245 件（火警 5・救護 32・轉報 1,208）",
        "112年1月1日至112年6月30日",
    )
    wait_for_arcs(visit)
    assert visit.exceptions() == [] and visit.outside == []


def test_social_worker_view_draws_arcs(open_page):
    visit = open_page("/map?flow=social")
    visit.shows("八縣市合計：57 位")
    wait_for_arcs(visit)
    assert visit.exceptions() == [] and visit.outside == []


def test_a_map_without_arcs_stays_under_the_threshold(open_page):
    """The pixel count is not trivially met: 基隆市 has no fire cases, so nothing is drawn."""
    visit = open_page("/map?metric=fire&city=keelung")
    visit.shows("基隆市 請他市支援：火警 0 件")
    # wait until the counties are drawn, so the canvas is not merely blank
    pixels = poll(
        lambda: canvas_shot(visit)[1], lambda shot: county_mask(shot).sum() > 20_000, what="the counties drawn"
    )
    orange, blue = arc_pixels(pixels)
    assert orange < ENOUGH and blue < ENOUGH, (orange, blue)
    assert visit.outside == []
