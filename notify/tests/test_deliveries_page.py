"""The office sees every delivery with its state and error, and retries the failed ones; nobody else does."""

from __future__ import annotations

from django.urls import reverse

from notify.models import Channel, Delivery


def _failed() -> Delivery:
    return Delivery.objects.create(
        channel=Channel.SMS,
        address="13800000001",
        text="新派案件",
        dedupe_key="k1",
        status=Delivery.Status.FAILED,
        attempts=Delivery.MAX_ATTEMPTS,
        error="isv.BUSINESS_LIMIT_CONTROL",
    )


def test_the_office_sees_failed_deliveries_and_retries_them(
    county, login, settings, django_capture_on_commit_callbacks
):
    settings.SMS_BACKEND = "notify.backends.LogBackend"
    failed = _failed()
    Delivery.objects.create(channel=Channel.EMAIL, address="a@example.gov.cn", text="t", dedupe_key="k2")
    client = login(county.office_admin)
    page = client.get(reverse("notify:deliveries") + "?status=failed")
    assert [d.pk for d in page.context["page"]] == [failed.pk]
    assert "isv.BUSINESS_LIMIT_CONTROL" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("notify:delivery_retry"), {"pk": failed.pk})
    failed.refresh_from_db()
    assert failed.status == Delivery.Status.SENT and failed.attempts == 1  # sent again at once (on commit)


def test_nobody_else_sees_or_retries_deliveries(county, login):
    failed = _failed()
    for person in (county.handler_a, county.leader, county.inspector):
        client = login(person)
        assert client.get(reverse("notify:deliveries")).status_code == 403
        assert client.post(reverse("notify:delivery_retry"), {"pk": failed.pk}).status_code == 403
    failed.refresh_from_db()
    assert failed.status == Delivery.Status.FAILED
