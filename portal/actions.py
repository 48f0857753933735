"""Every write of the public side: filing a citizen report into the case loop, API keys, hiding photos.

A citizen has no account, so a report cannot go through `cases.actions.open_case` (which needs an office actor);
`submit_report` checks what the public sent and hands the case to `cases.actions.file_case`, as office intake does
(number, category snapshot, relapse link, photos, history row), in state `reported` with source citizen, so the
office verifies it in its usual screens.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from addresses.queries import reverse as nearest_address
from cases.actions import file_case, open_case
from cases.models import Case, CasePhoto, Source, State
from core.geo import validate_lon_lat
from core.uploads import check_image
from org.access import require
from org.models import Person
from org.queries import grid_of_point
from portal.access import can_handle_public_reports, can_manage_keys, can_take_hotline_orders
from portal.models import (
    ApiKey,
    CitizenReport,
    HiddenPhoto,
    HotlineTicket,
    PointsAward,
    PublicService,
    key_hash,
    phone_hash,
)

MAX_PHOTOS = 4
MAX_DESCRIPTION = 1000
# No 0/O, 1/I/L: read aloud over the phone without mistakes.
TRACKING_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def new_tracking_code() -> str:
    return "".join(secrets.choice(TRACKING_ALPHABET) for _i in range(8))


def check_location(lon: float, lat: float):
    """The grid holding the point; a point outside every grid is outside the county and refused."""
    validate_lon_lat(lon, lat)
    grid = grid_of_point(lon, lat)
    if grid is None:
        raise ValidationError(
            _("This place is outside the county. Choose a place inside the county on the map.")
        )
    return grid


def check_phone(phone: str) -> str:
    phone = "".join(ch for ch in (phone or "") if ch.isdigit() or ch == "-").strip("-")
    too_long = len(phone) > (Case._meta.get_field("reporter_phone").max_length or 0)  # dashes count too
    if phone and (too_long or not 7 <= sum(ch.isdigit() for ch in phone) <= 15):
        raise ValidationError(_("Enter a valid phone number, or leave it empty."))
    return phone


@transaction.atomic
def submit_report(
    *,
    service: PublicService,
    description: str,
    lon: float | None,
    lat: float | None,
    address: str = "",
    phone: str = "",
    reporter_name: str = "",
    photos: Iterable[UploadedFile] = (),
    channel: str = CitizenReport.Channel.WEB,
    api_key: ApiKey | None = None,
    attributes: dict | None = None,
) -> CitizenReport:
    """File a citizen report as a case in state `reported`; the phone stays private (kept on the case for the
    office, and as a keyed hash for tracking identity)."""
    description = (description or "").strip()
    if not description:
        raise ValidationError(_("Describe the problem."))
    if len(description) > MAX_DESCRIPTION:
        raise ValidationError(_("Keep the description under %(n)d characters.") % {"n": MAX_DESCRIPTION})
    photos = list(photos)
    if len(photos) > MAX_PHOTOS:
        raise ValidationError(_("Add at most %(n)d photos.") % {"n": MAX_PHOTOS})
    if not service.is_active:
        raise ValidationError(_("This kind of problem is no longer taken."))
    grid = None
    if lon is not None and lat is not None:
        grid = check_location(lon, lat)
    elif not address.strip():
        raise ValidationError(_("Give the place of the problem."))
    phone = check_phone(phone)
    if lon is not None and lat is not None and not address.strip():
        # A point without words (a phone without scripts, an Open311 client): the registry's nearest address.
        address = nearest_address(lon, lat).address
    now = timezone.now()
    case = Case(
        source=Source.CITIZEN,
        description=description,
        category=service.category,
        lon=lon,
        lat=lat,
        grid=grid,
        address=address.strip()[:200],
        reporter_name=reporter_name.strip()[:50],
        reporter_phone=phone,
        reported_at=now,
        state=State.REPORTED,
    )
    images = [check_image(upload) for upload in photos]  # all checked before anything is written
    file_case(case, None, {"source": Source.CITIZEN, "channel": channel}, images)
    return CitizenReport.objects.create(
        case=case,
        service=service,
        tracking_code=new_tracking_code(),
        channel=channel,
        api_key=api_key,
        phone_hash=phone_hash(phone) if phone else "",
        attributes=attributes or {},
        created_at=now,
    )


# --- The phone identity's key ------------------------------------------------------------------------


@transaction.atomic
def rehash_phones() -> int:
    """After PHONE_HASH_KEY changed: every report's phone identity, and its points award, rewritten with the new key
    from the phone the case keeps. Returns how many changed. (A report whose phone was erased keeps its old hash:
    its points stay, but a later report from the same phone is a new identity.)"""
    changed = 0
    reports = CitizenReport.objects.exclude(phone_hash="").exclude(case__reporter_phone="")
    for report in reports.select_related("case").select_for_update().order_by("pk"):
        new = phone_hash(report.case.reporter_phone)
        if new != report.phone_hash:
            report.phone_hash = new
            report.save(update_fields=["phone_hash"])
            PointsAward.objects.filter(report=report).update(phone_hash=new)
            changed += 1
    return changed


# --- API keys -----------------------------------------------------------------------------------------


def issue_api_key(actor: Person | None, name: str) -> tuple[ApiKey, str]:
    """A new key for a client system; the key itself is shown once and only its hash is kept.
    `actor` None: the command line (whoever runs it administers the server)."""
    if actor is not None:
        require(can_manage_keys(actor))
    name = (name or "").strip()
    if not name:
        raise ValidationError(_("Name the client system."))
    raw = ApiKey.new_key()
    key = ApiKey.objects.create(name=name[:100], prefix=raw[:6], key_hash=key_hash(raw), created_by=actor)
    return key, raw


def revoke_api_key(actor: Person, key: ApiKey) -> ApiKey:
    require(can_manage_keys(actor))
    if key.is_active():
        key.revoked_at = timezone.now()
        key.save(update_fields=["revoked_at"])
    return key


def find_api_key(raw: str) -> ApiKey | None:
    """The active key matching `raw`, marked as used; None for an unknown or revoked key."""
    if not raw:
        return None
    key = ApiKey.objects.filter(key_hash=key_hash(raw), revoked_at__isnull=True).first()
    if key is not None:
        ApiKey.objects.filter(pk=key.pk).update(last_used_at=timezone.now())
    return key


# --- Photos shown to the public -------------------------------------------------------------------------


def hide_photo(actor: Person, photo: CasePhoto) -> None:
    require(can_handle_public_reports(actor))
    HiddenPhoto.objects.get_or_create(photo=photo, defaults={"hidden_by": actor})


def show_photo(actor: Person, photo: CasePhoto) -> None:
    require(can_handle_public_reports(actor))
    HiddenPhoto.objects.filter(photo=photo).delete()


# --- Hotline intake (12345 / 12319) ----------------------------------------------------------------------


def intake_hotline(
    actor: Person,
    *,
    hotline: str,
    work_order: str,
    description: str,
    category=None,
    lon: float | None = None,
    lat: float | None = None,
    address: str = "",
    caller_phone: str = "",
    received_at=None,
) -> HotlineTicket:
    """File a case forwarded by a hotline, keeping its work-order number; the same number twice is refused."""
    require(can_take_hotline_orders(actor))
    work_order = (work_order or "").strip()
    if not work_order:
        raise ValidationError(_("Give the hotline's work-order number."))
    if hotline not in HotlineTicket.SOURCES:
        raise ValidationError(_("Choose the hotline: 12345 or 12319."))
    if lon is not None and lat is not None:
        check_location(lon, lat)
    with transaction.atomic():
        if HotlineTicket.objects.select_for_update().filter(hotline=hotline, work_order=work_order).exists():
            raise ValidationError(
                _("Work order %(number)s of %(hotline)s is already filed.")
                % {"number": work_order, "hotline": hotline}
            )
        case = open_case(
            actor,
            source=HotlineTicket.SOURCES[hotline],
            description=description,
            category=category,
            lon=lon,
            lat=lat,
            address=address,
            reporter_phone=check_phone(caller_phone),
        )
        return HotlineTicket.objects.create(
            case=case, hotline=hotline, work_order=work_order, received_at=received_at
        )
