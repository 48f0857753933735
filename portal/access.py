"""Who sees and does what with public reporting. The public: anyone sees a report by its tracking code, photos
only when not hidden. The office: its staff handle public reports and hotline work orders; its admins set the
points rules and issue API keys."""

from __future__ import annotations

from django.core import signing
from django.http import Http404
from django.urls import reverse

from cases.access import can_report
from cases.models import CasePhoto
from org.access import is_office_admin, is_office_staff
from org.models import Person
from portal import queries
from portal.queries import PublicReport

# --- The office -----------------------------------------------------------------------------------------


def can_handle_public_reports(person: Person) -> bool:
    """The office's list of public reports, and hiding a photo from the public (or showing it again)."""
    return is_office_staff(person)


def can_take_hotline_orders(person: Person) -> bool:
    """A hotline work order is filed as a case: whoever files cases by hand takes them in."""
    return can_report(person)


def can_see_points(person: Person) -> bool:
    return is_office_staff(person)


def can_set_points_rules(person: Person) -> bool:
    return is_office_admin(person)


def can_export_points(person: Person) -> bool:
    """The ranking's workbook holds the reporters' phone numbers: admins only."""
    return is_office_admin(person)


def can_manage_keys(person: Person) -> bool:
    return is_office_admin(person)


# --- The public ------------------------------------------------------------------------------------------


def find_report_by_code(code: str) -> PublicReport | None:
    """The public report a tracking code names, or None (a mistyped code is the citizen's usual mistake)."""
    return queries.public_reports().filter(tracking_code=code.strip().upper()).first()


def get_report_by_code(code: str) -> PublicReport:
    report = find_report_by_code(code)
    if report is None:
        raise Http404
    return report


# A public photo's address carries a signature of its key: addresses cannot be walked by counting.
_PHOTO_SIGNER = signing.Signer(salt="portal.public-photo")


def shows_publicly(photo: CasePhoto, accepted: int | None) -> bool:
    """The tracking page's rule (`accepted`: the event of the accepted report-back, queries.accepted_report_back): the problem's photos at once; of the fix, only the photos of the report-back the
    office accepted, once it closed the case (an earlier report-back sent back for rework showed a fix that was not
    accepted); never the office's own on-site check photos."""
    if photo.kind == CasePhoto.Kind.BEFORE:
        return True
    return photo.kind == CasePhoto.Kind.AFTER and accepted is not None and photo.event_id == accepted


def public_photo_url(photo: CasePhoto) -> str:
    return reverse("portal:photo", args=[_PHOTO_SIGNER.sign(str(photo.pk))])


def get_public_photo(token: str) -> CasePhoto:
    """A photo of a citizen-reported case, not hidden by the office and shown by the tracking page's rule, by its
    signed address; anything else does not exist."""
    try:
        pk = int(_PHOTO_SIGNER.unsign(token))
    except (signing.BadSignature, ValueError):
        raise Http404 from None
    photo = (
        queries.public_photos()
        .select_related("case")
        .filter(pk=pk, case__citizen_report__isnull=False)
        .first()
    )
    if photo is None or not shows_publicly(photo, queries.accepted_report_back(photo.case)):
        raise Http404
    return photo
