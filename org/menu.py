"""The organisation menu (key "organisation"), which other apps add their admin screens to."""

from django.utils.translation import gettext_lazy as _

from core.navigation import Entry, Group, register
from org.access import can_manage_org

register(
    Group("organisation", _("Organisation"), "bi-building", order=80),
    Entry(_("Units"), "org:unit_list", "bi-diagram-3", group="organisation", order=10),
    Entry(_("People"), "org:person_list", "bi-people", group="organisation", order=20),
    Entry(_("Grids"), "org:grid_list", "bi-grid-3x3", group="organisation", order=30),
    Entry(
        _("API tokens"), "org:token_list", "bi-key", group="organisation", order=50, visible=can_manage_org
    ),
    Entry(
        _("Import"),
        "org:import",
        "bi-file-earmark-arrow-up",
        group="organisation",
        order=40,
        visible=can_manage_org,
    ),
)
