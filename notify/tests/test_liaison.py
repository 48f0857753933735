"""A unit names its own liaison (联络员) on its head's screen: the audit log records who changed what, the unit's
people hear, and the new liaison gets an SMS (as they will for every step of the unit's cases)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from notify.actions import appoint_liaison
from notify.models import Channel, Delivery, Notification

DAYTIME = dt.datetime(2026, 11, 24, 2, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _daytime():
    with time_machine.travel(DAYTIME, tick=False):
        yield


def test_the_head_names_one_of_the_units_people_and_everyone_hears(county, login):
    county.handler_a.full_name, county.handler_a.phone = "王五", "13800000005"
    county.handler_a.save()
    client = login(county.head_a)
    page = client.get(reverse("notify:liaison"))
    assert page.status_code == 200 and b'data-testid="liaison-form"' in page.content
    response = client.post(reverse("notify:liaison"), {"person": county.handler_a.pk})
    assert response.status_code == 302
    county.town_a.refresh_from_db()
    assert (county.town_a.liaison_name, county.town_a.liaison_phone) == ("王五", "13800000005")
    change = LogEntry.objects.get_for_object(county.town_a).latest("pk")
    assert change.actor == county.head_a and "liaison_phone" in change.changes_dict
    told = sorted(
        Notification.objects.filter(kind="liaison-named").values_list("recipient__username", flat=True)
    )
    assert told == sorted(county.town_a.people.filter(is_active=True).values_list("username", flat=True))
    sms = Delivery.objects.filter(kind="liaison-named", channel=Channel.SMS)
    assert list(sms.values_list("address", flat=True)) == ["13800000005"]


def test_someone_outside_the_accounts_by_name_and_number(county, login):
    response = login(county.head_a).post(
        reverse("notify:liaison"), {"name": "李干事", "phone": "0537-6661234"}
    )
    assert response.status_code == 302
    county.town_a.refresh_from_db()
    assert county.town_a.liaison_name == "李干事"


def test_a_bad_number_is_refused_and_nothing_changes(county, login):
    before = county.town_a.liaison_phone
    response = login(county.head_a).post(reverse("notify:liaison"), {"name": "李干事", "phone": "12345"})
    assert response.status_code == 200
    county.town_a.refresh_from_db()
    assert county.town_a.liaison_phone == before
    assert not Notification.objects.filter(kind="liaison-named").exists()


def test_naming_the_same_liaison_again_tells_nobody(county):
    assert appoint_liaison(county.head_a, county.town_a, "李干事", "0537-6661234")
    assert not appoint_liaison(county.head_a, county.town_a, "李干事", "0537-6661234")
    assert Notification.objects.filter(kind="liaison-named", recipient=county.handler_a).count() == 1


def test_a_handler_or_another_units_head_may_not_and_nothing_changes(county, login):
    for someone in (county.handler_a, county.leader):
        assert login(someone).get(reverse("notify:liaison")).status_code == 403
    with pytest.raises(PermissionDenied):
        appoint_liaison(county.handler_b, county.town_a, "李干事", "0537-6661234")
    county.town_a.refresh_from_db()
    assert county.town_a.liaison_name != "李干事"
    assert not Notification.objects.filter(kind="liaison-named").exists()
