"""Navigation for the signed-in person's role, built once per request for the base template."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from framework.access import can_manage_tasks
from org.access import can_manage_org, can_view_audit
from org.models import Role


def navigation(request: HttpRequest) -> dict:
    person = getattr(request, "user", None)
    if person is None or not person.is_authenticated:
        return {"nav_items": []}
    # The daily work in the bar, related screens grouped in menus, so the bar fits a laptop screen.
    items: list[tuple] = [(_("Home"), reverse("home"), "bi-house")]
    if person.unit_id and not person.sees_everything():
        items.append((_("My tasks"), reverse("framework:my_tasks"), "bi-check2-square"))
        items.append((_("My materials"), reverse("materials:mine"), "bi-folder-check"))
    cases = [
        (_("Cases"), reverse("cases:list"), "bi-clipboard-check"),
        (_("Metrics"), reverse("cases:metrics"), "bi-speedometer2"),
    ]
    if person.is_office_staff():
        cases.append((_("Public reports"), reverse("portal:office_reports"), "bi-megaphone"))
    if person.sees_everything():
        cases.append((_("Categories"), reverse("cases:categories"), "bi-tags"))
        cases.append((_("Calendar"), reverse("work_calendar"), "bi-calendar3"))
    items.append((_("Cases"), cases, "bi-clipboard-check"))
    framework = [(_("Framework"), reverse("framework:edition_list"), "bi-list-check")]
    if can_manage_tasks(person) or person.is_read_only():
        framework.append((_("Task breakdown"), reverse("framework:task_list"), "bi-kanban"))
    if person.sees_everything():
        framework.append((_("Materials (网上申报)"), reverse("materials:matrix"), "bi-folder-check"))
    items.append((_("Framework"), framework, "bi-list-check"))
    inspections = [
        (_("Inspection rounds"), reverse("inspections:round_list"), "bi-search"),
        (_("Inspection results"), reverse("inspections:results"), "bi-bar-chart"),
        (_("Sites"), reverse("inspections:site_list"), "bi-geo-alt"),
    ]
    if person.role == Role.INSPECTOR:
        inspections.insert(0, (_("My inspections"), reverse("inspections:my_visits"), "bi-phone"))
    items.append((_("Inspections"), inspections, "bi-search"))
    items.append((_("Surveys"), reverse("surveys:index"), "bi-clipboard-check"))
    scores = [
        (_("Scores"), reverse("scoring:period_list"), "bi-trophy"),
        (_("Rankings"), reverse("scoring:rankings"), "bi-bar-chart"),
        (_("Lost points"), reverse("scoring:lost_points"), "bi-graph-down-arrow"),
    ]
    if person.sees_everything():
        scores.append((_("What-if"), reverse("scoring:what_if"), "bi-lightning"))
        scores.append((_("Dashboard"), reverse("dashboard:dashboard"), "bi-display"))
    items.append((_("Scores"), scores, "bi-trophy"))
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
    items.append((_("Organisation"), admin, "bi-building"))
    current = request.path
    return {
        "unread_count": person.notifications.filter(read_at__isnull=True).count(),
        "nav_items": _entries(items, current),
    }


def _entries(items: list[tuple], current: str) -> list[dict]:
    """Menu entries; an entry whose target is a list is a menu of its own."""
    entries = []
    for label, target, icon in items:
        if isinstance(target, list):
            children = _entries(target, current)
            entries.append(
                {
                    "label": label,
                    "icon": icon,
                    "children": children,
                    "active": any(child["active"] for child in children),
                }
            )
        else:
            active = target == current or (target != "/" and current.startswith(target))
            entries.append({"label": label, "url": target, "icon": icon, "active": active})
    return entries
