"""Open311 GeoReport v2: every endpoint in JSON and XML, and every error case with its HTTP status."""

from __future__ import annotations

import datetime as dt
import json
from xml.etree import ElementTree as ET

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import OperationalError, connection
from django.utils import timezone

from cases.actions import dispatch_case, open_case, reject_case
from cases.models import Case, Source, State
from core.tests.test_uploads import png_bomb
from portal.actions import revoke_api_key, submit_report
from portal.conftest import IN_GRID_A, OUTSIDE, SECRET_PHONE, gps_jpeg
from portal.models import ApiKey, CitizenReport

V2 = "/open311/v2"


def post(client, key, fmt="json", query="", **fields):
    data = {
        "service_code": "rubbish",
        "long": str(IN_GRID_A[0]),
        "lat": str(IN_GRID_A[1]),
        "description": "路口一堆垃圾",
        "attribute[size]": "big",
        **fields,
    }
    if key is not None and "api_key" not in query:
        data.setdefault("api_key", key)
    return client.post(f"{V2}/requests.{fmt}{query}", data)


def errors(response, fmt="json"):
    if fmt == "json":
        return response.json()
    root = ET.fromstring(response.content)
    assert root.tag == "errors"
    return [{"code": int(e.findtext("code", "")), "description": e.findtext("description")} for e in root]


@pytest.fixture
def filed(service):
    def _file(description="路口一堆垃圾", **fields) -> CitizenReport:
        return submit_report(
            service=service, description=description, lon=IN_GRID_A[0], lat=IN_GRID_A[1], **fields
        )

    return _file


# --- Discovery, services, definitions -----------------------------------------------------------------


def test_it_describes_itself_in_json_and_xml(client, db):
    data = client.get("/open311/discovery.json").json()
    endpoint = data["endpoints"][0]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["url"].endswith("/open311/v2/")
    assert endpoint["formats"] == ["text/xml", "application/json"]
    root = ET.fromstring(client.get(f"{V2}/discovery.xml").content)
    assert root.tag == "discovery"
    formats = root.find("endpoints/endpoint/formats")
    assert formats is not None and [f.text for f in formats] == ["text/xml", "application/json"]


def test_it_lists_public_services_as_a_bare_array(client, service, plain_service):
    response = client.get(f"{V2}/services.json")
    assert response["Content-Type"].startswith("application/json")
    data = response.json()
    assert isinstance(data, list)
    by_code = {s["service_code"]: s for s in data}
    assert by_code["rubbish"] == {
        "service_code": "rubbish",
        "service_name": "暴露垃圾",
        "description": "Rubbish",
        "metadata": True,
        "type": "realtime",
        "keywords": "",
        "group": "环境卫生",
    }
    assert by_code["litter"]["metadata"] is False


def test_it_lists_services_in_xml_without_inactive_ones(client, service, plain_service):
    plain_service.is_active = False
    plain_service.save()
    response = client.get(f"{V2}/services.xml")
    assert response["Content-Type"].startswith("text/xml")
    root = ET.fromstring(response.content)
    assert root.tag == "services"
    assert [s.findtext("service_code") for s in root.findall("service")] == ["rubbish"]
    assert root.findtext("service/metadata") == "true"


def test_it_gives_a_service_definition(client, service):
    data = client.get(f"{V2}/services/rubbish.json").json()
    assert data["service_code"] == "rubbish"
    size = data["attributes"][0]
    assert size["variable"] is True and size["required"] is True and size["datatype"] == "singlevaluelist"
    assert size["values"] == [{"key": "small", "name": "一袋"}, {"key": "big", "name": "一堆"}]
    root = ET.fromstring(client.get(f"{V2}/services/rubbish.xml").content)
    assert root.tag == "service_definition"
    assert [v.findtext("key") for v in root.findall("attributes/attribute/values/value")][:2] == [
        "small",
        "big",
    ]


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_it_refuses_an_unknown_service_code(client, service, fmt):
    response = client.get(f"{V2}/services/nope.{fmt}")
    assert response.status_code == 404
    assert errors(response, fmt)[0]["code"] == 404


def test_it_refuses_an_unknown_format(client, service):
    response = client.get(f"{V2}/services.csv")
    assert response.status_code == 404
    assert errors(response, "xml")[0]["code"] == 404


