"""The daily digest: once a day each unit hears what of its own open cases needs it, and nobody else's."""

from __future__ import annotations

import datetime as dt
import io

import time_machine
from django.core.management import call_command

from cases import actions
from cases.conftest import photo
from cases.digest import build_digests, send_daily_digests
from notify.models import Channel, Delivery, Notification

SH = dt.timezone(dt.timedelta(hours=8))
FRIDAY = dt.datetime(2026, 11, 20, 10, 0, tzinfo=SH)
MONDAY = dt.datetime(2026, 11, 23, 15, 0, tzinfo=SH)
TUESDAY_EARLY = dt.datetime(2026, 11, 24, 7, 30, tzinfo=SH)
TUESDAY = dt.datetime(2026, 11, 24, 8, 5, tzinfo=SH)


def digests_of(person) -> list[Notification]:
    return list(Notification.objects.filter(recipient=person, kind="digest").order_by("pk"))


def _county_at_work(county, new_case) -> dict:
    """Town A holds one case of each kind; its community one overdue case; town B nothing of note."""
    office = county.inspector
    cases = {}
    with time_machine.travel(FRIDAY, tick=False):
        cases["overdue"] = actions.dispatch_case(
            office, new_case(), unit=county.town_a, deadline=MONDAY - dt.timedelta(hours=3)
        )
        cases["due_today"] = actions.dispatch_case(
            office, new_case(), unit=county.town_a, deadline=TUESDAY + dt.timedelta(hours=8)
        )
        rework = actions.dispatch_case(
            office, new_case(), unit=county.town_a, deadline=TUESDAY + dt.timedelta(days=3)
        )
        rework = actions.report_back(county.handler_a, rework, "已清理", [photo()])
        cases["rework"] = actions.rework_case(office, rework, "仍有垃圾")
        cases["community"] = actions.dispatch_case(
            office, new_case(), unit=county.community_a, deadline=MONDAY
        )
        deferred = actions.dispatch_case(office, new_case(), unit=county.town_a, deadline=MONDAY)
        actions.defer_case(office, deferred, "待统一整治")
        actions.dispatch_case(office, new_case(), unit=county.town_b, deadline=TUESDAY + dt.timedelta(days=5))
    with time_machine.travel(MONDAY, tick=False):
        cases["new"] = actions.dispatch_case(
            office, new_case(), unit=county.town_a, deadline=TUESDAY + dt.timedelta(days=2)
        )
    return cases


def test_each_unit_gets_one_digest_of_its_own_cases_from_the_hour_on(county, new_case):
    county.town_a.head_phone = "13900000001"
    county.town_a.save()
    cases = _county_at_work(county, new_case)
    with time_machine.travel(TUESDAY_EARLY, tick=False):
        assert send_daily_digests() == 0  # before 08:00 nothing goes out
    with time_machine.travel(TUESDAY, tick=False):
        assert send_daily_digests() == 2  # town A and its community; town B has nothing to hear
        assert send_daily_digests() == 0  # the next run of the job finds them sent
    [digest] = digests_of(county.handler_a)
    assert digest.title == "Daily digest 11-24: 1 overdue, 1 due today, 1 for rework, 1 new"
    for name in ("overdue", "due_today", "rework", "new"):
        assert cases[name].number in digest.body
    assert cases["community"].number not in digest.body  # the community hears of its own case itself
    assert digest.url == "/cases/?queue=to_rectify" and digest.unit == county.town_a
    assert [d.title for d in digests_of(county.head_a)] == [digest.title]
    [community] = digests_of(county.community_handler_a)
    assert (
        community.title.startswith("Daily digest 11-24: 1 overdue, 0 due today")
        and cases["community"].number in community.body
    )
    assert digests_of(county.handler_b) == [] and digests_of(county.department_handler) == []
    sms = Delivery.objects.get(channel=Channel.SMS, dedupe_key=digest.dedupe_key)
    assert sms.address == "13900000001" and sms.text.startswith("【城关街道】Daily digest")
    with time_machine.travel(TUESDAY + dt.timedelta(days=1), tick=False):
        assert send_daily_digests() == 2  # a new day, a new digest
    assert len(digests_of(county.handler_a)) == 2


def test_a_unit_without_accounts_is_told_by_sms_once(county, new_case):
    county.community_b.head_phone = "13900000002"
    county.community_b.save()
    with time_machine.travel(FRIDAY, tick=False):
        actions.dispatch_case(county.inspector, new_case(), unit=county.community_b, deadline=MONDAY)
    with time_machine.travel(TUESDAY, tick=False):
        assert send_daily_digests() == 1
        assert send_daily_digests() == 0
    assert Delivery.objects.filter(channel=Channel.SMS, address="13900000002").count() == 1


def test_a_long_section_lists_five_and_counts_the_rest(county, new_case, django_assert_max_num_queries):
    with time_machine.travel(FRIDAY, tick=False):
        for _ in range(7):
            actions.dispatch_case(county.inspector, new_case(), unit=county.town_a, deadline=MONDAY)
    with time_machine.travel(TUESDAY, tick=False), django_assert_max_num_queries(6):
        [digest] = build_digests()
    assert digest.sections["overdue"].count == 7 and len(digest.sections["overdue"].cases) == 5
    assert "Overdue (7):" in digest.body() and "· … and 2 more" in digest.body()


def test_the_tick_command_sends_them(county, new_case):
    _county_at_work(county, new_case)
    out = io.StringIO()
    with time_machine.travel(TUESDAY, tick=False):
        call_command("tick", stdout=out)
    assert "digests: 2;" in out.getvalue()
