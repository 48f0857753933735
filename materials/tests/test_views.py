"""The screens: scoping, downloads that never render inline, the upload messages, the matrix and the lists."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from materials import actions
from materials.models import MaterialFile, MaterialRequest
from materials.tests.conftest import jpeg, pdf, photo, upload
from org.models import Unit, UnitKind


def test_a_unit_sees_its_requests_and_what_is_needed(county, login, ads_a, report_a):
    page = login(county.handler_a).get("/materials/mine/").content.decode()
    assert "公益广告占比不低于 20%" in page and "≤ 12 photos" in page and "report ≤ 20 characters" in page
    tasks = login(county.handler_a).get("/framework/tasks/mine/").content.decode()
    assert 'data-testid="materials-due"' in tasks and "文化活动常态开展" in tasks


def test_another_towns_request_is_not_found(county, login, ads_a):
    client = login(county.handler_b)
    assert client.get(f"/materials/requests/{ads_a.pk}/").status_code == 404
    assert (
        client.post(f"/materials/requests/{ads_a.pk}/upload/", {"material_type": "regulation"}).status_code
        == 404
    )


def test_the_town_above_sees_a_communitys_request_but_cannot_submit_for_it(
    county, login, period, ads, deadline
):
    report = actions.issue_requests(
        county.office_admin,
        period=period,
        criteria=[ads],
        deadline=deadline,
        extra_units=[county.community_a],
        breakdown_units=False,
    )
    request = report.created[0]
    client = login(county.handler_a)
    page = client.get(f"/materials/requests/{request.pk}/").content.decode()
    assert 'data-testid="upload-regulation"' not in page
    response = client.post(
        f"/materials/requests/{request.pk}/upload/", {"material_type": "regulation", "files": [pdf()]}
    )
    assert response.status_code == 403
    assert not MaterialFile.objects.exists()


def test_a_leader_reads_the_matrix_but_cannot_review(county, login, ads_a, period):
    client = login(county.leader)
    assert client.get(f"/materials/matrix/?period={period.pk}").status_code == 200
    assert client.post(f"/materials/requests/{ads_a.pk}/remind/").status_code == 403
    assert not ads_a.events.filter(action="reminded").exists()


def test_a_unit_cannot_open_the_matrix(county, login, ads_a):
    assert login(county.handler_a).get("/materials/matrix/").status_code == 403


def test_uploads_are_always_downloads_and_never_sniffed(county, login, ads_a):
    actions.add_files(county.handler_a, ads_a, "regulation", [pdf()])
    item = MaterialFile.objects.get()
    response = login(county.inspector).get(f"/materials/files/{item.pk}/")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "application/pdf"
    assert "sandbox" in response["Content-Security-Policy"]
    assert login(county.handler_b).get(f"/materials/files/{item.pk}/").status_code == 404


def test_the_upload_page_names_each_refused_file_and_keeps_the_rest(county, login, ads_a):
    client = login(county.handler_a)
    for n in range(12):
        actions.add_files(county.handler_a, ads_a, "photo", [photo(f"{n}.jpg")])
    response = client.post(
        f"/materials/requests/{ads_a.pk}/upload/",
        {"material_type": "photo", "files": [upload("13.jpg", jpeg())]},
        follow=True,
    )
    page = response.content.decode()
    assert "“13.jpg” is refused: at most 12 photos are asked for and 12 are already uploaded." in page
    assert "The photo limit is reached; remove a photo to add another." in page
    assert MaterialFile.objects.filter(material_type="photo").count() == 12


def test_the_unit_submits_and_the_office_reviews_through_the_pages(county, login, ads_a):
    client = login(county.handler_a)
    client.post(f"/materials/requests/{ads_a.pk}/upload/", {"material_type": "regulation", "files": [pdf()]})
    client.post(f"/materials/requests/{ads_a.pk}/upload/", {"material_type": "photo", "files": [photo()]})
    response = client.post(f"/materials/requests/{ads_a.pk}/submit/", follow=True)
    assert "Version 1 submitted to the office for review." in response.content.decode()
    office = login(county.inspector)
    response = office.post(f"/materials/requests/{ads_a.pk}/accept/", {"points": "12"}, follow=True)
    assert "The points must be between 0 and 10." in response.content.decode()
    office.post(f"/materials/requests/{ads_a.pk}/accept/", {"points": "8", "comment": "齐全"})
    ads_a.refresh_from_db()
    assert ads_a.is_accepted() and str(ads_a.score) == "8.00"


def test_the_matrix_takes_the_same_queries_whatever_the_size(county, login, period, ads, deadline):
    client = login(county.inspector)

    def render(units: int) -> int:
        towns = [Unit.objects.create(name=f"镇{units}-{n}", kind=UnitKind.TOWN) for n in range(units)]
        actions.issue_requests(
            county.office_admin,
            period=period,
            criteria=[ads],
            deadline=deadline,
            extra_units=towns,
            breakdown_units=False,
        )
        client.get(f"/materials/matrix/?period={period.pk}")  # warm the session
        with CaptureQueriesContext(connection) as queries:
            page = client.get(f"/materials/matrix/?period={period.pk}")
        assert page.content.decode().count('data-testid="cell-') == MaterialRequest.objects.count()
        return len(queries)

    assert render(2) == render(30)


def test_the_list_filters_overdue(county, login, period, ads_a, report_a):
    MaterialRequest.objects.filter(pk=report_a.pk).update(deadline="2020-01-01")
    page = login(county.inspector).get(f"/materials/list/?period={period.pk}&overdue=1").content.decode()
    assert "文化活动常态开展" in page and "公益广告占比" not in page
