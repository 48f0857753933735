"""Sending notifications. Callers give a dedupe key that names the event (e.g. "case-123-overdue"); calling twice
with the same key changes nothing, so periodic jobs may run as often as they like.

`notify_many` sends many messages in a few queries, and is humane about it: a person who would get more than
`summary_over` new messages of one kind in one call gets one summary instead. The folded messages are still
written, one row per person and key as always, marked `folded` and born read, so that their keys count as sent and
a re-run sends neither them nor another summary; the inbox never lists them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.records import save_validated
from notify import routing
from notify.access import can_manage_webhooks, can_see_deliveries
from notify.models import Channel, Delivery, Notification, Preferences, WebhookEndpoint
from notify.targets import check_target
from notify.tasks import deliver_pending
from org.access import require
from org.actions import name_liaison
from org.models import Person, Unit


def _schedule_delivery() -> None:
    transaction.on_commit(deliver_pending.delay)


def _save_deliveries(deliveries: list[Delivery]) -> None:
    """Insert the deliveries, skipping any already there (same channel, address and key): nothing goes twice."""
    Delivery.objects.bulk_create(deliveries, batch_size=ROWS_PER_INSERT, ignore_conflicts=True)


@transaction.atomic
def notify_people(
    people: Iterable[Person],
    *,
    kind: str,
    title: str,
    dedupe_key: str,
    body: str = "",
    url: str = "",
    unit: Unit | None = None,
) -> list[Notification]:
    """An inbox entry for each person, and a delivery on each channel they chose for `kind` (notify.routing).
    The rows are written in the caller's transaction (a step rolled back tells nobody); sending starts on commit."""
    people = list(dict.fromkeys(people))
    created = []
    for person in people:
        notification, is_new = Notification.objects.get_or_create(
            recipient=person,
            dedupe_key=dedupe_key,
            defaults={"kind": kind, "title": title, "body": body, "url": url, "unit": unit},
        )
        if is_new:
            created.append(notification)
    _save_deliveries(routing.deliveries_for(created, routing.preferences_of(people)))
    _schedule_delivery()
    return created


@dataclass(frozen=True)
class Message:
    """One message for notify_many: an inbox entry for each of `people` (and an email to those with an address)."""

    people: Sequence[Person]
    kind: str
    title: str
    dedupe_key: str
    body: str = ""
    url: str = ""
    unit: Unit | None = None


# The title and link of a summary, from the kind of message it stands for and how many.
Summarize = Callable[[str, int], tuple[str, str]]

KEYS_PER_QUERY = 1000
ROWS_PER_INSERT = 1000  # PostgreSQL takes at most 65,535 parameters in one statement


def sent_pairs(keys: list[str]) -> set[tuple[int, str]]:
    """(recipient, key) pairs already notified, asked a thousand keys at a time rather than in one huge IN list."""
    sent: set[tuple[int, str]] = set()
    for start in range(0, len(keys), KEYS_PER_QUERY):
        chunk = keys[start : start + KEYS_PER_QUERY]
        sent.update(
            Notification.objects.filter(dedupe_key__in=chunk).values_list("recipient_id", "dedupe_key")
        )
    return sent


def _row(person: Person, message: Message, folded_at: dt.datetime | None = None) -> Notification:
    return Notification(
        recipient=person,
        dedupe_key=message.dedupe_key,
        kind=message.kind,
        title=message.title,
        body=message.body,
        url=message.url,
        unit=message.unit,
        folded=folded_at is not None,
        read_at=folded_at,
    )


def _summary(person: Person, kind: str, folded: list[Message], summarize: Summarize) -> Notification:
    """One notification standing for `folded`. Its key is a digest of theirs: a concurrent run folding the same
    messages writes the same key, which the database then refuses a second time."""
    title, url = summarize(kind, len(folded))
    digest = hashlib.sha1("\n".join(sorted(m.dedupe_key for m in folded)).encode()).hexdigest()[:20]
    body = "\n".join(m.title for m in folded[:10]) + ("\n…" if len(folded) > 10 else "")
    return Notification(
        recipient=person,
        dedupe_key=f"{kind}:summary:{digest}",
        kind=kind,
        title=title[:200],
        body=body,
        url=url,
        unit_id=person.unit_id,
    )


