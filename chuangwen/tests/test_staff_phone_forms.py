"""Issue 22.3 for the staff's phone forms: the surveyor's form and the unit's report-back fit a 390 px screen with
the system font at 200% (GB/T 37668-2019 / WCAG 2.1 1.4.4, 1.4.10): nothing scrolls sideways, no control leaves
the screen, every field keeps a label one can see."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, ViewportSize

from cases import actions
from cases.conftest import categories, new_case, rubbish  # noqa: F401
from cases.tests.test_browser import sign_in
from chuangwen.tests.test_accessibility import OUR_CHECKS
from portal.tests.test_large_text_and_keyboard import FITS, OUTSIDE_THE_SCREEN, TEXT_AT_200
from surveys.tests.conftest import questionnaire, run  # noqa: F401

pytestmark = pytest.mark.browser
PHONE: ViewportSize = {"width": 390, "height": 844}


def _fits(page: Page, url: str) -> None:
    page.goto(url)
    page.wait_for_load_state("networkidle")
    assert page.evaluate("() => getComputedStyle(document.documentElement).fontSize") == "32px"
    assert page.evaluate(FITS), f"{url} scrolls sideways at 200% text"
    outside = page.evaluate(OUTSIDE_THE_SCREEN.replace("main ", ""), PHONE["width"])
    assert outside == [], f"{url}: at 200% text these controls leave the screen"
    assert page.evaluate(OUR_CHECKS) == []


def test_the_staff_phone_forms_fit_with_the_text_at_200_percent(
    live_server,
    county,
    run,  # noqa: F811
    questionnaire,  # noqa: F811
    new_case,  # noqa: F811
    page: Page,
):
    page.set_viewport_size(PHONE)
    page.add_init_script(TEXT_AT_200)
    sign_in(page, live_server.url, county.surveyor.username)
    _fits(page, f"{live_server.url}/surveys/runs/{run.pk}/fill/{questionnaire.pk}/")
    case = actions.dispatch_case(county.inspector, new_case(), unit=county.town_a)
    actions.start_rectifying(county.handler_a, case)
    sign_in(page, live_server.url, county.handler_a.username)
    _fits(page, f"{live_server.url}/cases/{case.pk}/")
