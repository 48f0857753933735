"""The registry's entry in the organisation menu."""

from django.utils.translation import gettext_lazy as _

from addresses.access import can_see_registry
from core.navigation import Entry, register

register(
    Entry(
        _("Standard addresses"),
        "addresses:registry",
        "bi-signpost-split",
        group="organisation",
        order=35,
        visible=can_see_registry,
    ),
)
