"""Exporting a case list: small lists download at once; large ones are made in the background with progress,
rebuilt as the requester sees them (their scope, their filters, their queue)."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from cases import exports
from cases.models import Case, Source, State
from core.excel import active_sheet
from core.tests.sheets import assert_forwardable, header_row, open_export
from jobs.models import GeneratedFile


@pytest.fixture
def many_cases(county):
    """2,100 cases held by town B and 300 by town A, written in one go."""
    now = timezone.now()

    def case(index: int, unit, state=State.RECTIFYING) -> Case:
        return Case(
            number=f"2026-{index:06d}",
            source=Source.PATROL,
            description=f"第{index}号问题",
            unit=unit,
            state=state,
            reporter_phone="13700000000",
            reported_at=now - dt.timedelta(minutes=index),
            dispatched_at=now - dt.timedelta(minutes=index),
            deadline=now + dt.timedelta(days=1) if index % 2 else now - dt.timedelta(hours=1),
        )

    Case.objects.bulk_create(
        [case(i, county.town_b) for i in range(1, 2101)] + [case(i, county.town_a) for i in range(2101, 2401)]
    )


def _rows(content: bytes) -> list[tuple]:
    """The header and the rows, below the title."""
    sheet = active_sheet(load_workbook(io.BytesIO(content)))
    return list(sheet.iter_rows(min_row=header_row(sheet), values_only=True))


def _run_export(client, query: str, capture) -> GeneratedFile:
    with capture(execute=True):
        response = client.post(reverse("cases:export_job"), {"query": query})
    job = GeneratedFile.objects.latest("pk")
    assert response.status_code == 302 and response["Location"] == reverse("jobs:job", args=[job.pk])
    job.refresh_from_db()
    assert job.status == GeneratedFile.Status.DONE, job.error
    return job


def _download(client, job) -> bytes:
    return b"".join(client.get(reverse("jobs:download", args=[job.pk])).streaming_content)


def test_a_large_list_is_made_in_the_background_and_downloaded(
    county, login, many_cases, django_capture_on_commit_callbacks
):
    client = login(county.office_admin)
    page = client.get(reverse("cases:list") + f"?unit={county.town_b.pk}").content.decode()
    assert reverse("cases:export_job") in page  # the button starts a job instead of a download
    asked = client.get(reverse("cases:export") + f"?unit={county.town_b.pk}")
    assert asked.status_code == 200 and "2100" in asked.content.decode()  # says how many, asks first
    job = _run_export(client, f"unit={county.town_b.pk}", django_capture_on_commit_callbacks)
    assert (
        job.progress == 100
        and job.filename.startswith(f"{_('Case list')}-")
        and job.filename.endswith(".xlsx")
    )
    with translation.override("zh-hans"):  # the worker's language, the site's (LANGUAGE_CODE)
        assert exports.export_filename().startswith("案件清单-")
    progress_page = client.get(reverse("jobs:job", args=[job.pk])).content.decode()
    assert reverse("jobs:download", args=[job.pk]) in progress_page
    rows = _rows(_download(client, job))
    assert len(rows) == 2101 and rows[1][0] == "2026-000001"  # newest first, as the list shows them
    assert {row[8] for row in rows[1:]} == {"柳河镇"}
    assert rows[0][-1] == "Reporter's phone" and rows[1][-1] == "13700000000"  # the office sees contacts
    sheet = active_sheet(open_export(_download(client, job)))
    assert_forwardable(sheet)
    assert sheet["A1"].value.startswith("Case list　创建办")


def test_the_job_keeps_to_the_requesters_scope_and_queue(
    county, login, many_cases, django_capture_on_commit_callbacks
):
    client = login(county.handler_b)
    # Town B's person asks for town A's cases: the job rebuilds the list as they see it, so none of A's come.
    job = _run_export(client, f"unit={county.town_a.pk}&queue=overdue", django_capture_on_commit_callbacks)
    rows = _rows(_download(client, job))
    assert len(rows) == 1051  # town B's overdue half, with the header
    assert all(row[0] <= "2026-002100" for row in rows[1:]) and all(row[15] for row in rows[1:])
    assert "Reporter's phone" not in rows[0]  # a unit does not see reporters' contacts
    # Nobody else sees the job or its file.
    other = login(county.handler_a)
    assert other.get(reverse("jobs:job", args=[job.pk])).status_code == 404
    assert other.get(reverse("jobs:download", args=[job.pk])).status_code == 404


def test_a_small_list_downloads_at_once_as_on_screen(county, login, new_case):
    new_case(description="第一处")
    new_case(description="第二处")
    client = login(county.office_admin)
    assert reverse("cases:export_job") not in client.get(reverse("cases:list")).content.decode()
    response = client.get(reverse("cases:export") + "?queue=to_accept")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert [row[5] for row in _rows(response.content)[1:]] == ["第二处", "第一处"]
    assert not GeneratedFile.objects.exists()


def test_the_workbook_reports_its_progress(county, many_cases):
    seen: list[int] = []
    workbook = exports.cases_workbook(Case.objects.all(), can_see_contact=False, progress=seen.append)
    workbook.save(io.BytesIO())
    assert seen == [1000, 2000]


def test_a_progress_page_shows_the_bar_until_the_file_is_ready(county, login):
    job = GeneratedFile.objects.create(
        kind="cases-xlsx", params={"query": ""}, created_by=county.office_admin, progress=40
    )
    page = login(county.office_admin).get(reverse("jobs:job", args=[job.pk]), HTTP_HX_REQUEST="true")
    text = page.content.decode()
    assert 'aria-valuenow="40"' in text and "hx-get" in text


def test_signed_out_people_cannot_start_an_export(db, client):
    response = client.post(reverse("cases:export_job"), {"query": ""})
    assert response.status_code == 302 and "login" in response["Location"]
    assert not GeneratedFile.objects.exists()


def test_a_small_export_is_a_file_to_forward_as_it_is(county, login, new_case):
    case = new_case(description="路面破损")
    client = login(county.office_admin)
    response = client.get(reverse("cases:export") + "?date_from=2026-01-01&date_to=2026-12-31")
    sheet = active_sheet(open_export(response.content))
    titles = assert_forwardable(sheet)
    assert sheet["A1"].value.startswith("Case list　创建办　reported 2026-01-01 – 2026-12-31　made ")
    row = {title: cell for title, cell in zip(titles, sheet[3], strict=True)}
    assert row["Number"].value == case.number
    assert row["Reported at"].value == timezone.localtime(case.reported_at).replace(
        tzinfo=None, second=0, microsecond=0
    )
    assert row["Reported at"].number_format == "yyyy-mm-dd hh:mm"
    assert row["Latitude"].number_format == "0.000000" and row["Latitude"].value == round(case.lat, 6)
    assert sheet.column_dimensions["A"].width >= len(case.number)  # the case number is never cut off


@pytest.mark.parametrize(
    "payload", ['=HYPERLINK("http://x","点我")', "+1+1", "-1+2", "@SUM(1)", "=cmd|' /C calc'!A0"]
)
def test_excel_formula_injection_in_a_description_stays_text(county, login, new_case, payload):
    new_case(description=payload)
    response = login(county.office_admin).get(reverse("cases:export"))
    sheet = active_sheet(open_export(response.content))
    cell = sheet.cell(3, 6)
    assert cell.value == payload and cell.data_type == "s" and cell.quotePrefix


def test_control_characters_in_a_description_do_not_break_the_export(county, login, new_case):
    new_case(description="路面\x01破损\x0c严重")
    response = login(county.office_admin).get(reverse("cases:export"))
    assert response.status_code == 200
    assert active_sheet(open_export(response.content)).cell(3, 6).value == "路面破损严重"