@transaction.atomic
def notify_many(
    messages: Iterable[Message], *, summary_over: int | None = None, summarize: Summarize | None = None
) -> list[Notification]:
    """Send `messages` in a few queries, skipping (person, key) pairs sent before; returns the new rows, folded
    ones included (summaries not). With `summary_over`, a person due more than that many new messages of one kind
    gets one summary (`summarize`) instead: a call should hold all of a tick's messages for the people it reaches.
    Deliveries go on each person's channels for what they see (a summary, not what it folds)."""
    messages = list(messages)
    sent = sent_pairs(sorted({m.dedupe_key for m in messages}))
    due: dict[tuple[int, str], list[tuple[Person, Message]]] = defaultdict(list)
    for message in messages:
        for person in message.people:
            if (person.pk, message.dedupe_key) not in sent:
                sent.add((person.pk, message.dedupe_key))
                due[(person.pk, message.kind)].append((person, message))
    now = timezone.now()
    rows: list[Notification] = []
    summaries: list[Notification] = []
    for (_pk, kind), entries in due.items():
        fold = summarize is not None and summary_over is not None and len(entries) > summary_over
        rows += [_row(person, message, folded_at=now if fold else None) for person, message in entries]
        if fold and summarize is not None:
            summaries.append(_summary(entries[0][0], kind, [message for _p, message in entries], summarize))
    if not rows:
        return []
    # Conflicts are ignored rather than raised: a concurrent run may have written a pair since it was looked up.
    Notification.objects.bulk_create([*rows, *summaries], batch_size=ROWS_PER_INSERT, ignore_conflicts=True)
    shown = [row for row in rows if not row.folded] + summaries
    prefs = routing.preferences_of(n.recipient for n in shown)
    _save_deliveries(routing.deliveries_for(shown, prefs))
    _schedule_delivery()
    return rows


@transaction.atomic
def notify_unit(
    unit: Unit,
    *,
    kind: str,
    title: str,
    dedupe_key: str,
    body: str = "",
    url: str = "",
    sms: bool = True,
    head_sms: bool = True,
    people: Iterable[Person] | None = None,
) -> list[Notification]:
    """The unit's people (everyone with an account there, or `people`) on their channels, SMS to its liaison's
    number and (with `head_sms`) its head's unless `sms` is off, and the unit's robot webhooks."""
    audience = unit.people.filter(is_active=True) if people is None else people
    created = notify_people(
        audience, kind=kind, title=title, body=body, url=url, dedupe_key=dedupe_key, unit=unit
    )
    text = f"【{unit.name}】" + routing.text_of(Notification(title=title, body=body, url=url))
    deliveries = routing.unit_sms(unit, kind, title, text, dedupe_key, head=head_sms) if sms else []
    deliveries += [
        Delivery(
            channel=Channel.WEBHOOK,
            address=endpoint.url,
            dedupe_key=dedupe_key,
            text=text,
            unit=unit,
            kind=kind,
        )
        for endpoint in WebhookEndpoint.objects.filter(is_active=True, unit=unit)
    ]
    _save_deliveries(deliveries)
    _schedule_delivery()
    return created


@transaction.atomic
def mark_read(person: Person, notification: Notification) -> None:
    if notification.recipient_id == person.pk and notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])


@transaction.atomic
def mark_all_read(person: Person) -> int:
    return person.notifications.filter(read_at__isnull=True).update(read_at=timezone.now())


@transaction.atomic
def save_webhook(actor: Person, endpoint: WebhookEndpoint | None, **fields) -> WebhookEndpoint:
    require(can_manage_webhooks(actor))
    check_target(fields.get("url") or (endpoint.url if endpoint else ""))
    endpoint = endpoint or WebhookEndpoint()
    return save_validated(endpoint, **fields)


@transaction.atomic
def retry_deliveries(actor: Person, deliveries: QuerySet[Delivery]) -> int:
    """Send failed deliveries again from now, with a fresh count of attempts; sent ones are never sent again."""
    require(can_see_deliveries(actor))
    count = deliveries.filter(status=Delivery.Status.FAILED).update(
        status=Delivery.Status.PENDING, attempts=0, due_at=timezone.now()
    )
    _schedule_delivery()
    return count


@transaction.atomic
def save_preferences(
    actor: Person, preferences: Preferences, channels: dict[str, list[str]], **fields: Any
) -> Preferences:
    """A person's own choices: which kinds reach them on which channel, quiet hours, their work-app accounts."""
    require(preferences.person_id == actor.pk)
    preferences.channels = {kind: sorted(chosen) for kind, chosen in channels.items()}
    return save_validated(preferences, **fields)


@transaction.atomic
def appoint_liaison(actor: Person, unit: Unit, name: str, phone: str) -> bool:
    """The unit names its liaison (org.actions.name_liaison, with its audit row); the unit's people hear of it and
    the new liaison gets an SMS at once, as they will for every step of the unit's cases. False: nothing changed."""
    change = name_liaison(actor, unit, name, phone)
    if change is None:
        return False
    unit.refresh_from_db(fields=["liaison_name", "liaison_phone"])
    title = _("%(unit)s names its liaison: %(name)s %(phone)s") % {
        "unit": unit.name,
        "name": name or "—",
        "phone": phone or "—",
    }
    notify_unit(
        unit,
        kind="liaison-named",
        title=title,
        dedupe_key=f"liaison-named:{change.pk}",
        url=reverse("notify:liaison"),
        head_sms=False,
    )
    return True
