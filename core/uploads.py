"""Checks and copies for uploaded images: the content decides the type, the size is bounded, EXIF is read as
evidence (time, GPS) and stripped from the copies shown to others, and thumbnails are made once at upload.

Phones (iPhones by default) take HEIC/HEIF photos: they are accepted (pillow-heif), kept as they came as evidence,
and shown as JPEG copies, since browsers cannot display HEIC."""

from __future__ import annotations

import datetime as dt
import io
import math
import warnings
import zipfile
from dataclasses import dataclass

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import ExifTags, Image, ImageOps, UnidentifiedImageError
from pillow_heif import register_heif_opener

register_heif_opener()  # Pillow opens HEIC/HEIF from here on
# Pillow's own bomb check only refuses above twice its limit (179 MP): a 20 KB PNG of 13000×13000 passed it and took
# 1.2 GB to decode. The cap of settings is checked before any pixel is decoded (open_image); Pillow's is set to the
# same, so an image opened anywhere else fails at twice the cap rather than at its default.
Image.MAX_IMAGE_PIXELS = settings.IMAGE_MAX_PIXELS

IMAGE_TYPES = {
    "image/jpeg": "jpg",
    "image/png": "png",
    "image/webp": "webp",
    "image/heic": "heic",
    "image/heif": "heif",
}
PUBLIC_MAX_SIDE = 2048
THUMB_MAX_SIDE = 320


@dataclass
class CheckedImage:
    data: bytes
    extension: str
    public_jpeg: bytes
    thumbnail_jpeg: bytes
    taken_at: dt.datetime | None
    gps_lon: float | None
    gps_lat: float | None


