"""Sending notifications. Callers give a dedupe key that names the event (e.g. "case-123-overdue"); calling twice
with the same key changes nothing, so periodic jobs may run as often as they like."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from core.records import save_validated
from notify.models import Channel, Delivery, Notification, WebhookEndpoint
from org.access import can_manage_org, require
from org.models import Person, Unit


def _schedule_delivery() -> None:
    from notify.tasks import deliver_pending

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
    require(can_manage_org(actor))
    endpoint = endpoint or WebhookEndpoint()
    return save_validated(endpoint, **fields)
