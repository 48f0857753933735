"""A unit's own materials in the bar; the office's overview in the framework menu."""

from django.utils.translation import gettext_lazy as _

from core.navigation import Entry, register
from materials.access import can_see_overview
from org.models import Person


def has_unit_work(person: Person) -> bool:
    """A unit's people deliver materials; the office and leaders follow everyone's."""
    return person.unit_id is not None and not person.sees_everything()


register(
    Entry(_("My materials"), "materials:mine", "bi-folder-check", order=20, visible=has_unit_work),
    Entry(
        _("Materials (网上申报)"),
        "materials:matrix",
        "bi-folder-check",
        group="framework",
        order=30,
        visible=can_see_overview,
    ),
)
