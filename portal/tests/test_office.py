"""The office's screens: public reports with photo hiding, and API keys (screen and command)."""

from __future__ import annotations

from io import StringIO

from django.core.management import call_command

from portal.actions import find_api_key, submit_report
from portal.conftest import IN_GRID_A, gps_jpeg
from portal.models import ApiKey, HiddenPhoto, key_hash


def test_it_lists_public_reports_for_the_office(login, service, county):
    report = submit_report(service=service, description="垃圾", lon=IN_GRID_A[0], lat=IN_GRID_A[1])
    response = login(county.inspector).get("/portal/")
    assert response.status_code == 200 and report.case.number in response.content.decode()


def test_it_refuses_the_office_screens_to_a_unit(login, service, county):
    client = login(county.handler_a)
    assert client.get("/portal/").status_code == 403
    assert client.get("/portal/keys/").status_code == 403


def test_it_lets_the_office_hide_and_show_a_photo(login, service, county):
    report = submit_report(
        service=service, description="垃圾", lon=IN_GRID_A[0], lat=IN_GRID_A[1], photos=[gps_jpeg()]
    )
    picture = report.case.photos.get()
    client = login(county.inspector)
    client.post(f"/portal/photos/{picture.pk}/visibility/", {"hide": "1"})
    assert HiddenPhoto.objects.filter(photo=picture).exists()
    assert 'name="hide" value="0"' in client.get("/portal/").content.decode()  # the list offers to show it
    client.post(f"/portal/photos/{picture.pk}/visibility/", {"hide": "0"})
    assert not HiddenPhoto.objects.exists()
    assert 'name="hide" value="1"' in client.get("/portal/").content.decode()


def test_it_refuses_hiding_to_someone_outside_the_office(login, service, county):
    report = submit_report(
        service=service, description="垃圾", lon=IN_GRID_A[0], lat=IN_GRID_A[1], photos=[gps_jpeg()]
    )
    picture = report.case.photos.get()
    response = login(county.handler_a).post(f"/portal/photos/{picture.pk}/visibility/", {"hide": "1"})
    assert response.status_code == 403
    assert not HiddenPhoto.objects.exists()


def test_it_issues_a_key_shown_once_and_stores_only_its_hash(login, county):
    response = login(county.office_admin).post("/portal/keys/", {"name": "城市App"})
    raw = response.context["new_key"]
    key = ApiKey.objects.get()
    assert key.key_hash == key_hash(raw) and raw not in (key.prefix, key.key_hash)
    assert find_api_key(raw) == key
    login(county.office_admin).post(f"/portal/keys/{key.pk}/revoke/")
    assert find_api_key(raw) is None


def test_it_refuses_issuing_and_revoking_keys_to_an_inspector(login, county, api_key):
    client = login(county.inspector)
    assert client.post("/portal/keys/", {"name": "x"}).status_code == 403
    key = ApiKey.objects.get()
    assert client.post(f"/portal/keys/{key.pk}/revoke/").status_code == 403
    assert ApiKey.objects.count() == 1 and find_api_key(api_key) is not None


def test_it_issues_a_key_from_the_command_line(db):
    out = StringIO()
    call_command("open311-key", "12319 平台", stdout=out, stderr=StringIO())
    raw = out.getvalue().strip()
    key = find_api_key(raw)
    assert key is not None and key.name == "12319 平台"


def test_it_lets_a_superuser_edit_public_services_in_the_admin(client, service, county):
    county.office_admin.is_staff = county.office_admin.is_superuser = True
    county.office_admin.save()
    client.force_login(county.office_admin)
    response = client.get(f"/django-admin/portal/publicservice/{service.pk}/change/")
    assert response.status_code == 200 and "How much?" in response.content.decode()