def test_it_refuses_a_wrong_method(client, service):
    response = client.delete(f"{V2}/services.json")
    assert response.status_code == 405
    assert errors(response)[0]["code"] == 405


# --- POST requests ------------------------------------------------------------------------------------


def test_it_files_a_post_as_a_reported_citizen_case(client, service, api_key):
    response = post(client, api_key, jurisdiction_id="示范县", phone=SECRET_PHONE, first_name="张")
    assert response.status_code == 200
    [row] = response.json()
    case = Case.objects.get(number=row["service_request_id"])
    assert (case.state, case.source, case.category_id) == (
        State.REPORTED,
        Source.CITIZEN,
        service.category_id,
    )
    assert case.grid is not None and case.reporter_phone == SECRET_PHONE
    assert case.citizen_report.attributes == {"size": "big"}
    api_key = case.citizen_report.api_key
    assert api_key is not None and api_key.name == "12345 platform"
    assert case.events.get().action == "report"


def test_it_answers_a_post_in_xml(client, service, api_key):
    response = post(client, api_key, fmt="xml")
    assert response.status_code == 200
    root = ET.fromstring(response.content)
    assert root.tag == "service_requests"
    assert Case.objects.filter(number=root.findtext("request/service_request_id")).exists()


def test_it_takes_the_api_key_from_the_query_string(client, service, api_key):
    response = post(client, None, query=f"?api_key={api_key}")
    assert response.status_code == 200


def test_it_takes_a_photo_and_serves_it_without_exif(client, service, api_key):
    response = post(client, api_key, media=gps_jpeg())
    [row] = response.json()
    detail = client.get(f"{V2}/requests/{row['service_request_id']}.json").json()[0]
    photo = client.get(detail["media_url"])
    assert photo.status_code == 200
    data = b"".join(photo.streaming_content)
    assert b"Exif" not in data and b"SecretCam" not in data


@pytest.mark.parametrize("form", ["attribute[kinds][]", "attribute[kinds]"])
def test_it_accepts_multi_value_attributes_in_both_forms(client, service, api_key, form):
    response = client.post(
        f"{V2}/requests.json",
        {
            "api_key": api_key,
            "service_code": "rubbish",
            "lat": IN_GRID_A[1],
            "long": IN_GRID_A[0],
            "description": "垃圾",
            "attribute[size]": "small",
            form: ["food", "glass"],
        },
    )
    assert response.status_code == 200, response.content
    assert CitizenReport.objects.get().attributes == {"size": "small", "kinds": ["food", "glass"]}


@pytest.mark.parametrize("fmt", ["json", "xml"])
@pytest.mark.parametrize(
    ("fields", "status"),
    [
        ({"api_key": "wrong"}, 403),
        ({"service_code": ""}, 400),
        ({"service_code": "nope"}, 404),
        ({"lat": "", "long": ""}, 400),
        ({"lat": "north", "long": "117"}, 400),
        ({"lat": str(OUTSIDE[1]), "long": str(OUTSIDE[0])}, 400),
        ({"attribute[size]": ""}, 400),
        ({"attribute[size]": "huge"}, 400),
        ({"attribute[kinds][]": ["food", "gold"]}, 400),
        ({"description": "x" * 1001}, 400),
    ],
)
def test_it_refuses_a_bad_post_with_the_spec_errors(client, service, api_key, fmt, fields, status):
    response = post(client, api_key, fmt=fmt, **fields)
    assert response.status_code == status
    [problem] = errors(response, fmt)
    assert problem["code"] == status and problem["description"]
    assert not Case.objects.exists()


def test_it_refuses_a_post_without_a_key_or_with_a_revoked_one(client, service, api_key, county):
    assert client.post(f"{V2}/requests.json", {"service_code": "rubbish"}).status_code == 403
    revoke_api_key(county.office_admin, ApiKey.objects.get())
    assert post(client, api_key).status_code == 403
    assert not Case.objects.exists()


def test_it_takes_a_post_without_a_description_as_the_spec_allows(client, service, api_key):
    assert post(client, api_key, description="").status_code == 200
    assert Case.objects.get().description == "暴露垃圾"


