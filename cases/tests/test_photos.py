"""Case photos from phones: HEIC accepted, the original kept as evidence for the office, JPEG copies without EXIF
for everyone else, the thumbnail made once at upload."""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from cases import actions
from cases.conftest import IN_GRID_A
from cases.models import Case, CasePhoto
from core.tests.test_uploads import heic_with_exif


def _body(response) -> bytes:
    return b"".join(response.streaming_content)


def test_an_iphone_photo_in_heic_files_a_case_and_is_shown_as_jpeg(county, login, rubbish):
    heic = heic_with_exif()
    response = login(county.inspector).post(
        reverse("cases:create"),
        {
            "source": "inspection",
            "category": rubbish.pk,
            "description": "路边暴露垃圾",
            "priority": "normal",
            "lon": IN_GRID_A[0],
            "lat": IN_GRID_A[1],
            "photos": [SimpleUploadedFile("IMG_4031.HEIC", heic, content_type="image/heic")],
        },
    )
    assert response.status_code == 302
    photo = Case.objects.get().photos.get()
    assert photo.kind == CasePhoto.Kind.BEFORE and photo.original.name.endswith(".heic")
    assert photo.taken_at is not None and photo.gps_lat is not None and round(photo.gps_lat, 3) == 35.505
    # The office gets the evidence byte for byte; the unit sees a JPEG without EXIF.
    office = login(county.office_admin)
    assert _body(office.get(reverse("cases:photo", args=[photo.pk, "original"]))) == heic
    case = actions.dispatch_case(county.inspector, photo.case, unit=county.town_a)
    unit = login(county.handler_a)
    for variant in ("public", "thumbnail"):
        response = unit.get(reverse("cases:photo", args=[photo.pk, variant]))
        assert response["Content-Type"] == "image/jpeg"
        image = Image.open(io.BytesIO(_body(response)))
        assert image.format == "JPEG" and not image.getexif()
    assert unit.get(reverse("cases:photo", args=[photo.pk, "original"])).status_code == 403
    assert case.unit == county.town_a


def test_the_thumbnail_is_made_once_at_upload_and_served_as_stored(county, login, new_case):
    case = new_case()
    heic = heic_with_exif(size=(1200, 900))
    [photo] = actions.attach_photos(
        case, None, CasePhoto.Kind.BEFORE, [SimpleUploadedFile("a.heic", heic)], county.inspector
    )
    stored = photo.thumbnail.read()
    assert Image.open(io.BytesIO(stored)).size == (320, 240)
    served = _body(login(county.inspector).get(reverse("cases:photo", args=[photo.pk, "thumbnail"])))
    assert served == stored
