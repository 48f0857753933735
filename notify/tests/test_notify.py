"""Notifications: once per event, delivered once, over each channel; the inbox shows only one's own."""

from __future__ import annotations

import datetime as dt
import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from notify.actions import notify_unit
from notify.models import Channel, Delivery, Notification, WebhookEndpoint
from notify.tasks import deliver_pending

SENT: list[tuple[str, str]] = []


class RecordingSms:
    def send(self, phone: str, message) -> None:
        SENT.append((phone, message.text))


DAYTIME = dt.datetime(2026, 11, 24, 2, 0, tzinfo=dt.UTC)  # 10:00 in Shanghai, outside quiet hours


@pytest.fixture(autouse=True)
def _daytime():
    with time_machine.travel(DAYTIME, tick=False) as traveller:
        yield traveller


@pytest.fixture(autouse=True)
def _sms(settings):
    settings.SMS_BACKEND = "notify.tests.test_notify.RecordingSms"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    SENT.clear()


@pytest.fixture
def robot():
    """A local stand-in for a WeCom robot: records what it receives, answers like the real one."""
    received: list[dict] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            received.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
            body = json.dumps({"errcode": 0, "errmsg": "ok"}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/cgi-bin/webhook/send", received
    server.shutdown()


def _unit_with_contacts(county):
    town = county.town_a
    town.head_phone, town.liaison_phone = "13800000001", "13800000002"
    town.save()
    county.handler_a.email = "handler@example.gov.cn"
    county.handler_a.save()
    return town


def test_it_notifies_a_unit_once_per_event(county, django_capture_on_commit_callbacks):
    town = _unit_with_contacts(county)
    with django_capture_on_commit_callbacks(execute=True):
        notify_unit(town, kind="reminder", title="请于今日前完成整改", dedupe_key="case-1-reminder")
        notify_unit(town, kind="reminder", title="请于今日前完成整改", dedupe_key="case-1-reminder")
    assert Notification.objects.filter(recipient=county.handler_a).count() == 1
    assert Notification.objects.filter(recipient=county.head_a).count() == 1
    assert not Notification.objects.filter(recipient=county.handler_b).exists()
    assert sorted(phone for phone, _ in SENT) == ["13800000001", "13800000002"]
    assert len(mail.outbox) == 1 and mail.outbox[0].subject == "请于今日前完成整改"


def test_a_second_worker_run_sends_nothing_again(county):
    town = _unit_with_contacts(county)
    notify_unit(town, kind="reminder", title="催办", dedupe_key="k")
    assert deliver_pending() == 3  # two SMS and one email
    assert deliver_pending() == 0
    assert len(SENT) == 2


def test_a_robot_webhook_gets_the_message(county, robot, settings):
    settings.WEBHOOK_ALLOW_PRIVATE = True  # the stand-in robot listens on 127.0.0.1
    url, received = robot
    WebhookEndpoint.objects.create(name="城关街道工作群", unit=county.town_a, url=url)
    notify_unit(
        county.town_a, kind="overdue", title="案件已超期", body="2026-000123", dedupe_key="o1", sms=False
    )
    deliver_pending()
    assert received == [{"msgtype": "text", "text": {"content": "【城关街道】案件已超期\n2026-000123"}}]
    assert Delivery.objects.get(channel=Channel.WEBHOOK).status == Delivery.Status.SENT


def test_a_failing_channel_is_retried_with_backoff_then_given_up(county, settings, _daytime):
    settings.WEBHOOK_ALLOW_PRIVATE = True
    WebhookEndpoint.objects.create(name="坏地址", unit=county.town_a, url="http://127.0.0.1:9/nothing")
    notify_unit(county.town_a, kind="x", title="t", dedupe_key="f", sms=False)
    deliver_pending()
    delivery = Delivery.objects.get(channel=Channel.WEBHOOK)
    assert delivery.attempts == 1 and delivery.due_at == DAYTIME + dt.timedelta(minutes=1)
    deliver_pending()  # waiting out the backoff: not tried again yet
    delivery.refresh_from_db()
    assert delivery.attempts == 1
    for _ in range(Delivery.MAX_ATTEMPTS - 1):
        _daytime.shift(dt.timedelta(minutes=20))
        deliver_pending()
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.FAILED and delivery.attempts == Delivery.MAX_ATTEMPTS
    assert delivery.error


def test_the_inbox_shows_only_ones_own_and_marks_read(county, login):
    notify_unit(county.town_a, kind="x", title="给城关街道", dedupe_key="a", url="/org/units/", sms=False)
    notify_unit(county.town_b, kind="x", title="给柳河镇", dedupe_key="b", sms=False)
    client = login(county.handler_a)
    page = client.get(reverse("notify:inbox"))
    assert "给城关街道" in page.content.decode() and "给柳河镇" not in page.content.decode()
    assert page.context["unread_count"] == 1
    other = Notification.objects.get(recipient=county.handler_b)
    assert client.post(reverse("notify:open", args=[other.pk])).status_code == 404
    mine = Notification.objects.get(recipient=county.handler_a)
    assert client.post(reverse("notify:open", args=[mine.pk]))["Location"] == "/org/units/"
    mine.refresh_from_db()
    assert mine.is_read()


def test_only_the_office_manages_webhooks(county, login):
    data = {
        "name": "群",
        "unit": county.town_a.pk,
        "url": "https://qyapi.weixin.qq.com/x",
        "format": "wecom",
        "is_active": "on",
    }
    assert login(county.handler_a).post(reverse("notify:webhook_create"), data).status_code == 403
    assert not WebhookEndpoint.objects.exists()
    assert login(county.office_admin).post(reverse("notify:webhook_create"), data).status_code == 302
    assert WebhookEndpoint.objects.get().unit == county.town_a
