"""Every step that hands a case to someone tells them at once: one message per channel per recipient, nobody else.

Everyone in the county has an email, a phone and a WeCom account, and town A has a liaison number, so that a
message reaching the wrong person, or the right one twice, shows."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
import time_machine
from django.urls import reverse

from cases import actions
from cases.conftest import photo
from notify.models import Channel, Delivery, Notification, Preferences
from notify.tasks import deliver_pending
from org.models import Person

DAYTIME = dt.datetime(2026, 11, 24, 2, 0, tzinfo=dt.UTC)  # Tuesday 10:00 in Shanghai
LIAISON = "13900000099"


@pytest.fixture(autouse=True)
def _reachable(county):
    for number, person in enumerate(Person.objects.all(), start=1):
        person.email, person.phone = f"{person.username}@example.gov.cn", f"138000000{number:02d}"
        person.save()
        Preferences.objects.create(person=person, wecom_userid=f"wx-{person.username}")
    county.town_a.liaison_phone = LIAISON
    county.town_a.save()
    with time_machine.travel(DAYTIME, tick=False):
        yield


def told(kind: str) -> dict[str, Counter]:
    """Per recipient (username, or the number for a unit's SMS), how many messages of `kind` on each channel."""
    seen: dict[str, Counter] = {}
    for note in Notification.objects.filter(kind=kind).select_related("recipient"):
        seen.setdefault(note.recipient.username, Counter())["inbox"] += 1
    for delivery in Delivery.objects.filter(kind=kind).select_related("person"):
        who = delivery.person.username if delivery.person else delivery.address
        seen.setdefault(who, Counter())[delivery.channel] += 1
    return seen


ALL = {"inbox": 1, Channel.EMAIL: 1, Channel.WECOM: 1}
WITH_SMS = {**ALL, Channel.SMS: 1}
LIAISON_SMS = {LIAISON: {Channel.SMS: 1}}


def dispatched(county, new_case):
    return actions.dispatch_case(county.office_admin, new_case(), unit=county.town_a)


def test_a_dispatch_tells_the_units_handlers_and_heads_and_its_liaison(county, new_case):
    case = dispatched(county, new_case)
    assert told("case-dispatched") == {"handler_a": WITH_SMS, "head_a": WITH_SMS, **LIAISON_SMS}
    note = Notification.objects.get(kind="case-dispatched", recipient=county.handler_a)
    assert case.number in note.title and case.category_name in note.title
    assert note.url == reverse("cases:detail", args=[case.pk])
    assert "11-25 17:30" in note.title  # the deadline


def test_the_message_speaks_chinese_with_number_place_deadline_and_link(county, new_case, settings):
    settings.SITE_URL = "https://cw.example.gov.cn"
    settings.LANGUAGE_CODE = "zh-hans"
    case = actions.dispatch_case(county.office_admin, new_case(address="人民路12号"), unit=county.town_a)
    note = Notification.objects.get(kind="case-dispatched", recipient=county.handler_a)
    assert note.title == f"新派案件：{case.number} 暴露垃圾，地点 人民路12号，期限 11-25 17:30"
    sms = Delivery.objects.get(kind="case-dispatched", channel=Channel.SMS, person=county.handler_a)
    assert sms.text.endswith(f"https://cw.example.gov.cn/cases/{case.pk}/")
    assert sms.params == {"title": note.title[:35]}


def test_a_redispatch_tells_the_new_unit_and_the_old_one(county, new_case):
    case = dispatched(county, new_case)
    actions.dispatch_case(county.office_admin, case, unit=county.town_b, note="属柳河镇")
    assert told("case-redispatched") == {"handler_a": ALL, "head_a": ALL, **LIAISON_SMS}
    assert Notification.objects.filter(kind="case-dispatched", recipient=county.handler_b).count() == 1


def test_rework_tells_the_unit(county, new_case):
    case = dispatched(county, new_case)
    case = actions.report_back(county.handler_a, case, "已清理", [photo()])
    actions.rework_case(county.office_admin, case, "仍有垃圾")
    assert told("case-rework") == {"handler_a": WITH_SMS, "head_a": WITH_SMS, **LIAISON_SMS}
    assert Notification.objects.get(kind="case-rework", recipient=county.handler_a).body == "仍有垃圾"


def test_a_return_and_a_report_back_tell_the_office(county, new_case):
    actions.return_case(county.handler_a, dispatched(county, new_case), "不属本单位")
    assert told("case-returned") == {"admin": ALL}
    actions.report_back(county.handler_a, dispatched(county, new_case), "已清理", [photo()])
    assert told("case-reported-back") == {"admin": ALL}


def test_the_extension_steps_tell_the_other_side(county, new_case):
    case = dispatched(county, new_case)
    later = case.deadline + dt.timedelta(days=3)
    case = actions.request_extension(county.handler_a, case, later, "需采购设备")
    assert told("case-extension-requested") == {"admin": ALL}
    case = actions.approve_extension(county.office_admin, case)
    assert told("case-extension-approved") == {"handler_a": ALL, "head_a": ALL, **LIAISON_SMS}
    case = actions.request_extension(county.handler_a, case, later + dt.timedelta(days=1), "再延")
    actions.refuse_extension(county.office_admin, case, "不同意")
    assert told("case-extension-refused") == {"handler_a": WITH_SMS, "head_a": WITH_SMS, **LIAISON_SMS}


def test_defer_and_resume_tell_the_unit_holding_the_case(county, new_case):
    case = actions.defer_case(county.office_admin, dispatched(county, new_case), "冬季停工")
    assert told("case-deferred") == {"handler_a": ALL, "head_a": ALL, **LIAISON_SMS}
    actions.resume_case(county.office_admin, case)
    assert told("case-resumed") == {"handler_a": WITH_SMS, "head_a": WITH_SMS, **LIAISON_SMS}


def test_a_case_deferred_before_dispatch_tells_nobody(county, new_case):
    case = actions.accept_case(county.office_admin, new_case())
    actions.defer_case(county.office_admin, case, "待定")
    assert told("case-deferred") == {}


def test_a_step_rolled_back_tells_nobody(county, new_case):
    case = dispatched(county, new_case)
    with pytest.raises(actions.CaseConflict):
        actions.rework_case(county.office_admin, case, "不是待核查状态")  # refused: not reported back
    assert told("case-rework") == {}


def test_a_person_who_turned_sms_off_gets_none(county, new_case):
    Preferences.objects.filter(person=county.handler_a).update(channels={"case-dispatched": [Channel.EMAIL]})
    dispatched(county, new_case)
    assert told("case-dispatched")["handler_a"] == {"inbox": 1, Channel.EMAIL: 1}


def test_a_rerun_of_the_worker_sends_nothing_twice(county, new_case, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    dispatched(county, new_case)
    sent = deliver_pending()
    assert sent == Delivery.objects.filter(status=Delivery.Status.SENT).count() >= 5  # SMS and email
    assert deliver_pending() == 0
    assert Delivery.objects.filter(status=Delivery.Status.SENT).count() == sent
