"""Issue 20.8's siblings in the task breakdown: the office confirms or returns the report its page showed, a unit
reports on the state it saw."""

from __future__ import annotations

from datetime import date

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from framework import actions
from framework.models import Progress, TaskEvent, TaskEventKind, TaskUnit

ZH = {"Accept-Language": "zh-hans"}


def signed_in(person) -> Client:
    client = Client(headers=ZH)
    client.force_login(person)
    return client


def said(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


@pytest.fixture
def share(county, criterion) -> TaskUnit:
    task = actions.assign_task(
        county.office_admin, criterion=criterion, lead_unit=county.town_a, deadline=date(2030, 12, 31)
    )
    return task.units.get()


def test_confirming_a_report_the_page_never_showed_is_refused(county, share):
    actions.report_progress(county.handler_a, share, "第一次上报", done=True)
    seen = TaskUnit.objects.get(pk=share.pk).version
    actions.return_task_unit(county.office_admin, TaskUnit.objects.get(pk=share.pk), "缺少照片")
    actions.report_progress(county.handler_a, TaskUnit.objects.get(pk=share.pk), "第二次上报", done=True)

    stale = signed_in(county.inspector).post(
        reverse("framework:task_unit_confirm", args=[share.pk]), {"version": seen, "note": "同意"}
    )

    messages = said(stale)
    assert any("打开页面后该单位的任务有了变化" in message for message in messages), messages
    assert any("同意" in message for message in messages)
    assert TaskUnit.objects.get(pk=share.pk).progress == Progress.REPORTED
    assert not TaskEvent.objects.filter(action=TaskEventKind.CONFIRMED).exists()


def test_two_office_people_on_the_same_report_the_second_is_refused(county, share):
    actions.report_progress(county.handler_a, share, "已完成", done=True)
    seen = TaskUnit.objects.get(pk=share.pk).version
    url_return = reverse("framework:task_unit_return", args=[share.pk])
    url_confirm = reverse("framework:task_unit_confirm", args=[share.pk])

    signed_in(county.inspector).post(url_confirm, {"version": seen})
    stale = signed_in(county.office_admin).post(url_return, {"version": seen, "note": "照片不全"})

    assert any("照片不全" in message for message in said(stale))
    assert TaskUnit.objects.get(pk=share.pk).progress == Progress.CONFIRMED


def test_a_current_form_goes_through_and_the_page_carries_the_version(county, share):
    actions.report_progress(county.handler_a, share, "已完成", done=True)
    client = signed_in(county.inspector)
    page = client.get(reverse("framework:task_detail", args=[share.task_id])).content.decode()
    current = TaskUnit.objects.get(pk=share.pk).version
    assert f'name="version" value="{current}"' in page
    client.post(reverse("framework:task_unit_confirm", args=[share.pk]), {"version": current})
    assert TaskUnit.objects.get(pk=share.pk).progress == Progress.CONFIRMED


def test_a_unit_reporting_on_a_stale_page_is_refused(county, share):
    seen = share.version
    actions.report_progress(county.handler_a, share, "进展一")
    stale = TaskUnit.objects.get(pk=share.pk)
    stale.seen_version = seen
    with pytest.raises(ValidationError, match="changed after you opened"):
        actions.report_progress(county.head_a, stale, "进展二（基于旧页面）", done=True)
    assert TaskUnit.objects.get(pk=share.pk).progress == Progress.IN_PROGRESS
