"""Large registry files are imported on the `imports` queue with the jobs page; a bad file is refused on the form
before anything is queued; a file with bad rows fails its job, saving nothing."""

from __future__ import annotations

import io

import pytest
from django.core.files.storage import default_storage
from django.http import HttpResponse
from django.urls import reverse
from openpyxl import Workbook

from addresses import views
from addresses.models import Doorplate, Road
from addresses.tests.test_imports import PLATES, ROADS
from core.excel import active_sheet
from jobs.models import GeneratedFile


def upload(sheets: dict[str, list[list]], name: str = "registry.xlsx") -> io.BytesIO:
    book = Workbook()
    book.remove(active_sheet(book))
    for sheet_name, rows in sheets.items():
        sheet = book.create_sheet(sheet_name)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    buffer.name = name
    return buffer


GOOD: dict[str, list[list]] = {
    "道路": [ROADS, ["人民路", "主干路", "117.0005,35.505; 117.0195,35.505", ""]],
    "门牌": [
        PLATES,
        ["人民路", "18", 117.005, 35.5053, "", ""],
        ["人民路", "26号", 117.014, 35.5053, "", ""],
    ],
}


@pytest.fixture
def small_limit(monkeypatch):
    """Every test file counts as large: the same path a 100,000-doorplate file takes."""
    monkeypatch.setattr(views, "BACKGROUND_IMPORT_BYTES", 100)


def stored_uploads() -> list[str]:
    return (
        default_storage.listdir("imports/addresses")[1] if default_storage.exists("imports/addresses") else []
    )


def post(client, file) -> HttpResponse:
    return client.post(reverse("addresses:import"), {"file": file, "layer": "roads", "system": "wgs84"})


def test_a_large_file_is_imported_in_the_background(
    county, login, small_limit, django_capture_on_commit_callbacks
):
    client = login(county.office_admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, upload(GOOD))
    job = GeneratedFile.objects.get()
    assert response["Location"] == reverse("jobs:job", args=[job.pk])
    assert (job.kind, job.status, job.task) == (
        "address-import",
        "done",
        "addresses.tasks.make_address_import",
    )
    assert Doorplate.objects.count() == 2 and Road.objects.count() == 1
    summary = b"".join(client.get(reverse("jobs:download", args=[job.pk])).streaming_content).decode()
    assert "3" in summary.splitlines()[0] and "人民路18号" in summary
    assert stored_uploads() == []  # imported: the kept upload is gone


def test_bad_rows_fail_the_job_and_nothing_is_saved(
    county, login, small_limit, django_capture_on_commit_callbacks
):
    bad: dict[str, list[list]] = {
        **GOOD,
        "门牌": [PLATES, ["人民路", "18", 117.005, 35.5053, "", ""], ["无名路", "1", 117.0, 35.5, "", ""]],
    }
    client = login(county.office_admin)
    with django_capture_on_commit_callbacks(execute=True):
        post(client, upload(bad))
    job = GeneratedFile.objects.get()
    assert job.status == "failed" and job.error.startswith("1 ")
    assert "无名路" in job.error or "row 3" in job.error or "第 3 行" in job.error
    assert not Doorplate.objects.exists() and not Road.objects.exists()
    assert len(stored_uploads()) == 1  # kept: nothing the person sent is lost before it was imported
    page = client.get(reverse("jobs:job", args=[job.pk])).content.decode()
    assert 'data-testid="job-failed"' in page


def named(data: bytes, name: str) -> io.BytesIO:
    buffer = io.BytesIO(data)
    buffer.name = name
    return buffer


@pytest.mark.parametrize(
    ("file", "says"),
    [
        (named(b"not a workbook", "registry.xlsx"), "Excel"),
        (upload({"Sheet": [["a", "b"]]}), "道路"),
        (named(b'{"type": "FeatureCollection"}', "roads.geojson"), "features"),
    ],
)
def test_a_bad_large_file_is_refused_on_the_form_and_nothing_queued(county, login, small_limit, file, says):
    response = post(login(county.office_admin), file)
    assert response.status_code == 200 and says in response.content.decode()
    assert not GeneratedFile.objects.exists() and stored_uploads() == []


def test_a_small_file_is_still_imported_at_once(county, login):
    response = post(login(county.office_admin), upload(GOOD))
    assert response.status_code == 302 and response["Location"] == reverse("addresses:registry")
    assert Doorplate.objects.count() == 2 and not GeneratedFile.objects.exists()
