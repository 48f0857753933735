"""Navigation for the signed-in person's role, built once per request for the base template."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from org.access import can_manage_org, can_view_audit


def _site_settings() -> dict:
    return {
        "jurisdiction": settings.CHUANGWEN_JURISDICTION,
        "map_tile_url": settings.MAP_TILE_URL,
        "map_tile_attribution": settings.MAP_TILE_ATTRIBUTION,
        "lockout_minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
    }


def navigation(request: HttpRequest) -> dict:
    person = getattr(request, "user", None)
    if person is None or not person.is_authenticated:
        return {"nav_items": [], **_site_settings()}
    items = [(_("Home"), reverse("home"), "bi-house")]
    items.append((_("Cases"), reverse("cases:list"), "bi-clipboard-check"))
    items.append((_("Metrics"), reverse("cases:metrics"), "bi-bar-chart"))
    if person.is_office_staff():
        items.append((_("Public reports"), reverse("portal:office_reports"), "bi-megaphone"))
    items.append((_("Units"), reverse("org:unit_list"), "bi-diagram-3"))
    items.append((_("People"), reverse("org:person_list"), "bi-people"))
    items.append((_("Grids"), reverse("org:grid_list"), "bi-grid-3x3"))
    if can_manage_org(person):
        items.append((_("Import"), reverse("org:import"), "bi-file-earmark-arrow-up"))
    if person.sees_everything():
        items.append((_("Categories"), reverse("cases:categories"), "bi-tags"))
        items.append((_("Calendar"), reverse("work_calendar"), "bi-calendar3"))
    if can_view_audit(person):
        items.append((_("Audit log"), reverse("audit_log"), "bi-journal-text"))
    current = request.path
    return {
        **_site_settings(),
        "nav_items": [
            {
                "label": label,
                "url": url,
                "icon": icon,
                "active": url == current or (url != "/" and current.startswith(url)),
            }
            for label, url, icon in items
        ],
    }
