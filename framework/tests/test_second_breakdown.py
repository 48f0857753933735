"""A criterion already broken down is not broken down again by mistake: the screen shows the existing task to
edit, and a deliberate second breakdown needs a reason, kept in the history. 分解 starts from the task list."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from framework import actions
from framework.models import Task

SOON = date.today() + timedelta(days=30)


def test_a_second_breakdown_without_a_reason_is_refused(county, task):
    with pytest.raises(ValidationError) as refused:
        actions.assign_task(
            county.office_admin, criterion=task.criterion, lead_unit=county.town_b, deadline=SOON
        )
    assert "reason" in refused.value.message_dict
    assert Task.objects.count() == 1


def test_a_deliberate_second_breakdown_keeps_its_reason(county, task):
    again = actions.assign_task(
        county.office_admin,
        criterion=task.criterion,
        lead_unit=county.town_b,
        deadline=SOON,
        reason="专项整治另设",
    )
    data = again.events.get().data
    assert (data["again"], data["reason"]) == (True, "专项整治另设")


def test_the_screen_shows_the_existing_task_and_asks_why(county, task, login):
    client = login(county.office_admin)
    url = reverse("framework:task_assign") + f"?criterion={task.criterion.pk}"
    page = client.get(url).content.decode()
    assert 'data-testid="already-broken-down"' in page
    assert reverse("framework:task_detail", args=[task.pk]) in page
    data = {"lead_unit": county.town_b.pk, "deadline": str(SOON)}
    response = client.post(url, data)
    assert response.status_code == 200 and Task.objects.count() == 1
    assert client.post(url, data | {"reason": "专项整治另设"}).status_code == 302
    assert Task.objects.count() == 2


def test_a_first_breakdown_asks_no_reason(county, criterion, login):
    page = login(county.office_admin).get(reverse("framework:task_assign") + f"?criterion={criterion.pk}")
    html = page.content.decode()
    assert 'name="reason"' not in html and "already-broken-down" not in html


def test_breakdown_is_reachable_from_the_task_list(county, task, login):
    page = login(county.office_admin).get(reverse("framework:task_list")).content.decode()
    assert 'data-testid="breakdown"' in page
    assert (
        'data-testid="breakdown"'
        not in login(county.handler_a).get(reverse("framework:task_list")).content.decode()
    )
