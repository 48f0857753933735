"""Every write of the inspections app: sites, rounds (with sampling), submitting a visit, publishing."""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.actions import dispatch_case, open_case, reveal_covert_cases
from cases.models import Case, Category, Source
from core.geo import distance_m, validate_lon_lat
from core.uploads import check_image
from framework.models import CheckItem, Edition, SiteType
from framework.queries import checklist_for
from inspections.access import can_inspect, can_manage_inspections
from inspections.categories import categories_for
from inspections.models import FAR_METRES, Finding, LineCategory, Round, Site, Verdict, Visit
from inspections.queries import sample_sites, town_of
from inspections.tally import count_round, count_visit
from notify.actions import notify_people
from org.access import require
from org.models import Person, Unit
from org.queries import grid_of_point


def place_site(site: Site) -> Site:
    """Find the grid from the location and the town from the grid (else from the keeper)."""
    site.grid = grid_of_point(site.lon, site.lat)
    town = town_of(site.grid.unit) if site.grid else None
    site.town = town or town_of(site.keeper) or site.keeper
    return site


@transaction.atomic
def save_site(actor: Person, site: Site) -> Site:
    require(can_manage_inspections(actor))
    validate_lon_lat(site.lon, site.lat)
    place_site(site)
    site.full_clean()
    site.save()
    return site


@transaction.atomic
def create_round(
    actor: Person,
    *,
    name: str,
    kind: str,
    edition: Edition,
    starts_on: dt.date,
    ends_on: dt.date,
    site_types: Iterable[SiteType] = (),
    towns: Iterable[Unit] = (),
    per_type_per_town: int = 0,
    seed: int | None = None,
    inspectors: Iterable[Person] = (),
) -> Round:
    """Create the round and its visits: the sampled sites, shared round-robin among the inspectors."""
    require(can_manage_inspections(actor))
    if ends_on < starts_on:
        raise ValidationError(_("The round cannot end before it starts."))
    site_types, towns, inspectors = list(site_types), list(towns), list(inspectors)
    if seed is None:  # recorded, so the draw can be repeated
        seed = random.SystemRandom().randrange(1, 1_000_000)
    round_ = Round.objects.create(
        name=name,
        kind=kind,
        edition=edition,
        starts_on=starts_on,
        ends_on=ends_on,
        per_type_per_town=per_type_per_town,
        seed=seed,
        created_by=actor,
    )
    round_.site_types.set(site_types)
    round_.towns.set(towns)
    round_.inspectors.set(inspectors)
    sites = sample_sites(site_types, towns, per_type_per_town, seed)
    visits = Visit.objects.bulk_create(
        Visit(round=round_, site=site, inspector=inspectors[i % len(inspectors)] if inspectors else None)
        for i, site in enumerate(sites)
    )
    _tell_inspectors(round_, visits)
    return round_


def _tell_inspectors(round_: Round, visits: list[Visit]) -> None:
    """Each inspector hears, once per round, how many visits are theirs and when."""
    counts = Counter(visit.inspector for visit in visits if visit.inspector is not None)
    for inspector, count in counts.items():
        notify_people(
            [inspector],
            kind="visits-assigned",
            dedupe_key=f"visits-assigned:{round_.pk}",
            title=_("%(count)d visits for you in %(round)s, %(start)s to %(end)s")
            % {"count": count, "round": round_.name, "start": round_.starts_on, "end": round_.ends_on},
            url=reverse("inspections:my_visits"),
        )


@transaction.atomic
def publish_round(actor: Person, round_: Round) -> Round:
    """Release the round's results to the units (what makes 暗访 results visible)."""
    require(can_manage_inspections(actor))
    if not round_.is_published():
        round_.published_at = timezone.now()
        round_.save(update_fields=["published_at"])
        count_round(round_)  # a 暗访's inspections count for scores from now on
        opened = Finding.objects.filter(visit__round=round_, case__isnull=False).values("case")
        reveal_covert_cases(Case.objects.filter(pk__in=opened))
    return round_


@dataclass
class Answer:
    item: CheckItem
    verdict: str = ""
    note: str = ""
    photos: list[UploadedFile] = field(default_factory=list)


def line_points(item: CheckItem) -> Decimal:
    """The points a line puts at stake: its deduction, or 1 when the checklist gives none."""
    return item.deduction if item.deduction > 0 else Decimal(1)


