"""Finding 6 of the probe: a 暗访 leaked through the cases it opened: the unpublished round's name was in each
case's description and the inspector was the named actor in the history the unit reads. Until the round is
published the case reads neutrally and the office acts unnamed; once published, the history names who acted."""

from __future__ import annotations

import datetime as dt
import json

import time_machine
from django.urls import reverse

from cases.models import Case
from framework.queries import checklist_for
from inspections.actions import Answer, publish_round, submit_visit
from inspections.models import Round, RoundKind

NOW = dt.datetime(2026, 6, 10, 9, tzinfo=dt.UTC)


def _secret_case(county, open_round, market_a, kind=RoundKind.SECRET) -> tuple[Case, Round]:
    with time_machine.travel(NOW):
        round_ = open_round(kind=kind)
        visit = round_.visits.get(site=market_a)
        items = list(checklist_for(visit.site.site_type, visit.round.edition))
        verdicts = ["fail", "pass", "pass"]
        submit_visit(
            county.inspector, visit, [Answer(item=i, verdict=v) for i, v in zip(items, verdicts, strict=True)]
        )
    return Case.objects.get(), round_


def test_a_secret_visits_case_names_neither_the_round_nor_the_inspector_to_the_unit(
    county, login, open_round, market_a
):
    case, round_ = _secret_case(county, open_round, market_a)
    assert round_.name not in case.description and case.covert
    inspector = str(county.inspector)
    page = login(county.handler_a).get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert round_.name not in page and inspector not in page and "Campaign office" in page
    api = login(county.handler_a).get(f"/api/v1/cases/{case.pk}").json()
    assert {event["actor"] for event in api["events"]} == {"Campaign office"}
    assert inspector not in json.dumps(api, ensure_ascii=False)
    office = login(county.office_admin).get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert inspector in office, "the office still reads who acted"


def test_once_the_round_is_published_the_unit_reads_who_acted(county, login, open_round, market_a):
    case, round_ = _secret_case(county, open_round, market_a)
    publish_round(county.office_admin, round_)
    case.refresh_from_db()
    assert not case.covert
    page = login(county.handler_a).get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert str(county.inspector) in page


def test_an_open_rounds_case_names_its_round_and_inspector_as_before(county, login, open_round, market_a):
    case, round_ = _secret_case(county, open_round, market_a, kind=RoundKind.OPEN)
    assert round_.name in case.description and not case.covert
    page = login(county.handler_a).get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert str(county.inspector) in page
