"""Image uploads: type by content, size bound, EXIF read then stripped, thumbnails."""

from __future__ import annotations

import io
import time
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import ExifTags, Image

from core.uploads import MAX_UNPACKED_BYTES, check_image, check_zip, open_image


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
    with pytest.raises(ValidationError, match="not a JPEG, PNG, WebP or HEIC"):
        check_image(SimpleUploadedFile("photo.jpg", b"%PDF-1.4 not an image"))


def test_it_refuses_a_truncated_image():
    with pytest.raises(ValidationError, match="cannot be read"):
        check_image(SimpleUploadedFile("photo.jpg", jpeg_with_exif()[:200]))


def test_it_refuses_a_file_over_the_limit(settings):
    settings.MAX_UPLOAD_BYTES = 1000
    with pytest.raises(ValidationError, match="larger than"):
        check_image(SimpleUploadedFile("p.jpg", jpeg_with_exif()))


def exif_with_place() -> Image.Exif:
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 1
    exif.get_ifd(ExifTags.IFD.Exif)[ExifTags.Base.DateTimeOriginal] = "2026:11:20 09:45:12"
    exif[ExifTags.IFD.GPSInfo] = {
        ExifTags.GPS.GPSLatitudeRef: "N",
        ExifTags.GPS.GPSLatitude: (35.0, 30.0, 18.0),
        ExifTags.GPS.GPSLongitudeRef: "E",
        ExifTags.GPS.GPSLongitude: (117.0, 0.0, 36.0),
    }
    return exif


def heic_with_exif(size=(640, 480)) -> bytes:
    """A real HEIC as an iPhone sends it (encoded by libheif through pillow-heif), with time and GPS in EXIF."""
    out = io.BytesIO()
    Image.new("RGB", size, (200, 40, 40)).save(out, "HEIF", exif=exif_with_place().tobytes(), quality=80)
    return out.getvalue()


def test_it_accepts_a_heic_photo_and_shows_it_as_jpeg():
    data = heic_with_exif()
    assert data[4:12] == b"ftypheic"
    checked = check_image(SimpleUploadedFile("IMG_0001.HEIC", data, content_type="image/heic"))
    assert checked.extension == "heic" and checked.data == data  # the evidence is kept as it came
    assert (
        checked.taken_at is not None
        and checked.taken_at.strftime("%Y-%m-%d %H:%M:%S") == "2026-11-20 09:45:12"
    )
    assert checked.gps_lat == pytest.approx(35.505) and checked.gps_lon == pytest.approx(117.01)
    public = Image.open(io.BytesIO(checked.public_jpeg))
    thumbnail = Image.open(io.BytesIO(checked.thumbnail_jpeg))
    assert public.format == thumbnail.format == "JPEG"
    assert public.size == (640, 480) and thumbnail.size == (320, 240)
    assert not public.getexif() and not thumbnail.getexif()
    pixel = public.getpixel((10, 10))
    assert isinstance(pixel, tuple)
    red, green, _blue = pixel
    assert red > 150 and green < 90  # the pixels came through the conversion


def test_a_heic_that_is_cut_short_is_refused():
    with pytest.raises(ValidationError, match="cannot be read"):
        check_image(SimpleUploadedFile("IMG_0002.heic", heic_with_exif()[:300]))


def test_the_public_copies_carry_no_comment_or_xmp_but_keep_the_colour_profile():
    from PIL import ImageCms

    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    xmp = b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF><rdf:Description exif:GPSLatitude="35,30.3N"/></rdf:RDF></x:xmpmeta>'
    out = io.BytesIO()
    Image.new("RGB", (400, 300), "blue").save(
        out, "JPEG", exif=exif_with_place(), xmp=xmp, comment=b"home of Zhang San", icc_profile=profile
    )
    checked = check_image(SimpleUploadedFile("p.jpg", out.getvalue()))
    for copy in (checked.public_jpeg, checked.thumbnail_jpeg):
        assert b"GPSLatitude" not in copy and b"Zhang San" not in copy and b"Exif" not in copy
        assert Image.open(io.BytesIO(copy)).info.get("icc_profile") == profile
    assert checked.gps_lat == pytest.approx(35.505)  # while the evidence keeps the place


# --- Finding 2 of the probe: a 20 KB PNG declaring 13000×13000 pixels took 1.2 GB to decode, anonymously ---------


def png_bomb(side: int = 13000) -> bytes:
    """A PNG of `side`×`side` black pixels, made without holding them: one bit a pixel compresses to almost nothing."""
    out = io.BytesIO()
    Image.new("1", (side, side)).save(out, "PNG", optimize=True)
    return out.getvalue()


def test_a_decompression_bomb_is_refused_before_it_is_decoded():
    bomb = png_bomb()
    assert len(bomb) < 40_000  # the probe's file: tiny on the wire
    started = time.monotonic()
    with pytest.raises(ValidationError, match="more than 40 million pixels"):
        check_image(SimpleUploadedFile("bomb.png", bomb))
    assert time.monotonic() - started < 1


def test_an_image_over_the_cap_but_under_pillows_own_limit_is_refused(settings):
    """7000×7000 (49 MP) is under Pillow's own refusal (twice its limit); the cap is read from the header."""
    with pytest.raises(ValidationError, match="more than 40 million pixels"):
        check_image(SimpleUploadedFile("big.png", png_bomb(7000)))
    settings.IMAGE_MAX_PIXELS = 100 * 100
    with pytest.raises(ValidationError, match="more than 0 million pixels"):
        check_image(SimpleUploadedFile("p.jpg", jpeg_with_exif()))


def test_a_large_jpeg_is_decoded_at_the_scale_it_is_shown():
    out = io.BytesIO()
    Image.new("RGB", (6000, 4000), "green").save(out, "JPEG")
    image = open_image(out.getvalue(), max_side=2048)
    assert 2048 <= image.width < 6000, "decoded at half scale, not full"
    checked = check_image(SimpleUploadedFile("big.jpg", out.getvalue()))
    assert Image.open(io.BytesIO(checked.public_jpeg)).size == (2048, 1365)


def test_a_zip_that_unpacks_to_gigabytes_is_refused():
    out = io.BytesIO()
    with (
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive,
        archive.open("word/document.xml", "w") as part,
    ):
        zeros = b"\0" * 2**20
        for _megabyte in range(MAX_UNPACKED_BYTES // 2**20 + 1):
            part.write(zeros)
    assert len(out.getvalue()) < 1_000_000
    with pytest.raises(ValidationError, match="unpacks to more than 200 MB"):
        check_zip(out.getvalue(), "bomb.docx")
    with pytest.raises(ValidationError, match="is not an Office file"):
        check_zip(b"PK not really", "x.docx")
