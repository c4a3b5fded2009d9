"""Keyboard users see where they are on every page: each control reached with Tab has an outline."""

import pytest

pytestmark = pytest.mark.browser

FOCUSED = """() => { const e = document.activeElement;
  const shown = e.type === 'radio' || e.type === 'checkbox' ? e.closest('label') : e;  // the input is hidden
  const cs = getComputedStyle(shown);
  return [e.tagName + ' ' + (e.getAttribute('aria-label') || e.innerText || '').slice(0, 20),
          cs.outlineStyle === 'none' ? 0 : parseFloat(cs.outlineWidth)]; }"""


@pytest.mark.parametrize("path", ["/", "/groups?group=transport", "/proposals", "/card?id=112-J02", "/map"])
def test_every_control_reached_with_tab_shows_an_outline(open_page, path):
    page = open_page(path).page
    page.wait_for_function(  # the focus styles have arrived (a retrying wait, not a fixed one)
        "() => [...document.querySelectorAll('style')].some(s => s.textContent.includes('#ffd400'))"
    )
    seen = set()
    for _ in range(12):
        page.keyboard.press("Tab")
        name, outline = page.evaluate(FOCUSED)
        if name.startswith("BODY"):
            break
        assert outline >= 2, f"{path}: {name} has no visible focus"
        seen.add(name)
    assert len(seen) >= 4, seen
