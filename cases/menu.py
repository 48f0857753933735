"""The cases menu, which other apps add their entries to (key "cases")."""

from django.utils.translation import gettext_lazy as _

from core.navigation import Entry, Group, register
from org.access import sees_everything

register(
    Group("cases", _("Cases"), "bi-clipboard-check", order=30),
    Entry(_("Cases"), "cases:list", "bi-clipboard-check", group="cases", order=10),
    Entry(_("Metrics"), "cases:metrics", "bi-speedometer2", group="cases", order=20),
    Entry(_("Categories"), "cases:categories", "bi-tags", group="cases", order=40, visible=sees_everything),
)
