"""No phone number, name or EXIF reaches the public: pages, map data, the Open311 API or the photos."""

from __future__ import annotations

from PIL import Image

from cases.actions import dispatch_case, report_back, rework_case, start_rectifying, verify_case
from cases.conftest import photo
from cases.models import CasePhoto
from portal.access import public_photo_url
from portal.actions import hide_photo, submit_report
from portal.conftest import IN_GRID_A, SECRET_PHONE, gps_jpeg


def test_it_keeps_the_phone_and_exif_off_every_public_output(client, service, county):
    report = submit_report(
        service=service,
        description="垃圾",
        lon=IN_GRID_A[0],
        lat=IN_GRID_A[1],
        phone=SECRET_PHONE,
        reporter_name="王秘密",
        photos=[gps_jpeg()],
    )
    number, code = report.case.number, report.tracking_code
    outputs = [
        client.get(f"/track/{code}/").content,
        client.get("/reports/").content,
        client.get("/reports/map.json").content,
        client.get("/open311/v2/requests.json").content,
        client.get("/open311/v2/requests.xml").content,
        client.get(f"/open311/v2/requests/{number}.json").content,
    ]
    for body in outputs:
        text = body.decode()
        assert SECRET_PHONE not in text and "王秘密" not in text
    photo_pk = report.case.photos.get().pk
    data = b"".join(client.get(public_photo_url(report.case.photos.get())).streaming_content)
    assert b"SecretCam" not in data and b"Exif" not in data
    original = report.case.photos.get().original
    with Image.open(original.path) as image:
        assert image.getexif()  # the evidence keeps its EXIF; only the office can fetch it
    assert client.get(f"/cases/photos/{photo_pk}/original/").status_code == 302  # login needed


def test_it_hides_a_photo_from_every_public_output(client, service, county):
    report = submit_report(
        service=service, description="垃圾", lon=IN_GRID_A[0], lat=IN_GRID_A[1], photos=[gps_jpeg()]
    )
    picture = report.case.photos.get()
    hide_photo(county.inspector, picture)
    assert client.get(public_photo_url(picture)).status_code == 404
    assert public_photo_url(picture) not in client.get(f"/track/{report.tracking_code}/").content.decode()
    assert client.get(f"/open311/v2/requests/{report.case.number}.json").json()[0]["media_url"] is None


def test_it_shows_the_after_photo_once_closed(client, service, county):
    report = submit_report(service=service, description="垃圾", lon=IN_GRID_A[0], lat=IN_GRID_A[1])
    case = dispatch_case(county.inspector, report.case, unit=county.town_a)
    start_rectifying(county.handler_a, case)
    report_back(county.handler_a, case, "已清理", [photo("after.jpg")])
    page = client.get(f"/track/{report.tracking_code}/").content.decode()
    assert 'data-testid="after-photos"' not in page  # not before the office has verified
    verify_case(county.inspector, case)
    page = client.get(f"/track/{report.tracking_code}/").content.decode()
    assert 'data-testid="after-photos"' in page and "Fixed" in page


def test_after_photos_are_not_served_before_closure_nor_by_sequential_urls(client, service, county):
    """Finding 13 of the probe: /reports/photos/<pk>.jpg served after-photos before closure, by counting."""
    report = submit_report(
        service=service, description="垃圾", lon=IN_GRID_A[0], lat=IN_GRID_A[1], photos=[gps_jpeg()]
    )
    case = dispatch_case(county.inspector, report.case, unit=county.town_a)
    start_rectifying(county.handler_a, case)
    report_back(county.handler_a, case, "已清理", [photo("after.jpg")])
    before, after = case.photos.order_by("pk")
    assert client.get(public_photo_url(before)).status_code == 200
    for pk in (before.pk, after.pk):  # the old, countable addresses
        assert client.get(f"/reports/photos/{pk}.jpg").status_code == 404
    assert client.get(public_photo_url(before).replace(str(before.pk), str(after.pk), 1)).status_code == 404
    assert client.get(public_photo_url(after)).status_code == 404  # not before the office has verified
    verify_case(county.inspector, case)
    assert client.get(public_photo_url(after)).status_code == 200
    stored = [after.original.name, after.public.name, after.thumbnail.name]
    assert not any(case.number in name for name in stored)  # file names say nothing to guess from


def test_only_the_accepted_report_backs_photos_are_public_never_the_checks(client, service, county):
    """Issue 19.11: a fix sent back for rework, and the office's own 核查 photos, stay off the tracking page."""
    report = submit_report(service=service, description="垃圾", lon=IN_GRID_A[0], lat=IN_GRID_A[1])
    case = dispatch_case(county.inspector, report.case, unit=county.town_a)
    start_rectifying(county.handler_a, case)
    report_back(county.handler_a, case, "已清理", [photo("first.jpg")])
    rework_case(county.inspector, case, "仍有垃圾", [photo("still-dirty.jpg")])
    report_back(county.handler_a, case, "再次清理", [photo("second.jpg")])
    verify_case(county.inspector, case, "通过", photos=[photo("checked.jpg")])
    first, second = case.photos.filter(kind=CasePhoto.Kind.AFTER).order_by("pk")
    checks = list(case.photos.filter(kind=CasePhoto.Kind.CHECK))
    assert len(checks) == 2  # the rework's and the verification's
    page = client.get(f"/track/{report.tracking_code}/").content.decode()
    assert public_photo_url(second) in page and client.get(public_photo_url(second)).status_code == 200
    for hidden in [first, *checks]:
        assert public_photo_url(hidden) not in page
        assert client.get(public_photo_url(hidden)).status_code == 404
