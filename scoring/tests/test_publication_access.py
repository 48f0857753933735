"""Finding 17 of the probe: every signed-in person could read every score publication, superseded and internal
versions too. The office and leaders read all; a unit's staff the current version of each scheme; a surveyor only
what the office made public."""

from __future__ import annotations

import pytest
from django.urls import reverse

from core.models import Period
from org.models import UnitKind
from scoring import actions


@pytest.fixture
def versions(county):
    period = actions.create_period(county.office_admin, Period.Kind.QUARTER, 2026, 4)
    scheme = period.schemes.get(unit_kind=UnitKind.TOWN)
    first = actions.publish(county.office_admin, scheme)
    current = actions.publish(county.office_admin, scheme, "更正")
    return first, current


def _status(login, person, publication) -> int:
    return login(person).get(reverse("scoring:publication_detail", args=[publication.pk])).status_code


def test_score_publications_are_scoped_office_and_leaders_read_every_version(county, login, versions):
    first, current = versions
    for person in (county.office_admin, county.inspector, county.leader):
        assert [_status(login, person, p) for p in (first, current)] == [200, 200]


def test_score_publications_are_scoped_units_read_only_the_current_version(county, login, versions):
    first, current = versions
    assert _status(login, county.handler_a, first) == 404
    assert _status(login, county.handler_a, current) == 200


def test_score_publications_are_scoped_a_surveyor_reads_only_public_ones(county, login, versions):
    first, current = versions
    assert [_status(login, county.surveyor, p) for p in (first, current)] == [404, 404]
    current.is_public = True
    current.save(update_fields=["is_public"])
    assert _status(login, county.surveyor, current) == 200


def test_score_publications_are_scoped_in_the_rankings(county, login, versions):
    assert login(county.surveyor).get(reverse("scoring:rankings")).context["latest"] is None
    assert login(county.handler_a).get(reverse("scoring:rankings")).context["latest"] == versions[1]
