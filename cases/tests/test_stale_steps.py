"""Finding 8 of the probe: two dispatchers both got 200 and the last silently won. Every step takes the version of
the case the actor saw; a case that took any step since is a conflict with a message, and nothing is saved."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.urls import reverse

from cases import actions
from cases.models import Case, CaseEvent, State
from cases.tests.test_concurrency import _race


def _dispatch(client, case: Case, unit, version: int | None):
    data = {"unit": unit.pk, "note": ""}
    if version is not None:
        data["version"] = version
    return client.post(reverse("cases:step", args=[case.pk, "dispatch"]), data, follow=True)


def test_concurrent_dispatch_the_second_dispatcher_gets_the_conflict_not_a_silent_win(
    county, login, new_case
):
    case = actions.accept_case(county.office_admin, new_case())
    seen = Case.objects.get(pk=case.pk).version  # both dispatchers opened the case page now
    _dispatch(login(county.office_admin), case, county.town_a, seen)
    assert Case.objects.get(pk=case.pk).unit == county.town_a
    second = _dispatch(login(county.inspector), case, county.town_b, seen)
    page = second.content.decode()
    assert "changed while you were looking at it" in page and "nothing of yours was saved" in page
    case.refresh_from_db()
    assert (case.state, case.unit) == (State.DISPATCHED, county.town_a)
    assert CaseEvent.objects.filter(case=case, action="dispatch").count() == 1


def test_the_case_page_carries_the_version_into_every_step_form(county, login, new_case):
    case = actions.accept_case(county.office_admin, new_case())
    page = login(county.office_admin).get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert f'name="version" value="{Case.objects.get(pk=case.pk).version}"' in page


def test_a_page_without_a_version_acts_on_the_case_as_it_is(county, login, new_case):
    case = actions.accept_case(county.office_admin, new_case())
    _dispatch(login(county.office_admin), case, county.town_a, None)
    case.refresh_from_db()
    assert case.unit == county.town_a


def test_every_step_counts_and_a_stale_one_is_refused_whatever_it_is(county, new_case):
    case = new_case()
    assert case.version == 0
    seen = Case.objects.get(pk=case.pk)
    seen.seen_version = 0
    actions.accept_case(county.office_admin, Case.objects.get(pk=case.pk))
    with pytest.raises(actions.CaseConflict, match="no longer possible"):
        actions.reject_case(county.office_admin, seen, "重复")  # the state moved: the old message
    dispatched = actions.dispatch_case(county.office_admin, Case.objects.get(pk=case.pk), county.town_a)
    assert dispatched.version == 2
    stale = Case.objects.get(pk=case.pk)
    stale.seen_version = 1
    with pytest.raises(actions.CaseConflict, match="changed while you were looking"):
        actions.approve_extension(county.office_admin, stale)


def test_bulk_dispatch_skips_a_case_dispatched_since_the_list_was_shown(county, login, new_case):
    case = actions.accept_case(county.office_admin, new_case())
    shown = Case.objects.get(pk=case.pk).version
    actions.dispatch_case(county.inspector, Case.objects.get(pk=case.pk), county.town_b)
    response = login(county.office_admin).post(
        reverse("cases:bulk_dispatch"),
        {"cases": [case.pk], f"version-{case.pk}": shown, "unit": county.town_a.pk},
        follow=True,
    )
    assert "changed while you were looking at it" in response.content.decode()
    case.refresh_from_db()
    assert case.unit == county.town_b


def test_the_api_answers_409_to_a_step_on_a_version_it_did_not_see(county, login, new_case):
    client = login(county.office_admin)
    case = actions.accept_case(county.office_admin, new_case())
    read = client.get(f"/api/v1/cases/{case.pk}").json()
    path = f"/api/v1/cases/{case.pk}/dispatch"

    def dispatch(unit):
        body = {"unit_id": unit.pk, "version": read["version"]}
        return client.post(path, json.dumps(body), content_type="application/json")

    assert dispatch(county.town_a).status_code == 200
    second = dispatch(county.town_b)
    assert second.status_code == 409 and "changed while you were looking" in second.json()["detail"]
    assert Case.objects.get(pk=case.pk).unit == county.town_a


@pytest.mark.django_db(transaction=True)  # the root conftest puts the shipped site types back
def test_two_dispatchers_at_the_same_moment_exactly_one_wins(county, new_case):
    if connection.vendor != "postgresql":
        pytest.skip("row locks (select_for_update) need PostgreSQL; SQLite serialises writes by itself")
    case = actions.accept_case(county.office_admin, new_case())

    def dispatcher(person, unit):
        def run():
            seen = Case.objects.get(pk=case.pk)
            seen.seen_version = case.version
            return actions.dispatch_case(person, seen, unit)

        return run

    results = _race(
        dispatcher(county.office_admin, county.town_a), dispatcher(county.inspector, county.town_b)
    )
    winners = [r for r in results if isinstance(r, Case)]
    losers = [r for r in results if isinstance(r, actions.CaseConflict)]
    assert len(winners) == 1 and len(losers) == 1, results
    assert Case.objects.get(pk=case.pk).unit == winners[0].unit
    assert CaseEvent.objects.filter(case=case, action="dispatch").count() == 1
