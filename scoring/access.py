"""Who may see and change scores: the office and the leaders see the live (unpublished) sheets and every published
version; a unit's staff see the current version of each publication (what the rankings show); anyone else only
what the office made public. The office admins change periods, schemes, entries and publications."""

from __future__ import annotations

from django.db.models import OuterRef, Q, QuerySet, Subquery

from org.access import get_or_404, is_office_admin, is_unit_staff, sees_everything
from org.models import Person
from scoring.models import Publication


def can_manage_scores(person: Person) -> bool:
    return is_office_admin(person)


def can_see_live_scores(person: Person) -> bool:
    return sees_everything(person)


def sees_internal_rankings(person: Person) -> bool:
    """The rankings of every published version's current sheet, not only what the office made public."""
    return can_see_live_scores(person) or is_unit_staff(person)


def publications_for(person: Person) -> QuerySet[Publication]:
    publications = Publication.objects.all()
    if can_see_live_scores(person):
        return publications
    if not sees_internal_rankings(person):
        return publications.filter(is_public=True)
    newest = Publication.objects.filter(scheme=OuterRef("scheme")).order_by("-version").values("version")[:1]
    return publications.filter(Q(is_public=True) | Q(version=Subquery(newest)))


def get_publication_for(person: Person, pk: int) -> Publication:
    """A publication the person may read; 404 otherwise, so superseded and internal versions are not probed."""
    return get_or_404(publications_for(person).select_related("scheme__period", "published_by"), pk)
