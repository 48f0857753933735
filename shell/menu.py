"""The shell's own entries: the home page, the working calendar and the audit log."""

from django.utils.translation import gettext_lazy as _

from core.navigation import Entry, register
from org.access import can_view_audit, sees_everything

register(
    Entry(_("Home"), "home", "bi-house", order=0),
    Entry(_("Calendar"), "work_calendar", "bi-calendar3", group="cases", order=50, visible=sees_everything),
    Entry(
        _("Audit log"), "audit_log", "bi-journal-text", group="organisation", order=60, visible=can_view_audit
    ),
)
