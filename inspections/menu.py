"""The inspections menu (key "inspections"); an inspector's own visits first."""

from django.utils.translation import gettext_lazy as _

from core.navigation import Entry, Group, register
from inspections.access import is_inspector

register(
    Group("inspections", _("Inspections"), "bi-search", order=50),
    Entry(
        _("My inspections"),
        "inspections:my_visits",
        "bi-phone",
        group="inspections",
        order=10,
        visible=is_inspector,
    ),
    Entry(_("Inspection rounds"), "inspections:round_list", "bi-search", group="inspections", order=20),
    Entry(_("Inspection results"), "inspections:results", "bi-bar-chart", group="inspections", order=30),
    Entry(_("Sites"), "inspections:site_list", "bi-geo-alt", group="inspections", order=40),
)
