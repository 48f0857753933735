"""Every write of the public side: filing a citizen report into the case loop, API keys, hiding photos.

A citizen has no account, so a report cannot go through `cases.actions.open_case` (which needs an office actor);
`submit_report` checks what the public sent and hands the case to `cases.actions.file_case`, as office intake does
(number, category snapshot, relapse link, photos, history row), in state `reported` with source citizen, so the
office verifies it in its usual screens.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import secrets
import threading
import time
from collections.abc import Iterable, Sequence
from typing import Any

from celery import current_app
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from addresses.queries import reverse as nearest_address
from cases.actions import file_case, open_case
from cases.models import Case, CasePhoto, Source, State
from core.geo import validate_lon_lat
from core.uploads import CheckedImage, check_image
from org.access import require
from org.models import Person
from org.queries import grid_id_at, grid_of_point
from portal.access import can_handle_public_reports, can_manage_keys, can_take_hotline_orders
from portal.models import (
    ApiKey,
    CitizenReport,
    HiddenPhoto,
    HotlineTicket,
    PointsAward,
    PublicService,
    ReceivedReport,
    key_hash,
    phone_hash,
)

logger = logging.getLogger(__name__)

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
        raise _outside_county()
    return grid


def check_phone(phone: str) -> str:
    phone = "".join(ch for ch in (phone or "") if ch.isdigit() or ch == "-").strip("-")
    too_long = len(phone) > (Case._meta.get_field("reporter_phone").max_length or 0)  # dashes count too
    if phone and (too_long or not 7 <= sum(ch.isdigit() for ch in phone) <= 15):
        raise ValidationError(_("Enter a valid phone number, or leave it empty."))
    return phone


def _check_report(
    service: PublicService, description: str, lon: float | None, lat: float | None, address: str, photos: list
) -> str:
    """What every channel checks before taking a report in; returns the description, trimmed."""
    description = (description or "").strip()
    if not description:
        raise ValidationError(_("Describe the problem."))
    if len(description) > MAX_DESCRIPTION:
        raise ValidationError(_("Keep the description under %(n)d characters.") % {"n": MAX_DESCRIPTION})
    if len(photos) > MAX_PHOTOS:
        raise ValidationError(_("Add at most %(n)d photos.") % {"n": MAX_PHOTOS})
    if not service.is_active:
        raise ValidationError(_("This kind of problem is no longer taken."))
    if (lon is None or lat is None) and not address.strip():
        raise ValidationError(_("Give the place of the problem."))
    return description


def _outside_county() -> ValidationError:
    return ValidationError(
        _("This place is outside the county. Choose a place inside the county on the map.")
    )


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
    tracking_code: str = "",
    received_at: dt.datetime | None = None,
) -> CitizenReport:
    """File a citizen report as a case in state `reported`; the phone stays private (kept on the case for the
    office, and as a keyed hash for tracking identity)."""
    photos = list(photos)
    description = _check_report(service, description, lon, lat, address, photos)
    grid = check_location(lon, lat) if lon is not None and lat is not None else None
    phone = check_phone(phone)
    images = [check_image(upload) for upload in photos]  # all checked before anything is written
    return _file_report(
        service=service,
        description=description,
        lon=lon,
        lat=lat,
        grid_id=grid.pk if grid is not None else None,
        address=address,
        phone=phone,
        reporter_name=reporter_name,
        images=images,
        channel=channel,
        api_key=api_key,
        attributes=attributes,
        tracking_code=tracking_code or new_tracking_code(),
        received_at=received_at or timezone.now(),
    )


def _file_report(
    *,
    service: PublicService,
    description: str,
    lon: float | None,
    lat: float | None,
    grid_id: int | None,
    address: str,
    phone: str,
    tracking_code: str,
    received_at: dt.datetime,
    reporter_name: str = "",
    images: Sequence[CheckedImage] = (),
    channel: str = CitizenReport.Channel.WEB,
    api_key: ApiKey | None = None,
    attributes: dict | None = None,
) -> CitizenReport:
    """Write a checked report: its case (number, category snapshot, relapse link, photos, history row) and its
    public side."""
    if lon is not None and lat is not None and not address.strip():
        # A point without words (a phone without scripts, an Open311 client): the registry's nearest address.
        address = nearest_address(lon, lat).address
    case = Case(
        source=Source.CITIZEN,
        description=description,
        category=service.category,
        lon=lon,
        lat=lat,
        grid_id=grid_id,
        address=address.strip()[:200],
        reporter_name=reporter_name.strip()[:50],
        reporter_phone=phone,
        reported_at=received_at,
        state=State.REPORTED,
    )
    file_case(case, None, {"source": Source.CITIZEN, "channel": channel}, images)
    return CitizenReport.objects.create(
        case=case,
        service=service,
        tracking_code=tracking_code,
        channel=channel,
        api_key=api_key,
        phone_hash=phone_hash(phone) if phone else "",
        attributes=attributes or {},
        created_at=received_at,
    )


# --- The web intake: take the report in, file it in the background ----------------------------------


def receive_report(
    *,
    service: PublicService,
    description: str,
    lon: float | None,
    lat: float | None,
    address: str = "",
    phone: str = "",
    photos: Iterable[UploadedFile] = (),
) -> str:
    """Take a citizen's report from the report page and return its tracking code.

    The request only checks what was sent (the point against the grids held in memory) and stores one row
    (`ReceivedReport`); filing it as a case is the job queued when that row commits, so a busy hour costs each
    citizen one INSERT. A report with photos is filed at once: its images are decoded and re-encoded in the
    request anyway (to refuse a file that is not an image), and their files belong to the case. Without a broker
    (CELERY_TASK_ALWAYS_EAGER: the embedded setup, the tests) the job would run in this process: it is done now.
    """
    photos = list(photos)
    if photos or settings.CELERY_TASK_ALWAYS_EAGER:
        return submit_report(
            service=service,
            description=description,
            lon=lon,
            lat=lat,
            address=address,
            phone=phone,
            photos=photos,
        ).tracking_code
    description = _check_report(service, description, lon, lat, address, photos)
    if lon is not None and lat is not None:
        validate_lon_lat(lon, lat)
        if grid_id_at(lon, lat) is None:
            raise _outside_county()
    code = new_tracking_code()
    _insert_received(
        tracking_code=code,
        service_id=service.pk,
        description=description,
        lon=lon,
        lat=lat,
        address=address.strip()[:200],
        phone=check_phone(phone),
        channel=CitizenReport.Channel.WEB,
        received_at=timezone.now(),
    )
    transaction.on_commit(queue_filing)
    return code


def _insert_received(**values: Any) -> None:
    """Write one inbox row with one plain INSERT. The ORM's `create` costs as much Python again as the statement
    itself (a model instance, the compiler, RETURNING the id nobody reads), and this is the hottest write of the
    public side. The row has no history: it lives a second, and the case it becomes has its own."""
    values["received_at"] = connection.ops.adapt_datetimefield_value(values["received_at"])
    with connection.cursor() as cursor:
        cursor.execute(_received_insert_sql(tuple(values)), list(values.values()))


@functools.cache
def _received_insert_sql(columns: tuple[str, ...]) -> str:
    quote = connection.ops.quote_name
    return (
        f"INSERT INTO {quote(ReceivedReport._meta.db_table)} ({', '.join(quote(c) for c in columns)}) "
        f"VALUES ({', '.join(['%s'] * len(columns))})"
    )


FILE_TASK = "portal.tasks.file_received_reports"
# A filing job is queued to run this long after it is queued; the reports this process takes in meanwhile ride on it.
FILING_DELAY_SECONDS = 0.5
# How far the web's and the worker's clocks may disagree (Celery's countdown is an absolute time, read by the
# worker's clock); NTP keeps them within milliseconds.
CLOCK_MARGIN_SECONDS = 0.1


class _FilingQueued:
    """When the filing job this process queued last will run (epoch seconds, as Celery's eta)."""

    lock = threading.Lock()
    runs_at = 0.0


def queue_filing() -> None:
    """Make sure a filing job reads the inbox after this report's row committed, without a round trip per report.

    A job this process queued that has not run yet runs FILING_DELAY_SECONDS after it was queued: it reads the
    inbox after now, so it files this report too. Otherwise queue one, to run FILING_DELAY_SECONDS from now. A busy
    process queues at most a few jobs a second whatever its reports; jobs that run at once take different rows.
    (Each report used to claim a "job waiting" key in Redis: a round trip on every report.) A broker that is down
    loses nothing: the row waits in the inbox and the sweep (beat) files it."""
    now = time.time()
    with _FilingQueued.lock:
        if now < _FilingQueued.runs_at - CLOCK_MARGIN_SECONDS:
            return
        _FilingQueued.runs_at = now + FILING_DELAY_SECONDS
    try:
        current_app.tasks[FILE_TASK].apply_async(countdown=FILING_DELAY_SECONDS)
    except Exception as exc:  # kombu/redis raise their own connection errors; any failure means the same
        with _FilingQueued.lock:
            _FilingQueued.runs_at = 0.0  # the next report tries again
        logger.warning("The filing of received reports could not be queued (the sweep files them): %s", exc)


def forget_queued_filing() -> None:
    """Tests: this process has queued no filing job."""
    _FilingQueued.runs_at = 0.0


def file_received_reports(limit: int = 10_000) -> int:
    """File the reports waiting in the inbox, oldest first, each in its own short transaction (the year's case
    counter is locked only while one case is written); returns how many. Workers running this at once take
    different rows (SKIP LOCKED), so the job queued by each report and the sweep never file one twice."""
    filed = 0
    while filed < limit:
        with transaction.atomic():
            received = (
                ReceivedReport.objects.select_for_update(skip_locked=True, of=("self",))
                .select_related("service__category")
                .order_by("pk")
                .first()
            )
            if received is None:
                break
            _file_received(received)
        filed += 1
    return filed


def _file_received(received: ReceivedReport) -> CitizenReport:
    """File one inbox row as it was checked when it came in (a grid redrawn since leaves the case without one,
    for the office to place), and delete the row."""
    grid_id = None
    if received.lon is not None and received.lat is not None:
        # The grids held in memory, as office intake finds them (a query and a GeoJSON parse per grid otherwise).
        grid_id = grid_id_at(received.lon, received.lat)
    report = _file_report(
        service=received.service,
        description=received.description,
        lon=received.lon,
        lat=received.lat,
        grid_id=grid_id,
        address=received.address,
        phone=received.phone,
        tracking_code=received.tracking_code,
        received_at=received.received_at,
        channel=received.channel,
    )
    received.delete()
    return report


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
