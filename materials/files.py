"""Checks for uploaded materials: the content decides the type and must agree with the file's name, the size is
bounded, photos must decode as images (and get a thumbnail made by us). Stored files get our own names and are only
ever served as downloads (see views.file_download)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import PurePath

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from core.uploads import DOCUMENT_TYPES, IMAGE_TYPES, check_image
from framework.models import MaterialType

# The extensions a name may carry for each content type. Old Office files share one container format (OLE),
# so .doc/.xls/.ppt are told apart by name only.
OLE = {"doc", "xls", "ppt"}
EXTENSIONS = {
    "application/pdf": {"pdf"},
    "application/msword": OLE,
    "application/vnd.ms-excel": OLE,
    "application/vnd.ms-powerpoint": OLE,
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": {"docx"},
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {"xlsx"},
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": {"pptx"},
    "application/vnd.oasis.opendocument.text": {"odt"},
    "application/vnd.oasis.opendocument.spreadsheet": {"ods"},
    "image/jpeg": {"jpg", "jpeg"},
    "image/png": {"png"},
    "image/gif": {"gif"},
    "image/webp": {"webp"},
}
KIND_NAMES = {
    "application/pdf": "PDF",
    "application/msword": "Word",
    "application/vnd.ms-excel": "Excel",
    "application/vnd.ms-powerpoint": "PowerPoint",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "Word (.docx)",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "Excel (.xlsx)",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": "PowerPoint (.pptx)",
    "application/vnd.oasis.opendocument.text": "ODT",
    "application/vnd.oasis.opendocument.spreadsheet": "ODS",
    "image/jpeg": "JPEG",
    "image/png": "PNG",
    "image/gif": "GIF",
    "image/webp": "WebP",
}


@dataclass(frozen=True)
class CheckedMaterial:
    upload: UploadedFile
    content_type: str
    extension: str
    thumbnail: bytes | None = None


def max_bytes() -> int:
    return settings.MATERIAL_MAX_BYTES


def _too_large(upload: UploadedFile) -> ValidationError:
    return ValidationError(
        _("“%(name)s” is larger than %(mb)d MB; make it smaller (e.g. compress the PDF or the photos).")
        % {"name": upload.name, "mb": max_bytes() // 2**20},
        code="too_large",
    )


def _content_type(upload: UploadedFile) -> str | None:
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    kind = filetype.guess(head)
    return kind.mime if kind else None


def check_material(upload: UploadedFile, material_type: str) -> CheckedMaterial:
    """Refuse, with a message that names the file and says why, anything that is not what it claims to be."""
    if upload.size is None or upload.size > max_bytes():
        raise _too_large(upload)
    suffix = PurePath(upload.name or "").suffix.lower().lstrip(".")
    mime = _content_type(upload)
    photo = material_type == MaterialType.PHOTO
    allowed = IMAGE_TYPES if photo else DOCUMENT_TYPES
    if mime not in allowed:
        message = (
            _("“%(name)s” is not a JPEG, PNG or WebP photo (the content was checked, not the name).")
            if photo
            else _(
                "“%(name)s” is not a PDF, Word, Excel or image file (the content was checked, not the name)."
            )
        )
        raise ValidationError(message % {"name": upload.name}, code="file_type")
    if suffix not in EXTENSIONS[mime]:
        raise ValidationError(
            _(
                "“%(name)s” does not match its content: the name says .%(suffix)s but the file is %(kind)s. "
                "Upload the right file or correct its name."
            )
            % {"name": upload.name, "suffix": suffix or "?", "kind": KIND_NAMES[mime]},
            code="name_mismatch",
        )
    thumbnail = None
    if mime in IMAGE_TYPES:
        thumbnail = check_image(upload).thumbnail_jpeg  # decodes the picture: a broken image is refused here
        upload.seek(0)
    return CheckedMaterial(upload, mime, suffix, thumbnail)


_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef]")
_WORD = re.compile(r"[A-Za-z0-9]+(?:[.'’-][A-Za-z0-9]+)*")


def count_words(text: str) -> int:
    """字数 as Word and WPS count them: every Chinese character or full-width mark is one, a run of Latin letters
    or digits is one."""
    return len(_CJK.findall(text)) + len(_WORD.findall(text))
