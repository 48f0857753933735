"""Each person chooses which kinds reach them on which channel, and their quiet hours; nobody else can."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from notify.actions import notify_people, save_preferences
from notify.models import Channel, Delivery, Preferences


def test_a_person_chooses_channels_and_quiet_hours(county, login):
    county.handler_a.phone = "13800000001"
    county.handler_a.save()
    client = login(county.handler_a)
    assert client.get(reverse("notify:preferences")).status_code == 200
    response = client.post(
        reverse("notify:preferences"),
        {
            "quiet_start": "21:00",
            "quiet_end": "08:00",
            "wecom_userid": "zhangsan",
            "kind:overdue": ["sms", "wecom"],
        },
    )
    assert response.status_code == 302
    prefs = Preferences.objects.get(person=county.handler_a)
    assert prefs.channels["overdue"] == ["sms", "wecom"] and prefs.channels["case-dispatched"] == []
    assert prefs.quiet_start == dt.time(21, 0)
    # 21:30 in Shanghai: within the chosen quiet hours, the SMS waits until 08:00; WeCom goes at once.
    with time_machine.travel(dt.datetime(2026, 11, 24, 13, 30, tzinfo=dt.UTC), tick=False):
        notify_people([county.handler_a], kind="overdue", title="已超期", dedupe_key="o1")
        notify_people([county.handler_a], kind="case-dispatched", title="新派", dedupe_key="d1")
    sms = Delivery.objects.get(channel=Channel.SMS)
    assert sms.due_at == dt.datetime(2026, 11, 25, 0, 0, tzinfo=dt.UTC)
    assert Delivery.objects.get(channel=Channel.WECOM).due_at == dt.datetime(
        2026, 11, 24, 13, 30, tzinfo=dt.UTC
    )
    assert not Delivery.objects.filter(dedupe_key="d1").exists()  # turned off: the inbox only


def test_one_cannot_change_someone_elses_settings(county):
    prefs = Preferences.objects.create(person=county.handler_b)
    with pytest.raises(PermissionDenied):
        save_preferences(county.handler_a, prefs, {"overdue": []}, quiet_start=dt.time(0, 0))
    prefs.refresh_from_db()
    assert prefs.channels == {} and prefs.quiet_start == dt.time(22, 0)
