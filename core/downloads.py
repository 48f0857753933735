"""A stored file handed to the person the caller already checked: streamed through the app; with object storage and
STORAGE_S3_REDIRECT, a redirect to a signed URL that expires in STORAGE_S3_URL_SECONDS; on disk behind nginx with
MEDIA_ACCEL_REDIRECT, sent by nginx from its internal location. Nothing is ever public: the bucket is private, and
nginx answers 404 under MEDIA_URL and serves /protected-media/ only on the app's word."""

from __future__ import annotations

from urllib.parse import quote

from django.conf import settings
from django.core.files.storage import FileSystemStorage, default_storage, storages
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.utils.http import content_disposition_header

ACCEL_PREFIX = "/protected-media/"  # nginx: location /protected-media/ { internal; alias MEDIA_ROOT/; }


def signs_urls(field: FieldFile) -> bool:
    """The file lives in object storage, which can sign a URL for it (django-storages' S3Storage)."""
    return hasattr(field.storage, "bucket_name")


def attachment(field: FieldFile, filename: str, content_type: str | None = None) -> HttpResponseBase:
    """The file as a download named `filename`, never shown inline."""
    if settings.STORAGE_S3_REDIRECT and signs_urls(field):
        parameters = {
            "ResponseContentDisposition": content_disposition_header(True, filename) or "attachment"
        }
        if content_type:
            parameters["ResponseContentType"] = content_type
        url = field.storage.url(field.name, parameters=parameters, expire=settings.STORAGE_S3_URL_SECONDS)  # type: ignore[call-arg]
        response: HttpResponseBase = HttpResponseRedirect(url)
        response["Cache-Control"] = "private, no-store"  # the signature is this person's, for a minute
        return response
    if settings.MEDIA_ACCEL_REDIRECT and isinstance(_backend(field), FileSystemStorage):
        response = HttpResponse(content_type=content_type or "application/octet-stream")
        response["Content-Disposition"] = content_disposition_header(True, filename) or "attachment"
        response["X-Accel-Redirect"] = ACCEL_PREFIX + quote(field.name or "")
        return response
    return FileResponse(field.open("rb"), as_attachment=True, filename=filename, content_type=content_type)


def _backend(field: FieldFile) -> object:
    """The storage behind the field (the default storage is a lazy wrapper)."""
    return storages["default"] if field.storage is default_storage else field.storage
