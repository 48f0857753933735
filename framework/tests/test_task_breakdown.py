"""The task breakdown: the office assigns, the unit reports with attachments, the office reminds and confirms."""

from __future__ import annotations

import datetime as dt
from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.excel import active_sheet
from core.tests.sheets import assert_forwardable
from core.uploads import check_document
from framework import actions
from framework.models import Progress, Task, TaskEvent, TaskUnit
from notify.models import Notification


def _unit(task, unit):
    return task.units.get(unit=unit)


def test_it_assigns_a_criterion_to_a_lead_and_responsible_units(county, task):
    units = {(tu.unit.name, tu.is_lead, tu.progress) for tu in task.units.all()}
    assert units == {("城关街道", True, "not_started"), ("县城管局", False, "not_started")}
    event = task.events.get()
    assert (event.action, event.actor, event.data["lead"]) == ("assigned", county.office_admin, "城关街道")


def test_it_assigns_a_whole_node(county, criterion):
    task = actions.assign_task(
        county.inspector, node=criterion.node, lead_unit=county.town_b, deadline=date(2026, 12, 1)
    )
    assert task.node == criterion.node and task.criterion is None


def test_it_refuses_assignment_by_a_unit_or_a_leader(county, criterion):
    for person in (county.handler_a, county.leader):
        with pytest.raises(PermissionDenied):
            actions.assign_task(
                person, criterion=criterion, lead_unit=county.town_a, deadline=date(2026, 1, 1)
            )
    assert not Task.objects.exists()


def test_it_walks_a_task_unit_through_report_and_confirm(county, task, pdf):
    share = _unit(task, county.town_a)
    actions.report_progress(county.handler_a, share, "已制定方案", [pdf])
    share.refresh_from_db()
    assert share.progress == Progress.IN_PROGRESS
    actions.report_progress(county.handler_a, share, "已完成", done=True)
    share.refresh_from_db()
    assert share.progress == Progress.REPORTED
    with pytest.raises(ValidationError):
        actions.report_progress(county.handler_a, share, "again")
    actions.confirm_task_unit(county.office_admin, share)
    share.refresh_from_db()
    assert share.progress == Progress.CONFIRMED
    kinds = list(task.events.values_list("action", "from_state", "to_state"))
    assert kinds == [
        ("assigned", "", ""),
        ("progress", "not_started", "in_progress"),
        ("reported", "in_progress", "reported"),
        ("confirmed", "reported", "confirmed"),
    ]
    attachment = task.events.get(action="progress").attachments.get()
    assert (attachment.name, attachment.content_type) == ("台账.pdf", "application/pdf")


def test_it_returns_a_report_with_a_reason(county, task):
    share = _unit(task, county.town_a)
    actions.report_progress(county.handler_a, share, "完成", done=True)
    with pytest.raises(ValidationError):
        actions.return_task_unit(county.office_admin, share, "")
    actions.return_task_unit(county.office_admin, share, "缺少照片")
    share.refresh_from_db()
    assert share.progress == Progress.IN_PROGRESS


def test_it_confirms_only_what_was_reported(county, task):
    with pytest.raises(ValidationError):
        actions.confirm_task_unit(county.office_admin, _unit(task, county.town_a))


def test_it_refuses_files_that_are_not_documents_by_content(county, task):
    share = _unit(task, county.town_a)
    page = SimpleUploadedFile(
        "report.pdf", b"<html><script>alert(1)</script></html>", content_type="application/pdf"
    )
    with pytest.raises(ValidationError, match="not a PDF"):
        actions.report_progress(county.handler_a, share, "see file", [page])
    share.refresh_from_db()
    assert share.progress == Progress.NOT_STARTED
    assert task.events.count() == 1


def test_it_refuses_files_that_are_too_large(pdf):
    with pytest.raises(ValidationError, match="larger than"):
        check_document(pdf, max_bytes=10)
    assert check_document(pdf).extension == "pdf"


