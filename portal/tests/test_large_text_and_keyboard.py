"""The phone forms with the system font at 200%, and the report sent by keyboard alone with a visible focus
(what axe cannot see; GB/T 37668-2019 / WCAG 2.1 1.4.4, 1.4.10, 2.1.1, 2.4.7). The report page's screenshots in
docs/screenshots/ come from here: `make screenshots`."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from portal.tests.test_browser import PHONE

pytestmark = pytest.mark.browser

# A phone's "largest text" setting doubles the browser's default font size, which every rem in the theme follows.
TEXT_AT_200 = "document.addEventListener('DOMContentLoaded', () => { document.documentElement.style.fontSize = '200%'; })"
FITS = "() => document.scrollingElement.scrollWidth <= window.innerWidth"
OUTSIDE_THE_SCREEN = """width => [...document.querySelectorAll("main input, main select, main textarea, main button")]
  .filter((el) => el.type !== "hidden" && !el.closest("[aria-hidden=true]"))
  .filter((el) => { const box = el.getBoundingClientRect(); return box.left < 0 || box.right > width + 1; })
  .map((el) => el.id || el.name || el.textContent.trim())"""
FOCUS_SHOWN = """() => {
  const el = document.activeElement, style = getComputedStyle(el);
  return (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0) || style.boxShadow !== 'none';
}"""


def _tab_to(page: Page, selector: str, limit: int = 30) -> None:
    """Press Tab until the element has the focus; every stop on the way shows where the focus is."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        stop = page.evaluate("() => document.activeElement.outerHTML.slice(0, 80)")
        assert page.evaluate(FOCUS_SHOWN), f"no visible focus on {stop}"
        if page.evaluate("s => document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"Tab never reached {selector}")


def test_the_phone_forms_fit_with_the_text_at_200_percent(live_server, service, page: Page):
    page.set_viewport_size(PHONE)
    page.add_init_script(TEXT_AT_200)
    for path in ["/report/", "/track/", "/login/", "/reports/"]:
        page.goto(f"{live_server.url}{path}")
        assert page.evaluate("() => getComputedStyle(document.documentElement).fontSize") == "32px"
        assert page.evaluate(FITS), f"{path} scrolls sideways at 200% text"
        outside = page.evaluate(OUTSIDE_THE_SCREEN, PHONE["width"])
        assert outside == [], f"{path}: at 200% text these controls leave the screen"


def test_a_report_is_sent_by_keyboard_alone_at_200_percent(live_server, service, page: Page):
    page.set_viewport_size(PHONE)
    page.add_init_script(TEXT_AT_200)
    page.goto(f"{live_server.url}/report/")
    expect(page.locator("#report-map path").first).to_be_visible()  # the county is drawn

    _tab_to(page, "#id_photos")
    _tab_to(page, "#report-map")
    page.keyboard.press("Enter")  # marks the map's centre, inside the county
    expect(page.get_by_test_id("location-status")).to_contain_text("已标记位置")
    _tab_to(page, "#id_service")
    page.keyboard.press("ArrowDown")  # a closed select takes the next option from the arrow keys
    expect(page.locator("#id_service")).not_to_have_value("")
    _tab_to(page, "#id_description")
    page.keyboard.type("新华路口垃圾成堆")
    _tab_to(page, "form button:not([type=button])")
    page.keyboard.press("Enter")

    expect(page.get_by_test_id("tracking-code")).to_be_visible()
    assert page.evaluate(FITS)


def test_errors_are_announced_and_tied_to_their_fields(live_server, service, page: Page):
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/report/")
    page.get_by_role("button", name="提交举报").click()

    summary = page.get_by_role("alert")
    expect(summary).to_be_focused()  # read out at once
    expect(summary).to_contain_text("在地图上点选问题位置")
    description = page.locator("#id_description")
    expect(description).to_have_attribute("aria-invalid", "true")
    error_id = re.search(r"\bid_description_error\b", description.get_attribute("aria-describedby") or "")
    assert error_id, "the description's error is not tied to it"
    expect(page.locator("#id_description_error")).not_to_be_empty()
    summary.get_by_role("link").filter(has_text="问题描述").click()  # each error leads to its field
    expect(description).to_be_focused()


def _drawn(page: Page, folder: Path, name: str) -> None:
    expect(page.locator("#report-map path").first).to_be_visible()  # the county is drawn
    page.wait_for_load_state("networkidle")
    assert page.evaluate(FITS), f"{name}: the report page scrolls sideways"
    assert page.evaluate(OUTSIDE_THE_SCREEN, PHONE["width"]) == [], f"{name}: controls leave the screen"
    page.screenshot(path=folder / f"{name}.png", full_page=True, animations="disabled", caret="hide")


def test_the_report_page_at_200_percent_and_in_the_elder_friendly_mode(
    live_server, service, page: Page, doc_screenshots: Path
):
    """The screenshots issue 22 asks for, in Chinese at 390×844: the system font at 200%, then the elder-friendly
    mode (适老化) switched on from the page, then both."""
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/report/")
    page.get_by_test_id("elder-mode").click()
    expect(page.locator("html")).to_have_class(re.compile(r"\bcw-elder\b"))
    _drawn(page, doc_screenshots, "report-elder-mode")

    page.add_init_script(TEXT_AT_200)
    page.reload()
    expect(page.locator("html")).to_have_class(re.compile(r"\bcw-elder\b"))  # remembered on this device
    _drawn(page, doc_screenshots, "report-elder-mode-text-200")

    page.get_by_test_id("elder-mode").click()
    expect(page.locator("html")).not_to_have_class(re.compile(r"\bcw-elder\b"))
    assert page.evaluate("() => getComputedStyle(document.documentElement).fontSize") == "32px"
    _drawn(page, doc_screenshots, "report-text-200")
