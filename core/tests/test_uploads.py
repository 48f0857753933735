"""Image uploads: type by content, size bound, EXIF read then stripped, thumbnails."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import ExifTags, Image

from core.uploads import check_image


def jpeg_with_exif() -> bytes:
    image = Image.new("RGB", (800, 600), "red")
    exif = Image.Exif()
    exif[ExifTags.Base.DateTime] = "2026:10:09 15:20:00"
    gps = {
        ExifTags.GPS.GPSLatitudeRef: "N",
        ExifTags.GPS.GPSLatitude: (35.0, 30.0, 18.0),
        ExifTags.GPS.GPSLongitudeRef: "E",
        ExifTags.GPS.GPSLongitude: (117.0, 0.0, 36.0),
    }
    exif[ExifTags.IFD.GPSInfo] = gps
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


def test_it_reads_exif_and_strips_it_from_the_copies():
    checked = check_image(SimpleUploadedFile("p.jpg", jpeg_with_exif()))
    assert checked.taken_at is not None and checked.taken_at.strftime("%Y-%m-%d %H:%M") == "2026-10-09 15:20"
    assert checked.gps_lat == pytest.approx(35.505) and checked.gps_lon == pytest.approx(117.01)
    for copy in (checked.public_jpeg, checked.thumbnail_jpeg):
        assert not Image.open(io.BytesIO(copy)).getexif()
    assert max(Image.open(io.BytesIO(checked.thumbnail_jpeg)).size) == 320


def test_it_accepts_png_and_webp():
    for fmt in ("PNG", "WEBP"):
        out = io.BytesIO()
        Image.new("RGB", (10, 10)).save(out, fmt)
        assert check_image(SimpleUploadedFile("x.bin", out.getvalue())).taken_at is None


def test_it_refuses_a_file_that_is_not_an_image_whatever_its_name():
    with pytest.raises(ValidationError, match="not a JPEG, PNG or WebP"):
        check_image(SimpleUploadedFile("photo.jpg", b"%PDF-1.4 not an image"))


def test_it_refuses_a_truncated_image():
    with pytest.raises(ValidationError, match="cannot be read"):
        check_image(SimpleUploadedFile("photo.jpg", jpeg_with_exif()[:200]))


def test_it_refuses_a_file_over_the_limit(settings):
    settings.MAX_UPLOAD_BYTES = 1000
    with pytest.raises(ValidationError, match="larger than"):
        check_image(SimpleUploadedFile("p.jpg", jpeg_with_exif()))
