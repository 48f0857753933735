"""A stored file handed to the person the caller already checked: streamed through the app, or, with object storage
and STORAGE_S3_REDIRECT, a redirect to a signed URL that expires in STORAGE_S3_URL_SECONDS. Nothing is ever public:
the bucket is private and MEDIA_URL is not served (nginx answers 404 there)."""

from __future__ import annotations

from django.conf import settings
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.utils.http import content_disposition_header


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
    return FileResponse(field.open("rb"), as_attachment=True, filename=filename, content_type=content_type)
