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
    # The daily work in the bar; managing the organisation in one menu, so the bar fits a laptop screen.
    items = [(_("Home"), reverse("home"), "bi-house")]
    items.append((_("Surveys"), reverse("surveys:index"), "bi-clipboard-check"))
    items.append((_("Scores"), reverse("scoring:period_list"), "bi-trophy"))
    items.append((_("Rankings"), reverse("scoring:rankings"), "bi-bar-chart"))
    if person.sees_everything():
        items.append((_("Dashboard"), reverse("reports:dashboard"), "bi-display"))
    admin = [
        (_("Units"), reverse("org:unit_list"), "bi-diagram-3"),
        (_("People"), reverse("org:person_list"), "bi-people"),
        (_("Grids"), reverse("org:grid_list"), "bi-grid-3x3"),
    ]
    if can_manage_org(person):
        admin.append((_("Import"), reverse("org:import"), "bi-file-earmark-arrow-up"))
        admin.append((_("Webhooks"), reverse("notify:webhooks"), "bi-robot"))
    if can_view_audit(person):
        admin.append((_("Audit log"), reverse("audit_log"), "bi-journal-text"))
    current = request.path
    return {
        "unread_count": person.notifications.filter(read_at__isnull=True).count(),
        **_site_settings(),
        "nav_items": _entries(items, current),
        "admin_items": _entries(admin, current),
    }


def _entries(items: list[tuple], current: str) -> list[dict]:
    return [
        {
            "label": label,
            "url": url,
            "icon": icon,
            "active": url == current or (url != "/" and current.startswith(url)),
        }
        for label, url, icon in items
    ]