def test_it_takes_an_address_without_coordinates(client, service, api_key):
    response = post(client, api_key, lat="", long="", address_string="人民路12号")
    assert response.status_code == 200
    assert Case.objects.get().address == "人民路12号"


# --- GET requests ----------------------------------------------------------------------------------------


def test_it_lists_requests_with_w3c_dates_and_open_closed(client, filed, county):
    first, second = filed(), filed(phone=SECRET_PHONE)
    reject_case(county.inspector, second.case, "不在创文范围")
    data = client.get(f"{V2}/requests.json").json()
    assert isinstance(data, list) and len(data) == 2
    by_id = {row["service_request_id"]: row for row in data}
    opened, closed = by_id[first.case.number], by_id[second.case.number]
    assert opened["status"] == "open" and closed["status"] == "closed"
    assert "不在创文范围" in closed["status_notes"]
    assert opened["requested_datetime"].endswith("+08:00")
    assert dt.datetime.fromisoformat(opened["requested_datetime"]).tzinfo is not None
    assert (opened["long"], opened["lat"]) == IN_GRID_A
    assert SECRET_PHONE not in json.dumps(data)


def test_it_filters_requests(client, filed, plain_service, county):
    a, b = filed(), filed()
    c = submit_report(service=plain_service, description="x", lon=IN_GRID_A[0], lat=IN_GRID_A[1])
    reject_case(county.inspector, b.case, "无效")

    def ids(query):
        response = client.get(f"{V2}/requests.json?{query}")
        assert response.status_code == 200
        return {row["service_request_id"] for row in response.json()}

    assert ids(f"service_request_id={a.case.number},{c.case.number}") == {a.case.number, c.case.number}
    assert ids("service_code=litter") == {c.case.number}
    assert ids("status=closed") == {b.case.number}
    assert ids("status=open") == {a.case.number, c.case.number}
    later = (timezone.now() + dt.timedelta(hours=1)).isoformat()
    assert ids(f"start_date={later.replace('+', '%2B')}") == set()
    earlier = (timezone.now() - dt.timedelta(days=1)).isoformat()
    assert ids(f"end_date={earlier.replace('+', '%2B')}") == set()
    assert len(ids(f"start_date={earlier.replace('+', '%2B')}")) == 3


def test_it_lists_requests_in_xml(client, filed):
    report = filed()
    root = ET.fromstring(client.get(f"{V2}/requests.xml").content)
    assert root.tag == "service_requests"
    assert root.findtext("request/service_request_id") == report.case.number
    assert root.findtext("request/status") == "open"


@pytest.mark.parametrize("fmt", ["json", "xml"])
@pytest.mark.parametrize("query", ["start_date=yesterday", "end_date=2026-13-01", "status=pending"])
def test_it_refuses_bad_filters(client, service, fmt, query):
    response = client.get(f"{V2}/requests.{fmt}?{query}")
    assert response.status_code == 400
    assert errors(response, fmt)[0]["code"] == 400


def test_it_gives_one_request_and_its_progress(client, filed, county):
    report = filed()
    dispatch_case(county.inspector, report.case, unit=county.town_a)
    data = client.get(f"{V2}/requests/{report.case.number}.json").json()
    assert len(data) == 1 and data[0]["agency_responsible"] == "城关街道"
    assert data[0]["expected_datetime"]
    root = ET.fromstring(client.get(f"{V2}/requests/{report.case.number}.xml").content)
    assert root.findtext("request/status") == "open"


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_it_refuses_an_unknown_request(client, service, fmt):
    response = client.get(f"{V2}/requests/2026-999999.{fmt}")
    assert response.status_code == 404
    assert errors(response, fmt)[0]["code"] == 404


def test_it_hides_cases_that_did_not_come_from_the_public(client, service, county):
    case = open_case(
        county.inspector, source=Source.INSPECTION, description="内部", lon=IN_GRID_A[0], lat=IN_GRID_A[1]
    )
    assert client.get(f"{V2}/requests/{case.number}.json").status_code == 404
    assert client.get(f"{V2}/requests.json").json() == []


