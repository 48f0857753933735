"""Who sees what on the public side: anyone sees a report by its tracking code; photos only when not hidden."""

from __future__ import annotations

from django.http import Http404

from cases.models import CasePhoto
from portal import queries
from portal.models import CitizenReport


def get_report_by_code(code: str) -> CitizenReport:
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
