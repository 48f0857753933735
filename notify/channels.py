"""The ways a delivery leaves the system. Each sender raises on failure; the task records it and retries later."""

from __future__ import annotations

import json
import logging
import urllib.request

from django.conf import settings
from django.core.mail import send_mail
from django.utils.module_loading import import_string

from notify.models import Channel, Delivery
from notify.targets import check_target, opener

logger = logging.getLogger("chuangwen.sms")


class LogSmsBackend:
    """The default SMS gateway: writes the message to the log. Replace with a provider's client in production."""

    def send(self, phone: str, text: str) -> None:
        logger.warning("SMS to %s: %s", phone, text)


def robot_message(text: str) -> bytes:
    # WeCom and DingTalk group robots both accept this text message shape.
    return json.dumps({"msgtype": "text", "text": {"content": text}}, ensure_ascii=False).encode()


def post_webhook(url: str, text: str) -> None:
    check_target(url, must_resolve=True)
    request = urllib.request.Request(
        url, data=robot_message(text), headers={"Content-Type": "application/json"}
    )
    with opener.open(request, timeout=10) as response:
        reply = json.loads(response.read() or b"{}")
    if reply.get("errcode", 0) != 0:
        raise RuntimeError(f"robot refused the message: {reply.get('errmsg', reply)}")


def send(delivery: Delivery) -> None:
    if delivery.channel == Channel.EMAIL:
        subject, _sep, body = delivery.text.partition("\n")
        send_mail(subject, body or subject, settings.DEFAULT_FROM_EMAIL, [delivery.address])
    elif delivery.channel == Channel.SMS:
        import_string(settings.SMS_BACKEND)().send(delivery.address, delivery.text)
    elif delivery.channel == Channel.WEBHOOK:
        post_webhook(delivery.address, delivery.text)
    else:
        raise ValueError(f"unknown channel {delivery.channel}")