def test_it_finds_the_request_id_from_a_token(client, filed):
    report = filed()
    data = client.get(f"{V2}/tokens/{report.tracking_code}.json").json()
    assert data == [{"service_request_id": report.case.number, "token": report.tracking_code}]
    root = ET.fromstring(client.get(f"{V2}/tokens/{report.tracking_code}.xml").content)
    assert root.findtext("request/service_request_id") == report.case.number


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_it_refuses_an_unknown_token(client, service, fmt):
    response = client.get(f"{V2}/tokens/NOPE1234.{fmt}")
    assert response.status_code == 404
    assert errors(response, fmt)[0]["code"] == 404


def test_it_lists_requests_in_a_fixed_number_of_queries(client, filed, county, django_assert_max_num_queries):
    for index in range(6):
        report = filed(photos=[gps_jpeg()])
        if index % 2:
            reject_case(county.inspector, report.case, f"理由{index}")
    with django_assert_max_num_queries(4):
        data = client.get(f"{V2}/requests.json").json()
    assert len(data) == 6 and sum("理由" in row["status_notes"] for row in data) == 3
    assert all(row["media_url"] for row in data)


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_a_decompression_bomb_in_media_is_refused_with_the_error_array(client, service, api_key, fmt):
    """The probe: Open311 `media` accepted a 20 KB PNG of 13000×13000 pixels and decoded it (1.2 GB)."""
    bomb = SimpleUploadedFile("bomb.png", png_bomb(), content_type="image/png")
    response = post(client, api_key, fmt=fmt, media=bomb)
    assert response.status_code == 400
    [error] = errors(response, fmt)
    assert "more than 40 million pixels" in error["description"]
    assert not Case.objects.exists()


@pytest.mark.parametrize(
    "query",
    [
        "?end_date=0001-01-01T00:00:00Z",
        "?start_date=0001-01-01T00:00:00%2B08:00",
        "?start_date=9999-12-31T23:59:59Z",
        "?service_request_id=99999999999999999999",
    ],
)
def test_odd_input_answers_400_not_500_in_open311_dates(client, service, query):
    """Finding 14 of the probe: end_date in year 1 was a server error (the 90-day window before it overflowed)."""
    response = client.get(f"{V2}/requests.json{query}")
    assert response.status_code in (200, 400)
    if response.status_code == 400:
        assert errors(response)[0]["code"] == 400


def test_odd_input_answers_400_not_500_for_an_over_long_phone(client, service, api_key):
    """Finding 14: fifteen digits with dashes between passed the check and overflowed the column on PostgreSQL."""
    response = post(client, api_key, phone="-".join("139123456781234"))
    assert response.status_code == 400 and "phone" in errors(response)[0]["description"]
    assert not Case.objects.exists()


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_open311_answers_its_own_error_array_during_an_outage(client, service, fmt):
    """Finding 22 of the probe: with the database down, Open311 answered Django's HTML error page."""

    def database_down(execute, sql, params, many, context):
        raise OperationalError("connection to server at 127.0.0.1, port 5432 failed: Connection refused")

    with connection.execute_wrapper(database_down):
        response = client.get(f"{V2}/requests.{fmt}")
    assert response.status_code == 503 and response["Retry-After"] == "60"
    assert response["Content-Type"].startswith("application/json" if fmt == "json" else "text/xml")
    assert errors(response, fmt)[0]["code"] == 503


# --- Finding 3 of the probe: control characters in a description made the XML invalid -------------------------

PROBE_TEXT = "路口\x01一堆\x0c垃圾\x1f\ufffe"


def test_control_characters_are_removed_from_a_posted_request(client, service, api_key):
    response = post(client, api_key, fmt="xml", description=PROBE_TEXT)
    assert response.status_code == 200
    assert Case.objects.get().description == "路口一堆垃圾"


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_a_stored_description_with_control_characters_still_serializes(client, service, filed, fmt):
    report = filed()
    Case.objects.filter(pk=report.case_id).update(description=PROBE_TEXT)  # stored before input was cleaned
    response = client.get(f"{V2}/requests/{report.case.number}.{fmt}")
    assert response.status_code == 200
    if fmt == "xml":
        root = ET.fromstring(response.content)  # raised "not well-formed (invalid token)" before
        assert root.findtext("request/description") == "路口一堆垃圾"
    else:
        assert response.json()[0]["description"] == "路口一堆垃圾"
    listed = client.get(f"{V2}/requests.{fmt}")
    assert listed.status_code == 200 and "\x01" not in listed.content.decode()
