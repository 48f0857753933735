"""No phone number, name or EXIF reaches the public: pages, map data, the Open311 API or the photos."""

from __future__ import annotations

from PIL import Image

from cases.actions import dispatch_case, report_back, start_rectifying, verify_case
from cases.conftest import photo
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
    data = b"".join(client.get(f"/reports/photos/{photo_pk}.jpg").streaming_content)
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
    assert client.get(f"/reports/photos/{picture.pk}.jpg").status_code == 404
    assert (
        f"/reports/photos/{picture.pk}.jpg"
        not in client.get(f"/track/{report.tracking_code}/").content.decode()
    )
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
