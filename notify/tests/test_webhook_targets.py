"""Finding 16 of the probe: a webhook could target internal addresses (the server then posts wherever it is told).
Private, loopback and link-local targets are refused when saved and before each post, unless a setting allows."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from notify.actions import notify_unit, save_webhook
from notify.models import Channel, Delivery, WebhookEndpoint
from notify.tasks import deliver_pending

INTERNAL = [
    "http://127.0.0.1:6379/",
    "http://localhost/cgi-bin/webhook/send",
    "http://10.0.0.5/hook",
    "http://192.168.1.1/",
    "http://169.254.169.254/latest/meta-data/",
    "http://[::1]/",
    "http://0.0.0.0/",
    "http://2130706433/",  # 127.0.0.1 as one number
]


@pytest.mark.parametrize("url", INTERNAL)
def test_webhooks_may_not_target_internal_addresses(county, url):
    with pytest.raises(ValidationError):
        save_webhook(county.office_admin, None, name="内网", unit=county.town_a, url=url, format="wecom")
    assert not WebhookEndpoint.objects.exists()


def test_webhooks_may_not_target_internal_addresses_through_the_form(county, login):
    data = {
        "name": "群",
        "unit": county.town_a.pk,
        "url": "http://127.0.0.1/x",
        "format": "wecom",
        "is_active": "on",
    }
    response = login(county.office_admin).post(reverse("notify:webhook_create"), data)
    assert response.status_code == 200 and response.context["form"].errors["url"]
    assert not WebhookEndpoint.objects.exists()


def test_webhooks_may_target_a_public_address(county):
    endpoint = save_webhook(
        county.office_admin, None, name="群", unit=county.town_a, url="https://1.2.3.4/x", format="wecom"
    )
    assert endpoint.pk


def test_webhooks_may_target_internal_addresses_when_the_setting_allows(county, settings):
    settings.WEBHOOK_ALLOW_PRIVATE = True
    save_webhook(county.office_admin, None, name="内网", unit=county.town_a, url=INTERNAL[2], format="wecom")
    assert WebhookEndpoint.objects.count() == 1


def test_a_post_to_an_internal_address_fails_without_connecting(county):
    """A row written before the rule (or a name that now resolves inside) is checked again before the post."""
    WebhookEndpoint.objects.create(name="旧", unit=county.town_a, url="http://127.0.0.1:9/nothing")
    notify_unit(county.town_a, kind="x", title="t", dedupe_key="f", sms=False)
    deliver_pending()
    delivery = Delivery.objects.get(channel=Channel.WEBHOOK)
    assert "private, loopback or link-local" in delivery.error


def test_a_webhook_refused_as_a_private_target_fails_at_once_without_retries(county):
    """Issue 20.16's follow-up: a refusal by rule is not an outage; retrying it 5 times over half an hour only
    hides the failure from the office."""
    WebhookEndpoint.objects.create(name="旧", unit=county.town_a, url="http://10.0.0.8/robot")
    notify_unit(county.town_a, kind="x", title="t", dedupe_key="private-once", sms=False)

    deliver_pending()

    delivery = Delivery.objects.get(channel=Channel.WEBHOOK)
    assert delivery.status == Delivery.Status.FAILED
    assert delivery.attempts == 1
    assert "private, loopback or link-local" in delivery.error


def test_a_webhook_that_fails_in_transit_is_still_retried(county, monkeypatch):
    def unreachable(url, text):
        raise OSError("connection reset")

    monkeypatch.setattr("notify.channels.post_webhook", unreachable)
    WebhookEndpoint.objects.create(name="外网", unit=county.town_a, url="https://1.2.3.4/robot")
    notify_unit(county.town_a, kind="x", title="t", dedupe_key="transient", sms=False)

    deliver_pending()

    delivery = Delivery.objects.get(channel=Channel.WEBHOOK)
    assert delivery.status == Delivery.Status.PENDING and delivery.attempts == 1
    assert "connection reset" in delivery.error