def test_a_reminder_is_recorded_and_shown_on_my_tasks(county, task, login):
    share = _unit(task, county.town_a)
    actions.remind_task_unit(county.office_admin, share, "请于本周内报送")
    assert TaskEvent.objects.filter(task_unit=share, action="reminded", note="请于本周内报送").exists()
    response = login(county.handler_a).get(reverse("framework:my_tasks"))
    assert "请于本周内报送" in response.content.decode()
    inbox = Notification.objects.filter(kind="task-reminder")
    assert set(inbox.values_list("recipient__username", flat=True)) == {"handler_a", "head_a"}
    assert not Notification.objects.filter(recipient=county.handler_b).exists()


def test_the_unit_reports_through_the_screen_with_an_attachment(county, task, login, pdf):
    share = _unit(task, county.town_a)
    client = login(county.handler_a)
    response = client.post(
        reverse("framework:task_unit_report", args=[share.pk]),
        {"note": "已完成", "files": [pdf], "done": "on"},
    )
    assert response.status_code == 302
    share.refresh_from_db()
    assert share.progress == Progress.REPORTED
    attachment = share.events.get(action="reported").attachments.get()
    download = client.get(reverse("framework:attachment_download", args=[attachment.pk]))
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")
    assert download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content).startswith(b"%PDF")


def test_the_office_confirms_through_the_screen(county, task, login):
    share = _unit(task, county.town_a)
    actions.report_progress(county.handler_a, share, "完成", done=True)
    response = login(county.office_admin).post(reverse("framework:task_unit_confirm", args=[share.pk]))
    assert response.status_code == 302
    share.refresh_from_db()
    assert share.progress == Progress.CONFIRMED


# --- Scoping: town B's handler cannot see or act on town A's task -----------------------------------


def test_another_towns_handler_cannot_see_the_task(county, task, login):
    client = login(county.handler_b)
    assert client.get(reverse("framework:task_detail", args=[task.pk])).status_code == 404
    assert "城关街道" not in client.get(reverse("framework:my_tasks")).content.decode()


def test_another_towns_handler_cannot_report_remind_or_confirm(county, task, login, pdf):
    share = _unit(task, county.town_a)
    client = login(county.handler_b)
    for name in ("task_unit_report", "task_unit_confirm", "task_unit_return", "task_unit_remind"):
        response = client.post(
            reverse(f"framework:{name}", args=[share.pk]), {"note": "x", "files": [pdf], "done": "on"}
        )
        assert response.status_code == 404, name
    share.refresh_from_db()
    assert share.progress == Progress.NOT_STARTED
    assert task.events.count() == 1


def test_another_towns_handler_cannot_download_the_attachments(county, task, login, pdf):
    share = _unit(task, county.town_a)
    actions.report_progress(county.handler_a, share, "x", [pdf])
    attachment = share.events.get(action="progress").attachments.get()
    url = reverse("framework:attachment_download", args=[attachment.pk])
    assert login(county.handler_b).get(url).status_code == 404


def test_a_unit_cannot_confirm_its_own_report(county, task, login):
    share = _unit(task, county.town_a)
    actions.report_progress(county.handler_a, share, "完成", done=True)
    response = login(county.handler_a).post(reverse("framework:task_unit_confirm", args=[share.pk]))
    assert response.status_code == 403
    share.refresh_from_db()
    assert share.progress == Progress.REPORTED


def test_a_community_sees_nothing_of_its_towns_task_and_a_leader_cannot_act(county, task, login):
    share = _unit(task, county.town_a)
    assert (
        login(county.community_handler_a).get(reverse("framework:task_detail", args=[task.pk])).status_code
        == 404
    )
    leader = login(county.leader)
    assert leader.get(reverse("framework:task_detail", args=[task.pk])).status_code == 200
    assert (
        leader.post(reverse("framework:task_unit_report", args=[share.pk]), {"note": "x"}).status_code == 403
    )
    assert leader.post(reverse("framework:task_unit_remind", args=[share.pk])).status_code == 403
    assert not TaskUnit.objects.exclude(progress=Progress.NOT_STARTED).exists()
    assert task.events.count() == 1


