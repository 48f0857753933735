"""Background delivery. Each delivery is locked while it is sent, so two workers never send the same one."""

from __future__ import annotations

from celery import shared_task
from django.db import transaction
from django.utils import timezone

from core import periodic
from notify import channels
from notify.models import Delivery


def send_delivery(delivery_id: int) -> str:
    with transaction.atomic():
        delivery = Delivery.objects.select_for_update(skip_locked=True).filter(pk=delivery_id).first()
        if delivery is None or delivery.status != Delivery.Status.PENDING:
            return "skipped"
        delivery.attempts += 1
        try:
            channels.send(delivery)
        except channels.Undeliverable as exc:  # no retry can mend it: failed now, for the office to see
            delivery.error = str(exc)[:300]
            delivery.status = Delivery.Status.FAILED
        except Exception as exc:  # any failure of the outside world is recorded, then retried after a backoff
            delivery.error = str(exc)[:300]
            delivery.due_at = timezone.now() + delivery.backoff()
            if delivery.attempts >= Delivery.MAX_ATTEMPTS:
                delivery.status = Delivery.Status.FAILED
        else:
            delivery.status = Delivery.Status.SENT
            delivery.sent_at = timezone.now()
            delivery.error = ""
        delivery.save(update_fields=["status", "attempts", "error", "sent_at", "due_at"])
        return delivery.status


@shared_task
def deliver_pending() -> int:
    """Send every pending delivery that is due (not held for quiet hours nor waiting out a backoff); run after
    each commit that adds some, and every minute by Celery beat."""
    due = Delivery.objects.filter(status=Delivery.Status.PENDING, due_at__lte=timezone.now())
    ids = list(due.order_by("due_at").values_list("pk", flat=True)[:500])
    return sum(1 for pk in ids if send_delivery(pk) == Delivery.Status.SENT)


# Deliveries are also sent after each commit that adds some; this catches retries and a missed commit.
periodic.register("deliver-notifications", deliver_pending, seconds=60.0)
