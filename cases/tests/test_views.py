"""The case screens: filing, queues and filters, steps with their errors, bulk dispatch, export, map, metrics."""

from __future__ import annotations

import io

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from cases import actions
from cases.conftest import IN_GRID_A, photo
from cases.models import Case, Category, State
from core.excel import active_sheet
from core.geo import wgs84_to_gcj02
from core.tests.sheets import header_row


def test_the_office_files_a_case_with_a_photo(county, login, rubbish):
    client = login(county.inspector)
    response = client.post(
        reverse("cases:create"),
        {
            "source": "inspection",
            "category": rubbish.pk,
            "description": "新华路口暴露垃圾",
            "priority": "normal",
            "lon": IN_GRID_A[0],
            "lat": IN_GRID_A[1],
            "photos": [photo()],
        },
    )
    case = Case.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("cases:detail", args=[case.pk])
    assert case.grid == county.grid_a and case.photos.count() == 1 and case.category_name == "暴露垃圾"


def test_gcj02_coordinates_are_stored_as_gps(county, login):
    lon, lat = wgs84_to_gcj02(*IN_GRID_A)
    login(county.inspector).post(
        reverse("cases:create"),
        {
            "source": "citizen",
            "description": "x",
            "priority": "normal",
            "lon": lon,
            "lat": lat,
            "gcj02": "on",
        },
    )
    case = Case.objects.get()
    assert case.lon is not None and case.lat is not None
    assert abs(case.lon - IN_GRID_A[0]) < 1e-6 and abs(case.lat - IN_GRID_A[1]) < 1e-6


def test_a_bad_upload_keeps_what_was_typed(county, login):
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = login(county.inspector).post(
        reverse("cases:create"),
        {
            "source": "citizen",
            "description": "井盖缺失",
            "priority": "normal",
            "photos": [SimpleUploadedFile("a.jpg", b"MZ not an image")],
        },
    )
    page = response.content.decode()
    assert (
        response.status_code == 200 and "not a JPEG, PNG, WebP or HEIC image" in page and "井盖缺失" in page
    )
    assert not Case.objects.exists()


def test_unit_people_cannot_file_cases(county, login):
    client = login(county.handler_a)
    assert client.get(reverse("cases:create")).status_code == 403
    assert client.post(reverse("cases:create"), {"source": "patrol", "description": "x"}).status_code == 403
    assert not Case.objects.exists()


def test_the_office_queue_counts_and_filters(county, login, new_case):
    reported = new_case()
    dispatched = actions.dispatch_case(county.inspector, new_case(description="楼道堆物"), unit=county.town_a)
    client = login(county.office_admin)
    response = client.get(reverse("cases:list"))
    queues = {name: count for name, _label, count in response.context["queues"]}
    assert queues["to_accept"].value == 2 - 1 and queues["to_dispatch"].value == 0
    to_accept = client.get(reverse("cases:list") + "?queue=to_accept").context["page"].object_list
    assert list(to_accept) == [reported]
    filtered = client.get(reverse("cases:list") + f"?unit={county.town_a.pk}").context["page"].object_list
    assert list(filtered) == [dispatched]
    assert list(client.get(reverse("cases:list") + "?q=楼道").context["page"].object_list) == [dispatched]

    def by_number(q: str) -> list:
        """A case number (or its start) is looked up by the number alone, never by reading the text columns."""
        with CaptureQueriesContext(connection) as queries:
            found = list(client.get(reverse("cases:list"), {"q": q}).context["page"].object_list)
        conditions = [
            q["sql"].split(" WHERE ", 1)[-1] for q in queries.captured_queries if "cases_case" in q["sql"]
        ]
        assert conditions and not [where for where in conditions if "description" in where]
        return found

    assert by_number(dispatched.number) == [dispatched] and dispatched in by_number(dispatched.number[:9])
    assert by_number(dispatched.number + "9") == []


def test_the_unit_queue_opens_on_what_to_rectify(county, login, new_case):
    case = actions.dispatch_case(county.inspector, new_case(), unit=county.town_a)
    response = login(county.handler_a).get(reverse("cases:list"))
    assert response.context["queue"] == "to_rectify" and list(response.context["page"].object_list) == [case]


def test_a_step_with_a_missing_reason_shows_the_form_again(county, login, new_case):
    case = actions.dispatch_case(county.inspector, new_case(), unit=county.town_a)
    response = login(county.handler_a).post(reverse("cases:step", args=[case.pk, "return"]), {"note": ""})
    assert response.status_code == 400 and "This field is required" in response.content.decode()
    assert Case.objects.get(pk=case.pk).state == State.DISPATCHED


