"""A number shown on two screens is the same number: the 大屏's open cases by category (read from the kept tally)
and its overdue figures (the kept held cases and this month's down their index) equal what the case list shows
for the same filters, for the county's screen and for a town's; its rates (the kept cohort and answers) equal
those counted from the cases and the answers."""

from __future__ import annotations

import datetime as dt

from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from cases import actions as case_actions
from cases.conftest import IN_GRID_A, IN_GRID_B, categories, new_case, photo, rubbish  # noqa: F401 (fixtures)
from cases.models import Case, Category
from cases.queries import unit_metrics
from core.periods import period_bounds
from dashboard import actions
from dashboard.models import Panel, Screen
from dashboard.queries import current_period
from dashboard.tests.test_dashboard import panel
from surveys.actions import submit_response
from surveys.models import Channel
from surveys.queries import counted_period_answers
from surveys.tests.conftest import questionnaire, run, submission  # noqa: F401 (fixtures)


def _list_count(client, **filters) -> int:
    """How many cases the office's list shows for these filters (the count over its pages)."""
    response = client.get(reverse("cases:list"), filters)
    assert response.status_code == 200
    return response.context["page"].paginator.count


def _open_in_list(client, category: Category, **filters) -> int:
    """The open cases of a category as the list counts them: one open state at a time (the list filters by one)."""
    return sum(
        _list_count(client, category=category.pk, state=state, **filters)
        for state in sorted(Case.OPEN_STATES)
    )


def _some_cases(county, new_case, rubbish) -> None:  # noqa: F811
    """Cases of two categories in every open state, across towns, a community and a department, some closed,
    some overdue, one moved to another unit and one to another category."""
    other = Category.objects.get(kind="event", code="0201")
    admin = county.office_admin
    new_case(), new_case(at=IN_GRID_B, category=other), new_case(at=None, category=None)
    case_actions.accept_case(admin, new_case(at=IN_GRID_B))
    case_actions.accept_case(admin, new_case(), category=other)
    for unit, handler in (
        (county.town_a, county.handler_a),
        (county.community_a, county.community_handler_a),
        (county.town_b, county.handler_b),
        (county.department, county.department_handler),
    ):
        held = case_actions.dispatch_case(admin, new_case(), unit=unit)
        case_actions.start_rectifying(
            handler, case_actions.dispatch_case(admin, new_case(category=other), unit=unit)
        )
        back = case_actions.report_back(handler, held, "已处理", [photo()])
        if unit == county.town_b:
            case_actions.verify_case(admin, back)
        late = case_actions.dispatch_case(admin, new_case(at=IN_GRID_A), unit=unit)
        late.deadline = timezone.now() - dt.timedelta(hours=3)
        late.save(update_fields=["deadline"])  # through save, which keeps the held cases' tally
    moved = case_actions.dispatch_case(admin, new_case(), unit=county.town_a)
    case_actions.dispatch_case(admin, moved, unit=county.town_b)
    case_actions.defer_case(admin, case_actions.dispatch_case(admin, new_case(), unit=county.town_b), "等待")
    returned = case_actions.dispatch_case(admin, new_case(category=other), unit=county.community_a)
    case_actions.return_case(county.community_handler_a, returned, "不是我们的")
    case_actions.reject_case(admin, new_case(), "不属实")


def _screens(county) -> tuple[Screen, Screen]:
    """The county's screen and town A's."""

    def screen(name: str, town) -> Screen:
        return actions.save_screen(
            county.office_admin, Screen(), name=name, town=town, rotation_seconds=15, panels=Panel.values
        )

    return screen("指挥部", None), screen("城关", county.town_a)


def test_the_screens_open_cases_by_category_are_the_lists_open_cases(county, new_case, rubbish, login):  # noqa: F811
    _some_cases(county, new_case, rubbish)
    client = login(county.office_admin)
    county_screen, town_screen = _screens(county)
    cache.clear()
    for screen, filters in ((county_screen, {}), (town_screen, {"unit": county.town_a.pk})):
        shown = panel(client, "categories", screen)
        names = dict(zip(shown["labels"], shown["values"], strict=True))
        for category in (rubbish, Category.objects.get(kind="event", code="0201")):
            listed = _open_in_list(client, category, **filters)
            assert names.get(category.name, 0) == listed > 0, (screen, category.name)


def test_the_screens_overdue_figures_are_the_lists_overdue(county, new_case, rubbish, login):  # noqa: F811
    _some_cases(county, new_case, rubbish)
    client = login(county.office_admin)
    county_screen, town_screen = _screens(county)
    cache.clear()
    figures = {item["key"]: item["value"] for item in panel(client, "figures", county_screen)["items"]}
    queues = {name: count for name, _label, count in client.get(reverse("cases:list")).context["queues"]}
    assert figures["overdue"] == queues["overdue"].value == _list_count(client, overdue="on") == 4
    town = {item["key"]: item["value"] for item in panel(client, "figures", town_screen)["items"]}
    assert town["overdue"] == _list_count(client, overdue="on", unit=county.town_a.pk) == 2
    by_town = panel(client, "overdue", county_screen)
    shown = dict(zip(by_town["labels"], by_town["values"], strict=True))
    assert shown == {
        county.town_a.name: _list_count(client, overdue="on", unit=county.town_a.pk),
        county.town_b.name: _list_count(client, overdue="on", unit=county.town_b.pk),
    }


def test_the_screens_rates_are_those_counted_from_the_cases_and_the_answers(
    county,
    new_case,  # noqa: F811
    rubbish,  # noqa: F811
    login,
    run,  # noqa: F811
    questionnaire,  # noqa: F811
):
    """The close and on-time rates and the survey panel come from the kept period facts; counted afresh from the
    cases (cases.queries.unit_metrics, the metrics page's read) and the answers, they are the same numbers."""
    _some_cases(county, new_case, rubbish)
    for unit, support in ((county.community_a, "A"), (county.community_a, "B"), (county.community_b, "A")):
        answers = submission(questionnaire, unit, support=support)
        submit_response(run, questionnaire, answers, Channel.HOUSEHOLD, county.surveyor)
    client = login(county.office_admin)
    county_screen, _town_screen = _screens(county)
    cache.clear()
    figures = {item["key"]: item["value"] for item in panel(client, "figures", county_screen)["items"]}
    period, _scheme = current_period(timezone.localdate())
    start, end = period_bounds(period)
    counted = unit_metrics(start, end)
    due, closed = sum(m.due for m in counted), sum(m.closed for m in counted)
    on_time = sum(m.closed_on_time for m in counted)
    assert due > 0 and closed > 0
    assert figures["close_rate"] == round(100 * closed / due, 1)
    assert figures["on_time_rate"] == round(100 * on_time / due, 1)
    shown = panel(client, "surveys", county_screen)
    rates = dict(zip(shown["labels"], shown["values"], strict=True))
    for town in (county.town_a, county.town_b):
        rows = [row for row in counted_period_answers(start, end) if row["response__town"] == town.pk]
        favourable, valid = sum(r["favourable"] for r in rows), sum(r["valid"] for r in rows)
        assert rates[town.name] == round(100 * favourable / valid, 1)
