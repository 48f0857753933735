"""Issue 20.8's siblings in materials: the office's review, rescoring and deadline take the version the page
showed; a stale form is refused with a clear (Chinese) message, nothing is overwritten and the typed text comes back."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from materials import actions
from materials.models import EventKind, MaterialRequest, RequestState
from materials.tests.conftest import pdf, photo

ZH = {"Accept-Language": "zh-hans"}


@pytest.fixture
def submitted(county, ads_a):
    actions.add_files(county.handler_a, ads_a, "regulation", [pdf()])
    actions.add_files(county.handler_a, ads_a, "photo", [photo()])
    actions.submit(county.handler_a, ads_a)
    return MaterialRequest.objects.get(pk=ads_a.pk)


def office(person) -> Client:
    client = Client(headers=ZH)
    client.force_login(person)
    return client


def said(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_the_review_page_carries_the_version_it_shows(county, submitted):
    page = office(county.inspector).get(reverse("materials:request_detail", args=[submitted.pk]))
    assert f'name="version" value="{submitted.version}"' in page.content.decode()


def test_two_people_rescoring_at_once_the_second_is_refused_and_keeps_their_text(county, submitted):
    actions.accept(county.inspector, submitted, points="8")
    seen = MaterialRequest.objects.get(pk=submitted.pk).version
    first, second = office(county.inspector), office(county.office_admin)
    url = reverse("materials:rescore", args=[submitted.pk])

    ok = first.post(url, {"version": seen, "points": "6", "comment": "照片不清晰"})
    stale = second.post(url, {"version": seen, "points": "9", "comment": "复核后加分"})

    assert ok.status_code == stale.status_code == 302
    messages = said(stale)
    assert any("打开页面后有人修改了这份材料" in message for message in messages), messages
    assert any("复核后加分" in message for message in messages)
    material = MaterialRequest.objects.get(pk=submitted.pk)
    assert material.score == Decimal("6.00")
    assert list(material.events.filter(action=EventKind.SCORED).values_list("note", flat=True)) == [
        "照片不清晰"
    ]


def test_accepting_a_resubmission_the_page_never_showed_is_refused(county, submitted):
    """The office looked at version 1; meanwhile a colleague returned it and the unit sent version 2."""
    seen = submitted.version
    actions.return_to_unit(county.office_admin, submitted, "缺少统计表")
    actions.add_files(county.handler_a, submitted, "photo", [photo(color="blue")])
    actions.submit(county.handler_a, submitted)
    assert MaterialRequest.objects.get(pk=submitted.pk).state == RequestState.SUBMITTED

    stale = office(county.inspector).post(
        reverse("materials:accept", args=[submitted.pk]), {"version": seen, "points": "10", "comment": "齐全"}
    )

    assert any("打开页面后有人修改了这份材料" in message for message in said(stale))
    material = MaterialRequest.objects.get(pk=submitted.pk)
    assert material.state == RequestState.SUBMITTED and material.score is None


def test_a_form_with_the_current_version_goes_through(county, submitted):
    response = office(county.inspector).post(
        reverse("materials:accept", args=[submitted.pk]), {"version": submitted.version, "points": "7"}
    )
    assert response.status_code == 302
    assert MaterialRequest.objects.get(pk=submitted.pk).score == Decimal("7.00")


def test_two_deadline_changes_from_the_same_page_the_second_is_refused(county, submitted, deadline):
    stale = MaterialRequest.objects.get(pk=submitted.pk)
    stale.seen_version = stale.version
    fresh = MaterialRequest.objects.get(pk=submitted.pk)
    fresh.seen_version = fresh.version

    actions.change_deadline(county.office_admin, fresh, deadline + timedelta(days=7), "延期一周")
    with pytest.raises(ValidationError, match="changed this material"):
        actions.change_deadline(county.inspector, stale, deadline + timedelta(days=1), "延期一天")

    material = MaterialRequest.objects.get(pk=submitted.pk)
    assert material.deadline == deadline + timedelta(days=7)
    assert material.events.filter(action=EventKind.DEADLINE).count() == 1
