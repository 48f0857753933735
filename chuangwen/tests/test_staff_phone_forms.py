"""Issue 22.3 for the staff's phone forms: the surveyor's form, the unit's report-back and the inspector's visit
checklist fit a 390 px screen with the system font at 200% (GB/T 37668-2019 / WCAG 2.1 1.4.4, 1.4.10): nothing
scrolls sideways, no control leaves the screen, every field keeps a label one can see."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, ViewportSize, expect

from cases import actions
from cases.conftest import categories, new_case, rubbish  # noqa: F401
from cases.tests.test_browser import sign_in
from chuangwen.tests.test_accessibility import OUR_CHECKS
from framework.queries import checklist_for
from inspections.models import Visit
from inspections.tests.conftest import edition, make_site, market_a, market_type  # noqa: F401
from inspections.tests.test_browser import make_round
from portal.tests.test_large_text_and_keyboard import FITS, OUTSIDE_THE_SCREEN, TEXT_AT_200
from surveys.tests.conftest import questionnaire, run  # noqa: F401

pytestmark = pytest.mark.browser
PHONE: ViewportSize = {"width": 390, "height": 844}
# Each control of the checklist, scrolled to, must lie within the screen's width and be what a tap at its centre
# hits (not hidden under the sticky bar or another control). A radio drawn as a button is reached by its label.
UNREACHABLE = """width => {
  const controls = [...document.querySelectorAll("#checklist textarea, #checklist input, #checklist button")]
    .filter((el) => el.type !== "hidden")
    .map((el) => el.classList.contains("btn-check") ? document.querySelector(`label[for="${el.id}"]`) : el);
  return controls.filter((el) => {
    el.scrollIntoView({block: "center", behavior: "instant"});
    const box = el.getBoundingClientRect();
    const hit = document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
    return box.left < 0 || box.right > width + 1 || box.width === 0 || !(hit === el || el.contains(hit));
  }).map((el) => el.id || el.htmlFor || el.name || el.textContent.trim());
}"""


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


def test_the_checklist_works_with_the_text_at_200_percent(
    live_server,
    county,
    edition,  # noqa: F811
    market_a,  # noqa: F811
    market_type,  # noqa: F811
    page: Page,
):
    """At 390×844 with the system font doubled: nothing scrolls sideways, every control keeps a label one can see and
    can be tapped, and the inspection is answered and submitted."""
    visit = make_round(county, edition, market_type).visits.get()
    items = list(checklist_for(market_type, edition))
    page.set_viewport_size(PHONE)
    page.add_init_script(TEXT_AT_200)
    sign_in(page, live_server.url, county.inspector.username)
    page.goto(f"{live_server.url}/inspections/visits/{visit.pk}/")
    page.wait_for_load_state("networkidle")
    assert page.evaluate("() => getComputedStyle(document.documentElement).fontSize") == "32px"
    assert page.evaluate(FITS), "the checklist scrolls sideways at 200% text"
    assert page.evaluate(OUTSIDE_THE_SCREEN.replace("main ", "#checklist "), PHONE["width"]) == []
    assert page.evaluate(OUR_CHECKS) == []
    assert page.evaluate(UNREACHABLE, PHONE["width"]) == []

    for index, item in enumerate(items):
        page.locator(f"label[for=v-{item.pk}-{'fail' if index == 0 else 'pass'}]").click()
    page.locator(f"textarea[name=note-{items[0].pk}]").fill("地面有积水")
    page.get_by_role("button", name="提交检查结果").click()
    expect(page.get_by_test_id("submitted")).to_contain_text("已提交")
    assert page.evaluate(FITS), "the submitted checklist scrolls sideways at 200% text"
    visit.refresh_from_db()
    assert visit.status == Visit.Status.SUBMITTED and visit.lines_checked == len(items)