def test_a_second_click_is_told_clearly(county, login, new_case):
    case = actions.dispatch_case(county.inspector, new_case(), unit=county.town_a)
    client = login(county.handler_a)
    client.post(reverse("cases:step", args=[case.pk, "start"]), {"note": ""})
    response = client.post(reverse("cases:step", args=[case.pk, "start"]), {"note": ""}, follow=True)
    assert "is no longer possible" in response.content.decode()


def test_the_case_page_offers_only_the_allowed_steps(county, login, new_case):
    case = actions.dispatch_case(county.inspector, new_case(), unit=county.town_a)
    unit_page = login(county.handler_a).get(reverse("cases:detail", args=[case.pk]))
    assert {s.action for s, _f in unit_page.context["steps"]} == {
        "start",
        "report_back",
        "return",
        "request_extension",
    }
    office_page = login(county.inspector).get(reverse("cases:detail", args=[case.pk]))
    assert {s.action for s, _f in office_page.context["steps"]} == {"dispatch", "defer", "urge"}


def test_bulk_dispatch_routes_each_case(county, login, new_case):
    cases = [actions.accept_case(county.inspector, new_case()) for _ in range(3)]
    client = login(county.office_admin)
    response = client.post(reverse("cases:bulk_dispatch"), {"cases": [c.pk for c in cases], "unit": ""})
    assert response.status_code == 302
    assert set(Case.objects.values_list("state", "unit")) == {(State.DISPATCHED, county.community_a.pk)}
    assert (
        login(county.handler_a).post(reverse("cases:bulk_dispatch"), {"cases": [cases[0].pk]}).status_code
        == 403
    )


def test_the_export_holds_the_filtered_list(county, login, new_case):
    new_case(reporter_phone="13700000000")
    actions.dispatch_case(county.inspector, new_case(description="另一处"), unit=county.town_b)
    response = login(county.office_admin).get(reverse("cases:export") + f"?unit={county.town_b.pk}")
    sheet = active_sheet(load_workbook(io.BytesIO(response.content)))
    rows = list(sheet.iter_rows(min_row=header_row(sheet), values_only=True))
    assert len(rows) == 2 and rows[1][5] == "另一处" and rows[1][8] == "柳河镇"


def test_map_data_and_metrics_pages(county, login, new_case):
    new_case()
    client = login(county.leader)
    features = client.get(reverse("cases:map_data")).json()["features"]
    assert len(features) == 1 and features[0]["geometry"]["coordinates"] == list(IN_GRID_A)
    assert client.get(reverse("cases:map")).status_code == 200
    assert client.get(reverse("cases:metrics") + "?quarter=2026Q4").status_code == 200


def test_only_office_admins_edit_categories(county, login, rubbish):
    assert (
        login(county.handler_a).post(reverse("cases:category_edit", args=[rubbish.pk]), {}).status_code == 403
    )
    client = login(county.office_admin)
    assert client.get(reverse("cases:categories")).status_code == 200
    data = {
        "parent": rubbish.parent_id,
        "kind": "event",
        "standard_ref": rubbish.standard_ref,
        "code": "0102",
        "name": "暴露垃圾",
        "deadline_amount": 4,
        "deadline_unit": "working_hours",
        "default_unit": county.department.pk,
        "close_conditions": "清理干净",
        "is_active": "on",
    }
    assert client.post(reverse("cases:category_edit", args=[rubbish.pk]), data).status_code == 302
    rubbish.refresh_from_db()
    assert rubbish.deadline() == (4, "working_hours") and rubbish.default_unit == county.department
    duplicate = {**data, "name": "重复编码"}
    assert client.post(reverse("cases:category_create"), duplicate).status_code == 200
    assert Category.objects.filter(name="重复编码").count() == 0


def test_the_queue_and_the_api_list_take_a_fixed_number_of_queries(
    county, login, new_case, django_assert_max_num_queries
):
    for _ in range(3):
        actions.dispatch_case(county.inspector, new_case(), unit=county.town_a)
    client = login(county.office_admin)
    client.get(reverse("cases:list"))  # warm the session and the caches
    # One bounded count per queue (cases.queries.queue_counts), one for the list.
    with django_assert_max_num_queries(18) as first:
        client.get(reverse("cases:list"))
    for _ in range(20):
        actions.dispatch_case(county.inspector, new_case(), unit=county.town_b)
    with django_assert_max_num_queries(len(first.captured_queries)):
        client.get(reverse("cases:list"))
    with django_assert_max_num_queries(8):  # session, person, count, page: not one per case
        client.get("/api/v1/cases?limit=50")
