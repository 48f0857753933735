"""Who sees and does what with public reporting. The public: anyone sees a report by its tracking code, photos
only when not hidden. The office: its staff handle public reports and hotline work orders; its admins set the
points rules and issue API keys."""

from __future__ import annotations

from django.http import Http404

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


def get_report_by_code(code: str) -> PublicReport:
    report = queries.public_reports().filter(tracking_code=code.strip().upper()).first()
    if report is None:
        raise Http404
    return report


def get_public_photo(pk: int) -> CasePhoto:
    """A photo of a citizen-reported case that the office has not hidden; anything else does not exist."""
    photo = queries.public_photos().filter(pk=pk, case__citizen_report__isnull=False).first()
    if photo is None:
        raise Http404
    return photo
