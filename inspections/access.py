"""Who sees which sites and results: a unit person sees the sites in or kept by their subtree, and a round's
results only once units may see them (暗访: after publishing)."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from inspections.models import Round, Site, Visit
from org.access import get_or_404, is_active_person, is_office_admin, require, sees_everything
from org.models import Person, Role


def can_manage_inspections(person: Person) -> bool:
    return is_office_admin(person)


def is_inspector(person: Person) -> bool:
    """Inspectors have visits of their own to make (我的督查)."""
    return is_active_person(person) and person.role == Role.INSPECTOR


def can_inspect(person: Person, visit: Visit) -> bool:
    return is_active_person(person) and visit.inspector_id == person.pk


def can_report_rounds(person: Person) -> bool:
    """Making a round's report (Word, Excel): the office and the leaders, who see every unit's results."""
    return sees_everything(person)


def sites_for(person: Person) -> QuerySet[Site]:
    rows = Site.objects.select_related("site_type", "town", "keeper", "grid")
    if sees_everything(person):
        return rows
    if not is_active_person(person) or person.unit is None:
        return rows.none()
    prefix = person.unit.path
    return rows.filter(Q(town__path__startswith=prefix) | Q(keeper__path__startswith=prefix))


def get_site_for(person: Person, pk: int, write: bool = False) -> Site:
    site = get_or_404(sites_for(person), pk)
    if write:
        require(can_manage_inspections(person))
    return site


def visits_for(person: Person) -> QuerySet[Visit]:
    """Visits whose results the person may see: office staff and leaders all, units their sites' visible ones."""
    rows = Visit.objects.select_related("round", "site__site_type", "site__town", "site__keeper", "inspector")
    if sees_everything(person):
        return rows
    hidden = Q(round__kind__in=Round.HIDDEN_KINDS, round__published_at__isnull=True)
    return rows.filter(site__in=sites_for(person)).exclude(hidden)


def get_visit_for(person: Person, pk: int, write: bool = False) -> Visit:
    visit = get_or_404(visits_for(person), pk)
    if write:
        require(can_inspect(person, visit))
    return visit


def rounds_for(person: Person) -> QuerySet[Round]:
    """Office staff and leaders see every round; a unit sees rounds whose results it may see."""
    if sees_everything(person):
        return Round.objects.all()
    return Round.objects.filter(visits__in=visits_for(person)).distinct()


def get_round_for(person: Person, pk: int, write: bool = False) -> Round:
    round_ = get_or_404(rounds_for(person), pk)
    if write:
        require(can_manage_inspections(person))
    return round_
