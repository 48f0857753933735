"""Issue 20.26: the report page takes a report in with one INSERT and answers; a job queued on commit files it
(case, number, grid, nearest address, history), and beat's sweep files whatever waited because the job was never
queued (broker down). Nothing is lost, nothing filed twice, the citizen reads "已受理，正在分派" meanwhile."""

from __future__ import annotations

import re

import pytest
from celery import current_app
from django.db import connection
from django.test.utils import CaptureQueriesContext

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
    actions.forget_queued_filing()
    queued: list[float] = []  # each queued job's countdown
    monkeypatch.setattr(
        current_app.tasks[actions.FILE_TASK], "apply_async", lambda countdown: queued.append(countdown)
    )
    yield queued
    actions.forget_queued_filing()


def test_the_report_page_stores_the_report_and_queues_its_filing(
    client, service, with_broker, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/report/", form(service), headers=ZH)
    received = ReceivedReport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/track/{received.tracking_code}/?new=1"
    assert with_broker == [actions.FILING_DELAY_SECONDS], "the filing job was queued once the row committed"
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

    def broker_down(countdown):
        raise ConnectionRefusedError("redis is down")

    actions.forget_queued_filing()
    monkeypatch.setattr(current_app.tasks[actions.FILE_TASK], "apply_async", broker_down)
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
    client, service, with_broker, django_capture_on_commit_callbacks, monkeypatch
):
    """Publishing a Celery message was most of a report's cost in the request. A process queues a filing job to run
    FILING_DELAY_SECONDS later; the reports it takes in before then ride on that job (it reads the inbox after
    they committed), with no message and no round trip; a report after it has run queues the next one."""
    clock = [1_000_000.0]
    monkeypatch.setattr(actions.time, "time", lambda: clock[0])
    for _ in range(3):
        with django_capture_on_commit_callbacks(execute=True):
            assert client.post("/report/", form(service)).status_code == 302
        clock[0] += 0.1
    assert len(with_broker) == 1, "one job for the three: it files every report waiting when it runs"
    assert actions.file_received_reports() == 3

    # Too close to the job's run for this report's commit to be sure to come first, by the worker's clock.
    clock[0] = 1_000_000.0 + actions.FILING_DELAY_SECONDS - actions.CLOCK_MARGIN_SECONDS
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/report/", form(service))
    assert len(with_broker) == 2, (
        "the job may have read the inbox already: the next report queues the next job"
    )


def test_a_report_after_a_failed_publish_tries_again(
    client, service, settings, monkeypatch, django_capture_on_commit_callbacks
):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    actions.forget_queued_filing()
    tries: list[float] = []

    def broker_down(countdown):
        tries.append(countdown)
        raise ConnectionRefusedError("redis is down")

    monkeypatch.setattr(current_app.tasks[actions.FILE_TASK], "apply_async", broker_down)
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            assert client.post("/report/", form(service)).status_code == 302
    assert len(tries) == 2, "no job was queued by the first report: the second does not count on it"
    assert ReceivedReport.objects.count() == 2
    actions.forget_queued_filing()


def test_the_inbox_insert_writes_every_column(client, service, with_broker):
    """The report page writes its inbox row with a plain INSERT: a column added to ReceivedReport must be written
    there too (a default the database does not know would fail the insert, not pass silently)."""
    with CaptureQueriesContext(connection) as queries:
        client.post("/report/", form(service, address=" 菜市场东门 "))
    (insert,) = [q["sql"] for q in queries if q["sql"].startswith("INSERT")]
    written = re.search(r"\((.*?)\) VALUES", insert).group(1)  # type: ignore[union-attr]
    columns = {f.column for f in ReceivedReport._meta.concrete_fields if not f.primary_key}
    assert {name.strip('"` ') for name in written.split(",")} == columns
    row = ReceivedReport.objects.values().get()
    assert row["address"] == "菜市场东门" and row["channel"] == CitizenReport.Channel.WEB
    assert row["phone"] == SECRET_PHONE and row["received_at"] is not None and row["service_id"] == service.pk


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
