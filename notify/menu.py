"""The office's robot webhooks, in the organisation menu."""

from django.utils.translation import gettext_lazy as _

from core.navigation import Entry, register
from notify.access import can_manage_webhooks, can_name_own_liaison, can_see_deliveries

register(
    Entry(
        _("Deliveries"),
        "notify:deliveries",
        "bi-send",
        group="organisation",
        order=49,
        visible=can_see_deliveries,
    ),
    Entry(
        _("Our liaison"),
        "notify:liaison",
        "bi-telephone",
        group="organisation",
        order=48,
        visible=can_name_own_liaison,
    ),
    Entry(
        _("Webhooks"),
        "notify:webhooks",
        "bi-robot",
        group="organisation",
        order=50,
        visible=can_manage_webhooks,
    ),
)
