"""The 大屏 and its named screens, in the scores menu."""

from django.utils.translation import gettext_lazy as _

from core.navigation import Entry, register
from dashboard.access import can_see_dashboard

register(
    Entry(
        _("Dashboard"),
        "dashboard:screen",
        "bi-display",
        group="scores",
        order=50,
        visible=can_see_dashboard,
    ),
    Entry(
        _("Screens"),
        "dashboard:screens",
        "bi-collection-play",
        group="scores",
        order=51,
        visible=can_see_dashboard,
    ),
)
