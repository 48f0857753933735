"""Sending and reading notifications. Sending is idempotent: the same key to the same person is sent once."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from notify.models import Notification
from org.models import Person


def notify(recipients: Iterable[Person], key: str, subject: str, body: str = "", url: str = "") -> int:
    """Put a message in each recipient's inbox unless they already have this key; returns how many were new."""
    rows = [Notification(recipient=p, key=key, subject=subject, body=body, url=url) for p in recipients]
    if not rows:
        return 0
    with transaction.atomic():
        before = Notification.objects.filter(key=key).count()
        Notification.objects.bulk_create(rows, ignore_conflicts=True)
        return Notification.objects.filter(key=key).count() - before


def mark_read(person: Person, notification_ids: Iterable[int] | None = None) -> int:
    """Mark the person's own notifications read (all of them when no ids are given)."""
    unread = Notification.objects.filter(recipient=person, read_at__isnull=True)
    if notification_ids is not None:
        unread = unread.filter(pk__in=list(notification_ids))
    return unread.update(read_at=timezone.now())
