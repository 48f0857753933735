"""A unit's own materials in the bar; the office's overview in the framework menu."""

from django.utils.translation import gettext_lazy as _

from core.navigation import Entry, register
from materials.access import can_see_overview
from org.access import works_for_own_unit

register(
    Entry(_("My materials"), "materials:mine", "bi-folder-check", order=20, visible=works_for_own_unit),
    Entry(
        _("Materials (网上申报)"),
        "materials:matrix",
        "bi-folder-check",
        group="framework",
        order=30,
        visible=can_see_overview,
    ),
)
