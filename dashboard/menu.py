"""The dashboard (大屏), in the scores menu."""

from django.utils.translation import gettext_lazy as _

from core.navigation import Entry, register
from dashboard.access import can_see_dashboard

register(
    Entry(
        _("Dashboard"),
        "dashboard:dashboard",
        "bi-display",
        group="scores",
        order=50,
        visible=can_see_dashboard,
    ),
)
