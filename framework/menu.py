"""The framework menu (key "framework") and a unit's own tasks in the bar."""

from django.utils.translation import gettext_lazy as _

from core.navigation import Entry, Group, register
from framework.access import can_export_breakdown
from org.access import works_for_own_unit

register(
    Group("framework", _("Framework"), "bi-list-check", order=40),
    Entry(_("My tasks"), "framework:my_tasks", "bi-check2-square", order=10, visible=works_for_own_unit),
    Entry(_("Framework"), "framework:edition_list", "bi-list-check", group="framework", order=10),
    Entry(
        _("Task breakdown"),
        "framework:task_list",
        "bi-kanban",
        group="framework",
        order=20,
        visible=can_export_breakdown,
    ),
)
