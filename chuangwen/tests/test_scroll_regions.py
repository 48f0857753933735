"""WCAG 2.1.1: a table wider than the screen scrolls in its box, and a keyboard user can scroll it only if the box
takes the focus. static/js/a11y.js decides which boxes overflow (it depends on the data and the screen), so the
test narrows the window under a page and watches the box become a named, focusable region, and stop being one."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from cases.tests.test_browser import sign_in


@pytest.mark.browser
def test_a_table_that_overflows_its_box_takes_the_focus_and_is_named(live_server, county, page: Page):
    page.set_viewport_size({"width": 1366, "height": 900})
    sign_in(page, live_server.url, county.office_admin.username)
    page.goto(f"{live_server.url}{reverse('org:unit_list')}")
    box = page.locator(".table-responsive").filter(has=page.get_by_test_id("unit-table"))
    expect(box).not_to_have_attribute("tabindex", "0")

    # Data that does not wrap (a long code, an address in Latin letters) on a phone: the table outgrows its box.
    page.get_by_test_id("unit-table").evaluate(
        "table => table.tBodies[0].insertRow().insertCell().textContent = 'https://example.org/'.repeat(1) + '9'.repeat(120)"
    )
    page.set_viewport_size({"width": 390, "height": 844})
    expect(box).to_have_attribute("tabindex", "0")
    expect(box).to_have_attribute("role", "region")
    expect(box).to_have_attribute("aria-label", "单位")
    box.focus()
    page.keyboard.press("ArrowRight")
    expect(box).to_be_focused()
    box.evaluate(
        "box => new Promise((scrolled) => box.scrollLeft > 0 ? scrolled() : box.onscroll = scrolled)"
    )

    page.get_by_test_id("unit-table").evaluate("table => table.tBodies[0].lastElementChild.remove()")
    page.set_viewport_size({"width": 1366, "height": 900})
    expect(box).not_to_have_attribute("tabindex", "0")
