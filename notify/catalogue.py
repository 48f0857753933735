"""Every kind of message the system sends, with what each person gets by default.

The inbox always gets every message; the other channels are chosen per person and kind (notify.models.Preferences)
with these defaults. SMS costs money and wakes people: it is on by default only where work is handed over or a
deadline is at stake. An urgent kind (领导督办, escalation) is never held for quiet hours.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Kind:
    code: str
    label: str | Promise
    sms: bool = False  # SMS on by default
    urgent: bool = False  # SMS goes out during quiet hours too


KINDS: dict[str, Kind] = {
    kind.code: kind
    for kind in [
        Kind("case-dispatched", _("A case is dispatched to my unit"), sms=True),
        Kind("case-redispatched", _("A case of my unit is dispatched elsewhere")),
        Kind("case-rework", _("A case is sent back for rework"), sms=True),
        Kind("case-returned", _("A unit returns a case to the office")),
        Kind("case-reported-back", _("A unit reports a case fixed")),
        Kind("case-extension-requested", _("A unit asks for more time")),
        Kind("case-extension-approved", _("An extension is approved")),
        Kind("case-extension-refused", _("An extension is refused"), sms=True),
        Kind("case-deferred", _("A case is deferred")),
        Kind("case-resumed", _("A deferred case is resumed"), sms=True),
        Kind("case-urged", _("The office chases a case (催办)"), sms=True),
        Kind("case-supervised", _("A leader supervises a case (领导督办)"), sms=True, urgent=True),
        Kind(
            "case-deadline-shortened", _("A supervised case's deadline is shortened"), sms=True, urgent=True
        ),
        Kind("case-progress", _("Progress of a case I supervise")),
        Kind("remind", _("A case falls due soon")),
        Kind("overdue", _("A case becomes overdue"), sms=True),
        Kind("escalate", _("A case is escalated to me"), sms=True, urgent=True),
        Kind("digest", _("The daily digest of my unit's cases")),
        Kind("visits-assigned", _("Inspection visits are assigned to me"), sms=True),
        Kind("quota-assigned", _("A survey quota is set for my unit or me")),
        Kind("materials-requested", _("Material is requested from my unit"), sms=True),
        Kind("materials-returned", _("Material is returned for changes"), sms=True),
        Kind("materials-accepted", _("Material is accepted")),
        Kind("materials-reminder", _("The office chases material (催办)"), sms=True),
        Kind("materials-overdue", _("Material is overdue"), sms=True),
        Kind("materials-escalated", _("Material is escalated to me"), sms=True, urgent=True),
        Kind("materials-due", _("Material falls due soon")),
        Kind("task-assigned", _("A task is assigned to my unit"), sms=True),
        Kind("task-returned", _("A task report is returned"), sms=True),
        Kind("task-reminder", _("The office chases a task (催办)"), sms=True),
        Kind("liaison-named", _("My unit names its liaison (联络员)")),
    ]
}


def kind_of(code: str) -> Kind:
    """The kind named `code`; a kind not in the catalogue (a summary, an old row) is an ordinary, quiet one."""
    return KINDS.get(code) or Kind(code, code)
