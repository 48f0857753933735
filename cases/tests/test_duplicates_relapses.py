"""Likely duplicates (open, same category, within 50 m) and relapses (same place and category within 30 days)."""

from __future__ import annotations

import datetime as dt
import re

import time_machine
from django.urls import reverse

from cases import actions
from cases.access import cases_for, is_office_actor
from cases.conftest import IN_GRID_A, photo
from cases.models import CaseEvent, Category
from cases.queries import cases_around, likely_duplicates, nearby_open_cases

LON, LAT = IN_GRID_A
M = 1 / 111195  # one metre of latitude in degrees


def close_case(county, case):
    case = actions.dispatch_case(county.inspector, case, unit=county.town_a)
    case = actions.report_back(county.handler_a, case, "已清理", [photo()])
    return actions.verify_case(county.office_admin, case)


def test_an_open_case_nearby_of_the_same_category_is_a_likely_duplicate(county, new_case):
    first = new_case()
    near = new_case(at=(LON, LAT + 30 * M))
    far = new_case(at=(LON, LAT + 80 * M))
    other_kind = new_case(at=(LON, LAT + 10 * M), category=Category.objects.get(kind="event", code="0201"))
    assert likely_duplicates(near) == [first]
    assert likely_duplicates(far) == []
    assert likely_duplicates(other_kind) == []


def test_a_duplicate_is_merged_with_history_on_both(county, new_case):
    first = new_case()
    second = new_case(at=(LON + 10 * M, LAT))
    actions.mark_duplicate(county.inspector, second, likely_duplicates(second)[0], "同一堆垃圾")
    assert second.events.filter(action=CaseEvent.Action.MARK_DUPLICATE).exists()
    merged = first.events.get(action=CaseEvent.Action.MERGE)
    assert merged.data == {"original": first.number, "duplicate": second.number}
    assert likely_duplicates(new_case(at=(LON, LAT + 5 * M))) == [first]  # the merged one is no longer open


def test_a_closed_case_is_not_a_duplicate(county, new_case):
    close_case(county, new_case())
    assert likely_duplicates(new_case()) == []


def test_the_same_problem_within_30_days_after_close_is_a_relapse(county, new_case):
    with time_machine.travel(dt.datetime(2026, 11, 2, 2, 0, tzinfo=dt.UTC)):
        origin = close_case(county, new_case())
    with time_machine.travel(dt.datetime(2026, 11, 25, 2, 0, tzinfo=dt.UTC)):
        again = new_case(at=(LON + 20 * M, LAT))
    assert again.relapse_of == origin and again.is_relapse()
    assert origin.relapses.get() == again
    assert again.events.filter(action=CaseEvent.Action.RELAPSE).exists()
    assert origin.events.filter(action=CaseEvent.Action.RELAPSE).exists()


def test_after_30_days_or_further_away_it_is_a_new_problem(county, new_case):
    with time_machine.travel(dt.datetime(2026, 10, 1, 2, 0, tzinfo=dt.UTC)):
        close_case(county, new_case())
    with time_machine.travel(dt.datetime(2026, 11, 25, 2, 0, tzinfo=dt.UTC)):
        late = new_case()
        away = new_case(at=(LON, LAT + 60 * M))
    assert late.relapse_of is None and away.relapse_of is None


def test_the_case_pages_cases_around_are_its_likely_duplicates_and_the_open_cases_nearby(county, new_case):
    cases = [new_case(at=(LON, LAT + metres * M)) for metres in (0, 30, 20, 300, 45, 700)]
    for case in cases[3:5]:
        actions.dispatch_case(county.inspector, case, unit=county.town_a)  # the town's handler sees these
    close_case(county, new_case(at=(LON, LAT + 10 * M)))
    for person in (county.office_admin, county.inspector, county.leader, county.handler_a):
        for case in cases:
            case.refresh_from_db()
            around = cases_around(case, person)
            assert around.duplicates == (likely_duplicates(case) if is_office_actor(person) else [])
            assert around.nearby == nearby_open_cases(case, cases_for(person))
    assert cases_around(cases[1], county.inspector).duplicates == [cases[0]]
    assert cases_around(cases[2], county.inspector).duplicates == [cases[1], cases[0]]  # nearest first


def test_the_case_page_offers_the_office_to_merge_into_its_likely_duplicates(county, new_case, login):
    first = new_case()
    near = new_case(at=(LON, LAT + 30 * M))
    new_case(at=(LON, LAT + 20 * M))  # reported after it: not one to merge into
    page = login(county.office_admin).get(reverse("cases:detail", args=[near.pk])).content.decode()
    assert re.findall(r'name="original" value="([^"]+)"', page) == [first.number]


def test_the_closed_case_page_links_its_relapses(county, new_case, login):
    with time_machine.travel(dt.datetime(2026, 11, 2, 2, 0, tzinfo=dt.UTC)):
        origin = close_case(county, new_case())
    with time_machine.travel(dt.datetime(2026, 11, 25, 2, 0, tzinfo=dt.UTC)):
        again = new_case(at=(LON + 20 * M, LAT))
    page = login(county.office_admin).get(reverse("cases:detail", args=[origin.pk])).content.decode()
    assert f'<a href="{reverse("cases:detail", args=[again.pk])}">{again.number}</a></div>' in page