def _read(upload: UploadedFile) -> bytes:
    limit = settings.MAX_UPLOAD_BYTES
    if upload.size is not None and upload.size > limit:
        raise ValidationError(
            _("The file “%(name)s” is larger than %(mb)d MB.") % {"name": upload.name, "mb": limit // 2**20}
        )
    upload.seek(0)
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise ValidationError(
            _("The file “%(name)s” is larger than %(mb)d MB.") % {"name": upload.name, "mb": limit // 2**20}
        )
    return data


def _exif_time(exif: Image.Exif) -> dt.datetime | None:
    detail = exif.get_ifd(ExifTags.IFD.Exif)
    text = detail.get(ExifTags.Base.DateTimeOriginal) or exif.get(ExifTags.Base.DateTime)
    try:
        # Cameras write local time without a zone; a phone in this county is on the county's time.
        return dt.datetime.strptime(str(text).strip(), "%Y:%m:%d %H:%M:%S").replace(
            tzinfo=timezone.get_default_timezone()
        )
    except (TypeError, ValueError):
        return None


def _exif_gps(exif: Image.Exif) -> tuple[float | None, float | None]:
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    try:

        def degrees(values) -> float:
            d, m, s = (float(v) for v in values)
            return d + m / 60 + s / 3600

        lat = degrees(gps[ExifTags.GPS.GPSLatitude])
        lon = degrees(gps[ExifTags.GPS.GPSLongitude])
    except (KeyError, TypeError, ValueError, ZeroDivisionError):
        return None, None
    if gps.get(ExifTags.GPS.GPSLatitudeRef) == "S":
        lat = -lat
    if gps.get(ExifTags.GPS.GPSLongitudeRef) == "W":
        lon = -lon
    return lon, lat


def _jpeg(image: Image.Image, max_side: int) -> bytes:
    """Re-encode the pixels as JPEG without any metadata (EXIF, GPS, XMP, comments); only the colour profile stays,
    so a wide-gamut phone photo keeps its colours."""
    copy = image.convert("RGB")
    copy.thumbnail((max_side, max_side))
    icc_profile = copy.info.get("icc_profile")
    copy.info.clear()  # the JPEG writer would otherwise carry the original's comment over
    out = io.BytesIO()
    copy.save(out, "JPEG", quality=85, optimize=True, icc_profile=icc_profile)
    return out.getvalue()


def _too_large(name: str) -> ValidationError:
    return ValidationError(
        _("“%(name)s” has more than %(mp)d million pixels; send a smaller photo.")
        % {"name": name, "mp": settings.IMAGE_MAX_PIXELS // 1_000_000},
        code="image_pixels",
    )


def open_image(data: bytes, name: str = "", max_side: int | None = None) -> Image.Image:
    """Decode an image after checking its pixel count from its header, so a small file that unpacks into gigabytes
    is refused before it is unpacked. With `max_side`, a JPEG is decoded at the smallest scale that still gives
    that many pixels on its longest side (a 48 MP photo shown at 2048 pixels needs a quarter of the memory)."""
    try:
        with warnings.catch_warnings():  # Pillow warns between its limit and twice it; the cap below decides
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            probe = Image.open(io.BytesIO(data))
        with probe:
            width, height = probe.size
            if width * height > settings.IMAGE_MAX_PIXELS:
                raise _too_large(name)
            probe.verify()
        image = Image.open(io.BytesIO(data))
        if max_side is not None and max(width, height) > max_side:
            scale = max_side / max(width, height)
            image.draft("RGB", (math.ceil(width * scale), math.ceil(height * scale)))
        image.load()
    except Image.DecompressionBombError as exc:  # Pillow's check at open, for twice the cap
        raise _too_large(name) from exc
    except (UnidentifiedImageError, OSError, SyntaxError) as exc:
        raise ValidationError(_("“%(name)s” cannot be read as an image.") % {"name": name}) from exc
    return image


def check_image(upload: UploadedFile) -> CheckedImage:
    """Accept JPEG, PNG, WebP or HEIC by content, within the size limit; refuse anything else with a clear message."""
    data = _read(upload)
    kind = filetype.guess(data)
    if kind is None or kind.mime not in IMAGE_TYPES:
        raise ValidationError(
            _("“%(name)s” is not a JPEG, PNG, WebP or HEIC image.") % {"name": upload.name}, code="image_type"
        )
    image = open_image(data, upload.name or "", max_side=PUBLIC_MAX_SIDE)
    exif = image.getexif()
    lon, lat = _exif_gps(exif)
    upright = ImageOps.exif_transpose(image)
    return CheckedImage(
        data=data,
        extension=IMAGE_TYPES[kind.mime],
        public_jpeg=_jpeg(upright, PUBLIC_MAX_SIDE),
        thumbnail_jpeg=_jpeg(upright, THUMB_MAX_SIDE),
        taken_at=_exif_time(exif),
        gps_lon=lon,
        gps_lat=lat,
    )


# Evidence a unit may attach: PDF, Office documents, photos.
DOCUMENT_TYPES = {
    "application/pdf": "pdf",
    "application/msword": "doc",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/vnd.ms-excel": "xls",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
    "application/vnd.ms-powerpoint": "ppt",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": "pptx",
    "application/vnd.oasis.opendocument.text": "odt",
    "application/vnd.oasis.opendocument.spreadsheet": "ods",
    "image/jpeg": "jpg",
    "image/png": "png",
    "image/gif": "gif",
    "image/webp": "webp",
}
MAX_DOCUMENT_BYTES = 20 * 1024 * 1024


@dataclass(frozen=True)
class CheckedUpload:
    file: UploadedFile
    content_type: str
    extension: str


def check_document(upload: UploadedFile, max_bytes: int = MAX_DOCUMENT_BYTES) -> CheckedUpload:
    """Accept a PDF, Office document or image by its content; refuse anything else or anything too large."""
    if upload.size is not None and upload.size > max_bytes:
        raise ValidationError(
            _("“%(name)s” is larger than %(mb)d MB.")
            % {"name": upload.name, "mb": max_bytes // (1024 * 1024)}
        )
    head = upload.read(8192)
    upload.seek(0)
    kind = filetype.guess(head)
    if kind is None or kind.mime not in DOCUMENT_TYPES:
        raise ValidationError(
            _("“%(name)s” is not a PDF, an Office document or an image.") % {"name": upload.name}
        )
    return CheckedUpload(upload, kind.mime, DOCUMENT_TYPES[kind.mime])


# The most an uploaded Office file (a .docx template, an .xlsx import) may unpack to: a few megabytes of zip can
# hold gigabytes of XML, which the parsers would read whole.
MAX_UNPACKED_BYTES = 200 * 1024 * 1024


def check_zip(data: bytes, name: str = "") -> zipfile.ZipFile:
    """Open an Office file's zip, refusing one that is not a zip or whose contents declare more than
    MAX_UNPACKED_BYTES (the declared sizes are what zipfile enforces while reading)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise ValidationError(
            _("“%(name)s” is not an Office file.") % {"name": name}, code="not_zip"
        ) from exc
    if sum(info.file_size for info in archive.infolist()) > MAX_UNPACKED_BYTES:
        raise ValidationError(
            _("“%(name)s” unpacks to more than %(mb)d MB.")
            % {"name": name, "mb": MAX_UNPACKED_BYTES // 2**20},
            code="zip_bomb",
        )
    return archive
