"""The daily digest (每日督办提醒): each unit is told once a day what of its open cases needs it.

Sections: due today, overdue, sent back for rework, new since yesterday; each lists a few case numbers and its
count. A unit with nothing in any section gets nothing. The digest goes to everyone in the unit (inbox, email)
and to the unit's SMS numbers and robot webhooks (`notify.actions.notify_unit`), with the dedupe key
`digest:<date>:<unit id>`, so the periodic job (`chuangwen tick`, Celery beat's `cases.tick`) may run every few
minutes: the first run at or after `CASE_DIGEST_HOUR` sends the day's digests, later runs find them sent. A unit
that had nothing to say at that hour but gets something later that day gets its one digest then.

Only the unit's own cases are counted (the responsible unit, not units below it): each unit hears of its own work.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, F, Q, Window
from django.db.models.functions import RowNumber
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import Case
from notify.actions import notify_unit
from notify.models import Delivery, Notification
from org.models import Unit

LISTED = 5  # case numbers shown per section; the count says how many there are


@dataclass
class Section:
    name: str
    count: int = 0
    cases: list[Case] = field(default_factory=list)


@dataclass
class UnitDigest:
    unit: Unit
    day: dt.date
    sections: dict[str, Section]

    @property
    def dedupe_key(self) -> str:
        return f"digest:{self.day.isoformat()}:{self.unit.pk}"

    def title(self) -> str:
        counts = {name: section.count for name, section in self.sections.items()}
        return _(
            "Daily digest %(day)s: %(overdue)d overdue, %(due_today)d due today, "
            "%(rework)d for rework, %(new)d new"
        ) % {"day": self.day.strftime("%m-%d"), **counts}

    def body(self) -> str:
        labels = {
            "overdue": _("Overdue"),
            "due_today": _("Due today"),
            "rework": _("Sent back for rework"),
            "new": _("New since yesterday"),
        }
        lines = []
        for name, section in self.sections.items():
            if not section.count:
                continue
            lines.append(_("%(section)s (%(count)d):") % {"section": labels[name], "count": section.count})
            for case in section.cases:
                deadline = timezone.localtime(case.deadline).strftime("%m-%d %H:%M") if case.deadline else ""
                what = case.category_name or case.description[:20]
                lines.append(
                    "  "
                    + _("%(number)s %(what)s, due %(deadline)s")
                    % {"number": case.number, "what": what, "deadline": deadline}
                )
            if section.count > len(section.cases):
                lines.append("· " + _("… and %(count)d more") % {"count": section.count - len(section.cases)})
        return "\n".join(lines)


def _sections(now: dt.datetime) -> dict[str, Q]:
    """The conditions of each section, on cases the unit holds (dispatched or being rectified)."""
    end_of_day = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0) + dt.timedelta(
        days=1
    )
    return {
        "overdue": Q(deadline__lt=now),
        "due_today": Q(deadline__gte=now, deadline__lt=end_of_day),
        "rework": Q(rework_count__gt=0),
        "new": Q(dispatched_at__gte=now - dt.timedelta(days=1)),
    }


def build_digests(
    now: dt.datetime | None = None, skip_units: AbstractSet[int] = frozenset()
) -> list[UnitDigest]:
    """The digest of every unit that has something to hear for the day of `now`: one GROUP BY for the counts and one query
    per section for the few numbers listed (window function: the first LISTED per unit by deadline)."""
    now = now or timezone.now()
    sections = _sections(now)
    held = Case.objects.filter(state__in=Case.UNIT_STATES, unit__isnull=False).exclude(unit_id__in=skip_units)
    grouped = held.values("unit_id").annotate(
        **{name: Count("id", filter=condition) for name, condition in sections.items()}
    )
    counts = [row for row in grouped if any(row[name] for name in sections)]
    units = Unit.objects.in_bulk([row["unit_id"] for row in counts])
    listed: dict[tuple[int | None, str], list[Case]] = defaultdict(list)
    for name, condition in sections.items():
        ranked = (
            held.filter(condition, unit_id__in=units)
            .annotate(rank=Window(RowNumber(), partition_by=[F("unit_id")], order_by=[F("deadline").asc()]))
            .filter(rank__lte=LISTED)
            .only("unit_id", "number", "category_name", "description", "deadline")
            .order_by("unit_id", "deadline")
        )
        for case in ranked:
            listed[(case.unit_id, name)].append(case)
    day = timezone.localdate(now)
    return [
        UnitDigest(
            unit=units[row["unit_id"]],
            day=day,
            sections={name: Section(name, row[name], listed[(row["unit_id"], name)]) for name in sections},
        )
        for row in counts
    ]


def send_daily_digests(now: dt.datetime | None = None) -> int:
    """Send today's digests not sent yet, once `CASE_DIGEST_HOUR` has come; returns how many units were told."""
    now = now or timezone.now()
    local = timezone.localtime(now)
    if local.hour < settings.CASE_DIGEST_HOUR:
        return 0
    prefix = f"digest:{local.date().isoformat()}:"
    keys = set()
    for model in (Notification, Delivery):  # a unit without accounts is told by SMS or robot only
        keys |= set(model.objects.filter(dedupe_key__startswith=prefix).values_list("dedupe_key", flat=True))
    sent = {int(key.removeprefix(prefix)) for key in keys}
    told = 0
    url = reverse("cases:list") + "?queue=to_rectify"
    for digest in build_digests(now, skip_units=sent):
        notify_unit(
            digest.unit,
            kind="digest",
            title=digest.title(),
            body=digest.body(),
            url=url,
            dedupe_key=digest.dedupe_key,
        )
        told += 1
    return told
