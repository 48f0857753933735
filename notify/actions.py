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

from django.db import transaction
from django.utils import timezone

from core.records import save_validated
from notify.access import can_manage_webhooks
from notify.models import Channel, Delivery, Notification, WebhookEndpoint
from notify.targets import check_target
from notify.tasks import deliver_pending
from org.access import require
from org.models import Person, Unit


def _schedule_delivery() -> None:
    transaction.on_commit(deliver_pending.delay)


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
    """An inbox entry for each person, and an email to those who have an address."""
    created = []
    for person in people:
        notification, is_new = Notification.objects.get_or_create(
            recipient=person,
            dedupe_key=dedupe_key,
            defaults={"kind": kind, "title": title, "body": body, "url": url, "unit": unit},
        )
        if is_new:
            created.append(notification)
            if person.email:
                Delivery.objects.get_or_create(
                    channel=Channel.EMAIL,
                    address=person.email,
                    dedupe_key=dedupe_key,
                    defaults={"text": f"{title}\n{body}", "unit": unit},
                )
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
    Emails go to the people who have an address, for what they see (a summary, not what it folds)."""
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
    emails = [
        Delivery(
            channel=Channel.EMAIL,
            address=n.recipient.email,
            dedupe_key=n.dedupe_key,
            text=f"{n.title}\n{n.body}",
            unit_id=n.unit_id,
        )
        for n in shown
        if n.recipient.email
    ]
    Delivery.objects.bulk_create(emails, batch_size=ROWS_PER_INSERT, ignore_conflicts=True)
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
) -> list[Notification]:
    """Everyone with an account in the unit, SMS to its head and liaison, and the unit's robot webhooks."""
    created = notify_people(
        unit.people.filter(is_active=True),
        kind=kind,
        title=title,
        body=body,
        url=url,
        dedupe_key=dedupe_key,
        unit=unit,
    )
    text = f"【{unit.name}】{title}" + (f"\n{body}" if body else "")
    addresses = []
    if sms:
        addresses += [(Channel.SMS, phone) for phone in {unit.head_phone, unit.liaison_phone} if phone]
    endpoints = WebhookEndpoint.objects.filter(is_active=True, unit=unit)
    addresses += [(Channel.WEBHOOK, endpoint.url) for endpoint in endpoints]
    for channel, address in addresses:
        Delivery.objects.get_or_create(
            channel=channel, address=address, dedupe_key=dedupe_key, defaults={"text": text, "unit": unit}
        )
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
