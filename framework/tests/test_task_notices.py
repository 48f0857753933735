"""A unit hears of a task assigned to it and of its report returned; nobody else does."""

from __future__ import annotations

from framework import actions
from notify.models import Notification


def test_assigned_units_hear_of_the_task(county, task):
    told = {n.recipient for n in Notification.objects.filter(kind="task-assigned")}
    assert told == {county.handler_a, county.head_a, county.department_handler}


def test_a_returned_report_tells_the_unit(county, task):
    share = task.units.get(unit=county.town_a)
    actions.report_progress(county.handler_a, share, "已完成", done=True)
    actions.return_task_unit(county.office_admin, share, "缺少照片")
    told = Notification.objects.filter(kind="task-returned")
    assert {n.recipient for n in told} == {county.handler_a, county.head_a}
    assert {n.body for n in told} == {"缺少照片"}
