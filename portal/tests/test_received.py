"""Issue 20.26: the report page takes a report in with one INSERT and answers; a job queued on commit files it
(case, number, grid, nearest address, history), and beat's sweep files whatever waited because the job was never
queued (broker down). Nothing is lost, nothing filed twice, the citizen reads "已受理，正在分派" meanwhile."""

from __future__ import annotations

import pytest
from celery import current_app

from cases.models import Case, Source, State
from core import periodic
from portal import actions
from portal.conftest import IN_GRID_A, OUTSIDE, SECRET_PHONE, gps_jpeg
from portal.models import CitizenReport, ReceivedReport, phone_hash

ZH = {"Accept-Language": "zh-hans"}


def form(service, **fields):
    return {
        "service": service.pk,
        "description": "市场门口垃圾成堆",
        "lon": IN_GRID_A[0],
        "lat": IN_GRID_A[1],
        "address": "",
        "phone": SECRET_PHONE,
        "website": "",
        **fields,
    }


@pytest.fixture
def with_broker(settings, monkeypatch):
    """A deployment with a broker: the filing is queued, here recorded instead of sent."""
    settings.CELERY_TASK_ALWAYS_EAGER = False
    queued: list[bool] = []
    monkeypatch.setattr(current_app.tasks[actions.FILE_TASK], "delay", lambda: queued.append(True))
    return queued


def test_the_report_page_stores_the_report_and_queues_its_filing(
    client, service, with_broker, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/report/", form(service), headers=ZH)
    received = ReceivedReport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/track/{received.tracking_code}/?new=1"
    assert with_broker == [True], "the filing job was queued once the row committed"
    assert not Case.objects.exists() and received.phone == SECRET_PHONE

    page = client.get(response["Location"], headers=ZH).content.decode()
    assert "已受理，正在分派" in page and received.tracking_code in page
    lookup = client.get("/track/", {"code": received.tracking_code.lower()})
    assert lookup["Location"] == f"/track/{received.tracking_code}/"

    assert actions.file_received_reports() == 1
    report = CitizenReport.objects.select_related("case").get()
    case = report.case
    assert report.tracking_code == received.tracking_code and report.phone_hash == phone_hash(SECRET_PHONE)
    assert (case.state, case.source, case.category_id) == (
        State.REPORTED,
        Source.CITIZEN,
        service.category_id,
    )
    assert case.grid is not None and case.address, "the grid and the nearest address are the job's work"
    assert case.reported_at == received.received_at and case.events.count() == 1
    assert not ReceivedReport.objects.exists()
    page = client.get(f"/track/{report.tracking_code}/", headers=ZH).content.decode()
    assert "已受理，正在分派" not in page and case.description in page
    assert actions.file_received_reports() == 0, "filed once: a second job finds nothing"


def test_a_report_taken_in_while_the_broker_is_down_is_filed_by_the_sweep(
    client, service, settings, monkeypatch, django_capture_on_commit_callbacks
):
    settings.CELERY_TASK_ALWAYS_EAGER = False

    def broker_down():
        raise ConnectionRefusedError("redis is down")

    monkeypatch.setattr(current_app.tasks[actions.FILE_TASK], "delay", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/report/", form(service), headers=ZH)
    assert response.status_code == 302, "the citizen's report is kept: the broker is not needed to take it"
    code = ReceivedReport.objects.get().tracking_code

    sweep = periodic.beat_schedule()["portal-intake-sweep"]
    assert sweep["task"] == actions.FILE_TASK
    assert sweep["schedule"] == settings.INTAKE_SWEEP_SECONDS
    current_app.tasks[actions.FILE_TASK].run()  # what beat sends
    assert CitizenReport.objects.get().tracking_code == code and Case.objects.count() == 1
    assert not ReceivedReport.objects.exists()


def test_a_job_already_queued_files_the_next_reports_without_another_message(
    client, service, with_broker, django_capture_on_commit_callbacks
):
    """Publishing a Celery message was most of a report's cost in the request: while a filing job waits in the
    queue, the reports after it only claim it (one cache round trip); the job releases the claim before it reads
    the inbox, so a report after that queues the next job."""
    for _ in range(3):
        with django_capture_on_commit_callbacks(execute=True):
            assert client.post("/report/", form(service)).status_code == 302
    assert with_broker == [True], "one job for the three: it files every report waiting when it starts"
    assert actions.file_received_reports() == 3
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/report/", form(service))
    assert with_broker == [True, True], "the job started: the next report queues the next job"


def test_the_request_still_refuses_what_cannot_be_filed(client, service, with_broker):
    outside = client.post("/report/", form(service, lon=OUTSIDE[0], lat=OUTSIDE[1]))
    assert outside.status_code == 400 and "outside the county" in outside.content.decode()
    empty = client.post("/report/", form(service, description="  "))
    assert empty.status_code == 400
    assert not ReceivedReport.objects.exists() and with_broker == []


def test_a_report_with_photos_is_filed_at_once(client, service, with_broker):
    response = client.post("/report/", {**form(service), "photos": [gps_jpeg()]})
    report = CitizenReport.objects.get()
    assert response["Location"] == f"/track/{report.tracking_code}/?new=1"
    assert report.case.photos.count() == 1 and not ReceivedReport.objects.exists()
