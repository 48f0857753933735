"""Maps of sites for any page: `{% sites_to_visit person %}` puts the inspector's sites still to inspect today on
a map beside their list, the list ordered nearest first once the phone knows where it is (static/js/map.js).
The role home pages (shell) and "My inspections" use it."""

from __future__ import annotations

from django import template
from django.urls import reverse

from inspections.access import is_inspector
from inspections.models import Site, Visit
from inspections.queries import work_list
from org.models import Person

register = template.Library()


def site_point(site: Site, url: str = "") -> dict:
    point = {"lon": site.lon, "lat": site.lat, "kind": "site", "label": site.name, "lines": [site.address]}
    if url:
        point["url"] = url
    return point


@register.inclusion_tag("inspections/_sites_to_visit.html")
def sites_to_visit(person: Person) -> dict:
    visits: list[Visit] = []
    if is_inspector(person):
        visits = [visit for visit in work_list(person) if not visit.is_submitted()]
    points = [site_point(v.site, reverse("inspections:visit_detail", args=[v.pk])) for v in visits]
    return {"visits": visits, "points": points, "shown": is_inspector(person)}


@register.simple_tag
def site_points(site: Site) -> list[dict]:
    """One site as the points of a `{% point_map %}`."""
    return [site_point(site)]
