"""The public report page: a report enters the case loop as `reported`; bad input keeps what was typed."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import OperationalError, connection

from cases.models import Case, Source, State
from core.tests.test_uploads import png_bomb
from portal.conftest import IN_GRID_A, OUTSIDE, SECRET_PHONE, gps_jpeg
from portal.models import CitizenReport, phone_hash
from portal.queries import forget_services

ZH = {"Accept-Language": "zh-hans"}


def form(service, **fields):
    return {
        "service": service.pk,
        "description": "市场门口垃圾成堆",
        "lon": IN_GRID_A[0],
        "lat": IN_GRID_A[1],
        "address": "人民路菜市场",
        "phone": SECRET_PHONE,
        "website": "",
        **fields,
    }


def test_it_shows_the_report_page_without_login(client, service):
    response = client.get("/report/")
    assert response.status_code == 200
    assert "暴露垃圾" in response.content.decode()


def test_it_files_a_report_and_gives_a_tracking_code(client, service):
    response = client.post("/report/", {**form(service), "photos": [gps_jpeg()]})
    report = CitizenReport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/track/{report.tracking_code}/?new=1"
    case = report.case
    assert (case.state, case.source, case.category_id) == (
        State.REPORTED,
        Source.CITIZEN,
        service.category_id,
    )
    assert case.grid is not None and case.photos.count() == 1
    assert case.reporter_phone == SECRET_PHONE and report.phone_hash == phone_hash(SECRET_PHONE)
    page = client.get(response["Location"]).content.decode()
    assert report.tracking_code in page and "Being checked by the office" in page


def test_it_refuses_a_point_outside_the_county_and_keeps_what_was_typed(client, service):
    response = client.post("/report/", form(service, lon=OUTSIDE[0], lat=OUTSIDE[1]))
    page = response.content.decode()
    assert response.status_code == 400
    assert "outside the county" in page
    assert "市场门口垃圾成堆" in page and "人民路菜市场" in page and SECRET_PHONE in page
    assert not Case.objects.exists()


def test_it_asks_for_the_place(client, service):
    response = client.post("/report/", form(service, lon="", lat=""))
    assert response.status_code == 400
    assert "Mark the place on the map" in response.content.decode()
    assert not Case.objects.exists()


def test_it_refuses_a_file_that_is_not_an_image(client, service):
    fake = SimpleUploadedFile("photo.jpg", b"%PDF-1.4 not a photo", content_type="image/jpeg")
    response = client.post("/report/", {**form(service), "photos": [fake]})
    page = response.content.decode()
    assert response.status_code == 400
    assert "is not a JPEG, PNG, WebP or HEIC image" in page and "choose them again" in page
    assert not Case.objects.exists()


def test_it_refuses_what_a_bot_fills_in(client, service):
    response = client.post("/report/", form(service, website="http://spam.example"))
    assert response.status_code == 400
    assert not Case.objects.exists()


def test_it_limits_reports_per_phone(client, service):
    assert client.post("/report/", form(service, lon="")).status_code == 400  # a mistake does not count
    for _i in range(5):
        assert client.post("/report/", form(service)).status_code == 302
    response = client.post("/report/", form(service))
    assert response.status_code == 429
    assert "Too many reports" in response.content.decode()
    assert Case.objects.count() == 5


def test_it_limits_reports_per_address(client, service, settings):
    settings.PORTAL_REPORTS_PER_IP = "10/h"
    for index in range(10):
        phone = f"1390000{index:04d}"
        assert client.post("/report/", form(service, phone=phone)).status_code == 302
    response = client.post("/report/", form(service, phone=""))
    assert response.status_code == 429
    assert Case.objects.count() == 10


@pytest.mark.parametrize("code", ["NOPE2345", "nope"])
def test_it_says_when_a_tracking_code_is_unknown(client, service, code):
    response = client.get("/track/", {"code": code})
    assert "No report has this tracking code" in response.content.decode()
    assert client.get(f"/track/{code}/").status_code == 404


def test_it_finds_a_report_by_its_code_in_any_case(client, service):
    client.post("/report/", form(service))
    code = CitizenReport.objects.get().tracking_code
    response = client.get("/track/", {"code": code.lower()})
    assert response.status_code == 302 and response["Location"] == f"/track/{code}/"


def _from(client, service, forwarded: str) -> int:
    """A report without a phone (so only the address limit counts) sent through nginx on this machine."""
    response = client.post(
        "/report/", form(service, phone=""), REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=forwarded
    )
    return response.status_code


def test_rate_limits_behind_the_proxy_key_on_each_citizen_not_on_nginx(client, service, settings):
    """The probe: behind nginx the whole county shared one address, so one person could close the portal."""
    settings.BEHIND_PROXY, settings.PORTAL_REPORTS_PER_IP = True, "2/h"
    assert [_from(client, service, "203.0.113.7") for _i in range(3)] == [302, 302, 429]
    assert _from(client, service, "198.51.100.4") == 302, (
        "another citizen behind the same proxy still gets through"
    )


def test_without_a_proxy_a_forged_forwarded_header_does_not_escape_the_limit(client, service, settings):
    settings.BEHIND_PROXY, settings.PORTAL_REPORTS_PER_IP = False, "2/h"
    assert [_from(client, service, f"203.0.113.{index}") for index in range(3)] == [302, 302, 429]


def test_a_decompression_bomb_is_refused_anonymously_without_decoding(client, service):
    """The probe: a 20 KB PNG of 13000×13000 pixels, accepted by /report/, took 1.2 GB per image."""
    bomb = SimpleUploadedFile("bomb.png", png_bomb(), content_type="image/png")
    response = client.post("/report/", {**form(service), "photos": [bomb]})
    assert response.status_code == 400
    assert "more than 40 million pixels" in response.content.decode()
    assert not Case.objects.exists()


def test_a_body_larger_than_the_limit_is_refused_before_it_is_read(client, service, settings):
    settings.MAX_REQUEST_BYTES = 1000
    response = client.post("/report/", {**form(service), "photos": [gps_jpeg()]})
    assert response.status_code == 413
    assert not Case.objects.exists()


def test_control_characters_in_a_citizen_report_are_removed_at_input(client, service):
    """The probe: `\\x01` and `\\x0c` in a description broke the Open311 XML and the Excel exports."""
    response = client.post(
        "/report/", form(service, description="市场\x01门口\x0c垃圾", address="人民路\x0b")
    )
    assert response.status_code == 302
    case = Case.objects.get()
    assert (case.description, case.address) == ("市场门口垃圾", "人民路")


@pytest.mark.parametrize("method", ["get", "post"])
def test_the_database_down_at_any_step_is_the_outage_page_not_a_server_error(client, service, method):
    """The restart drill's finding (chuangwen/tests/test_fault_drills.py): with the services' copy due for a reload,
    the quick check's service lookup met the stopped database outside the intake's own guard and answered 500."""

    def database_down(execute, sql, params, many, context):
        raise OperationalError("connection to server at 127.0.0.1, port 5432 failed: Connection refused")

    forget_services()  # the copy reloads: the first query is the service lookup, not the insert
    with connection.execute_wrapper(database_down):
        response = getattr(client, method)(
            "/report/", form(service) if method == "post" else None, headers=ZH
        )
    assert response.status_code == 503 and response["Retry-After"] == "30"
    assert "请稍后重试" in response.content.decode()
    assert not CitizenReport.objects.exists()
