"""The office's list of public reports, in the cases menu."""

from django.utils.translation import gettext_lazy as _

from core.navigation import Entry, register
from org.models import Person

register(
    Entry(
        _("Public reports"),
        "portal:office_reports",
        "bi-megaphone",
        group="cases",
        order=30,
        visible=Person.is_office_staff,
    ),
)