def _check_answers(answers: list[Answer]) -> None:
    errors = []
    for number, answer in enumerate(answers, start=1):
        if answer.verdict not in Verdict.values:
            errors.append(_("Line %(n)d: choose pass, fail or not applicable.") % {"n": number})
        if answer.photos and answer.verdict != Verdict.FAIL:
            errors.append(_("Line %(n)d: photos are evidence of a failed line.") % {"n": number})
        for photo in answer.photos:
            try:
                check_image(photo)
            except ValidationError as exc:
                errors.extend(f"{number}: {m}" for m in exc.messages)
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def submit_visit(
    actor: Person,
    visit: Visit,
    answers: list[Answer],
    lon: float | None = None,
    lat: float | None = None,
    client_id: str = "",
) -> Visit:
    """Record every line, score the site, and open a case for each failed line, dispatched to the site's keeper.

    All in one transaction: a result without its cases (or the reverse) cannot exist. Submitting locks the visit.
    The phone's `client_id` makes a re-send of the same submission a no-op (the first one stands).
    """
    visit = Visit.objects.select_for_update().select_related("round", "site__keeper").get(pk=visit.pk)
    require(can_inspect(actor, visit))
    if visit.is_submitted() and client_id and visit.client_id == client_id:
        return visit
    if visit.is_submitted():
        raise ValidationError(_("This inspection has been submitted and can no longer be changed."))
    if not visit.round.is_open_on(timezone.localdate()):
        raise ValidationError(_("The round is not open today."))
    expected = {item.pk for item in checklist_for(visit.site.site_type, visit.round.edition)}
    if {a.item.pk for a in answers} != expected:
        raise ValidationError(_("Answer every line of the checklist."))
    _check_answers(answers)
    site = visit.site
    if lon is not None and lat is not None:
        validate_lon_lat(lon, lat)
        visit.lon, visit.lat = lon, lat
        visit.distance_m = round(distance_m(lon, lat, site.lon, site.lat))
        visit.far_away = visit.distance_m > FAR_METRES
    stake = kept = Decimal(0)
    checked = passed = 0
    categories = categories_for([a.item for a in answers], site.site_type)
    for answer in answers:
        points = line_points(answer.item)
        finding = Finding(
            visit=visit,
            check_item=answer.item,
            verdict=answer.verdict,
            note=answer.note.strip(),
            points=points,
        )
        if answer.verdict != Verdict.NOT_APPLICABLE:
            stake += points
            checked += 1
        if answer.verdict == Verdict.PASS:
            kept += points
            passed += 1
        if answer.verdict == Verdict.FAIL:
            finding.case = _open_problem(actor, visit, answer, categories[answer.item.pk])
        finding.save()
    visit.points_at_stake, visit.points_kept = stake, kept
    visit.lines_checked, visit.lines_passed = checked, passed
    visit.status, visit.submitted_at = Visit.Status.SUBMITTED, timezone.now()
    visit.client_id = client_id[:40]
    visit.save()
    count_visit(visit)  # the period facts the score sheets and the 大屏 read
    return visit


def _open_problem(actor: Person, visit: Visit, answer: Answer, category: Category | None):
    site = visit.site
    # An unpublished 暗访 is not named to the unit: neither the round in the text nor the inspector in the history.
    covert = visit.round.is_hidden_kind() and not visit.round.is_published()
    round_name = "" if covert else f"（{visit.round.name}）"
    description = f"{site.name}{round_name}: {answer.item.text}"
    if answer.note.strip():
        description += f"\n{answer.note.strip()}"
    case = open_case(
        actor,
        source=Source.INSPECTION,
        description=description,
        category=category,
        lon=site.lon,
        lat=site.lat,
        address=site.address,
        site_name=site.name,
        photos=answer.photos,
        covert=covert,
    )
    return dispatch_case(actor, case, unit=site.keeper)


@transaction.atomic
def set_line_categories(actor: Person, choices: dict[CheckItem, Category | None]) -> int:
    """The office maps check lines to problem categories; None puts a line back on its default. Returns changes."""
    require(can_manage_inspections(actor))
    current = {m.check_item_id: m for m in LineCategory.objects.filter(check_item__in=list(choices))}
    changed = 0
    for item, category in choices.items():
        mapping = current.get(item.pk)
        if category is None:
            if mapping:
                mapping.delete()
                changed += 1
        elif mapping is None:
            LineCategory.objects.create(check_item=item, category=category, set_by=actor)
            changed += 1
        elif mapping.category_id != category.pk:
            mapping.category, mapping.set_by = category, actor
            mapping.save(update_fields=["category", "set_by", "set_at"])
            changed += 1
    return changed
