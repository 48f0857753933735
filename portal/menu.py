"""The office's list of public reports, in the cases menu."""

from django.utils.translation import gettext_lazy as _

from core.navigation import Entry, register
from portal.access import can_handle_public_reports

register(
    Entry(
        _("Public reports"),
        "portal:office_reports",
        "bi-megaphone",
        group="cases",
        order=30,
        visible=can_handle_public_reports,
    ),
)