def test_the_town_head_sees_the_task_but_a_department_does_not_see_the_towns_share(county, task, login):
    response = login(county.department_handler).get(reverse("framework:task_detail", args=[task.pk]))
    assert response.status_code == 200
    assert "县城管局" in response.content.decode()
    assert "城关街道" not in response.content.decode()


def test_only_the_office_assigns_through_the_screen(county, criterion, login):
    url = reverse("framework:task_assign") + f"?criterion={criterion.pk}"
    soon = str(date.today() + timedelta(days=30))
    data = {"lead_unit": county.town_a.pk, "responsible_units": [county.town_b.pk], "deadline": soon}
    assert login(county.handler_a).post(url, data).status_code == 403
    assert not Task.objects.exists()
    response = login(county.office_admin).post(url, data)
    assert response.status_code == 302
    assert Task.objects.get().units.count() == 2


def test_it_exports_the_breakdown_in_the_office_layout(county, task, login):
    import io

    from openpyxl import load_workbook

    response = login(county.office_admin).get(reverse("framework:task_export"))
    sheet = active_sheet(load_workbook(io.BytesIO(response.content)))
    assert_forwardable(sheet)
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert rows[0] == ("项目", "指标", "内容", "标准", "牵头单位", "责任单位", "完成时限", "进度")
    assert rows[1] == (
        "Ⅰ-1 公共环境",
        "Ⅱ-1 市容市貌",
        "Ⅲ-1 环境卫生",
        "农贸市场干净整洁，无乱堆乱放。",
        "城关街道",
        "县城管局",
        dt.datetime(2026, 12, 31),
        "城关街道：Not started；县城管局：Not started",
    )
    assert login(county.handler_a).get(reverse("framework:task_export")).status_code == 403


def test_my_tasks_marks_what_is_overdue(county, task, login):
    import time_machine

    with time_machine.travel(date(2027, 1, 2)):
        html = login(county.handler_a).get(reverse("framework:my_tasks")).content.decode()
    assert 'data-testid="overdue"' in html
    with time_machine.travel(date(2026, 12, 30)):
        html = login(county.handler_a).get(reverse("framework:my_tasks")).content.decode()
    assert 'data-testid="overdue"' not in html


def test_the_office_sees_the_breakdown_by_unit(county, task, criterion, login):
    actions.assign_task(  # a deliberate second breakdown of the same criterion
        county.office_admin,
        criterion=criterion,
        lead_unit=county.town_b,
        deadline=date(2026, 12, 1),
        reason="柳河镇另设专项任务",
    )
    client = login(county.office_admin)
    page = client.get(reverse("framework:task_list"), {"unit": county.town_b.pk}).context["page"]
    assert [t.units.get(is_lead=True).unit for t in page] == [county.town_b]
    assert client.get(reverse("framework:task_list")).context["page"].paginator.count == 2


def test_the_task_list_is_for_the_office_and_leaders_only_within_scope(county, task, login):
    assert login(county.handler_b).get(reverse("framework:task_list")).context["page"].paginator.count == 0


def test_a_deadline_in_the_past_is_refused_and_the_form_keeps_the_input(county, criterion, login):
    url = reverse("framework:task_assign") + f"?criterion={criterion.pk}"
    yesterday = str(date.today() - timedelta(days=1))
    response = login(county.office_admin).post(url, {"lead_unit": county.town_a.pk, "deadline": yesterday})
    assert response.status_code == 200
    assert "The deadline is in the past." in response.content.decode()
    assert yesterday in response.content.decode()
    assert not Task.objects.exists()
