"""The framework menu (key "framework") and a unit's own tasks in the bar."""

from django.utils.translation import gettext_lazy as _

from core.navigation import Entry, Group, register
from framework.access import can_manage_tasks
from org.models import Person


def has_unit_work(person: Person) -> bool:
    """A unit's people get tasks; the office and leaders follow everyone's."""
    return person.unit_id is not None and not person.sees_everything()


def sees_task_breakdown(person: Person) -> bool:
    return can_manage_tasks(person) or person.is_read_only()


register(
    Group("framework", _("Framework"), "bi-list-check", order=40),
    Entry(_("My tasks"), "framework:my_tasks", "bi-check2-square", order=10, visible=has_unit_work),
    Entry(_("Framework"), "framework:edition_list", "bi-list-check", group="framework", order=10),
    Entry(
        _("Task breakdown"),
        "framework:task_list",
        "bi-kanban",
        group="framework",
        order=20,
        visible=sees_task_breakdown,
    ),
)
