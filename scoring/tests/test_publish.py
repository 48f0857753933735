"""Publishing asks for confirmation and says what may still change the sheet: the period not over, inspections
still to do, material waiting for review or not sent."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from core.models import Period
from materials.models import MaterialRequest, RequestState
from org.models import UnitKind
from scoring import actions
from scoring.models import Publication
from scoring.queries import publish_warnings

IN_PERIOD = dt.datetime(2026, 5, 10, 2, tzinfo=dt.UTC)
AFTER = dt.datetime(2026, 7, 10, 2, tzinfo=dt.UTC)


@pytest.fixture
def scheme(county):
    period = actions.create_period(county.office_admin, Period.Kind.QUARTER, 2026, 2)
    return period.schemes.get(unit_kind=UnitKind.TOWN)


def test_an_ended_period_without_pending_facts_has_no_warning(scheme):
    assert publish_warnings(scheme, AFTER.date()) == []


def test_it_warns_while_the_period_runs_and_material_waits(county, scheme, make_request):
    make_request(scheme.period, state=RequestState.SUBMITTED)
    make_request(scheme.period, state=RequestState.REQUESTED)
    warnings = publish_warnings(scheme, IN_PERIOD.date())
    assert warnings[0] == "The period has not ended (it ends on 2026-06-30): the facts can still change."
    assert "1 materials are waiting for review." in warnings
    assert "1 materials have not been sent by their units." in warnings


def test_the_button_opens_a_confirmation_and_nothing_is_published_without_it(county, scheme, login):
    client = login(county.office_admin)
    url = reverse("scoring:publish", args=[scheme.pk])
    with time_machine.travel(IN_PERIOD):
        page = client.get(url, {"reason": ""})
        assert page.status_code == 200
        assert 'data-testid="publish-warnings"' in page.content.decode()
        client.post(url, {"confirm": "1"})  # the warnings not acknowledged
        assert not Publication.objects.exists()
        response = client.post(url, {"confirm": "1", "warnings_read": "1"})
    assert Publication.objects.filter(scheme=scheme, version=1).exists()
    assert response.status_code == 302


def test_after_the_period_it_publishes_on_confirmation_alone(county, scheme, login):
    client = login(county.office_admin)
    url = reverse("scoring:publish", args=[scheme.pk])
    with time_machine.travel(AFTER):
        assert 'data-testid="publish-clear"' in client.get(url).content.decode()
        client.post(url, {})
        assert not Publication.objects.exists(), "a POST without the confirmation publishes nothing"
        client.post(url, {"confirm": "1"})
    assert Publication.objects.filter(scheme=scheme).count() == 1


def test_a_unit_cannot_publish(county, scheme, login):
    client = login(county.handler_a)
    url = reverse("scoring:publish", args=[scheme.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"confirm": "1", "warnings_read": "1"}).status_code == 403
    assert not Publication.objects.exists()


@pytest.fixture
def make_request(county, edition):
    """A material request of the period for the next town, in the given state (written directly: only its
    state matters here)."""
    units = iter([county.town_a, county.town_b])
    criterion = edition.criteria.first()

    def _make(period: Period, state: str) -> MaterialRequest:
        return MaterialRequest.objects.create(
            period=period,
            criterion=criterion,
            unit=next(units),
            deadline=dt.date(2026, 6, 1),
            state=state,
            issued_by=county.office_admin,
        )

    return _make
