"""The ways a delivery leaves the system. Each sender raises on failure; the task records it and retries later,
except a failure no retry can mend (`Undeliverable`), which fails the delivery at once."""

from __future__ import annotations

import json
import urllib.request

from django.conf import settings
from django.core.mail import send_mail
from django.utils.module_loading import import_string

from notify.backends import Backend, Outgoing
from notify.models import Channel, Delivery
from notify.targets import RefusedTarget, check_target, opener


class Undeliverable(Exception):
    """The delivery cannot succeed however often it is tried (a refused target, an unknown channel)."""


# The personal channels with a backend named in settings (notify.backends).
BACKEND_CHANNELS = frozenset({Channel.SMS.value, Channel.WECOM.value, Channel.DINGTALK.value})


def backend(channel: str) -> Backend:
    paths = {
        Channel.SMS.value: settings.SMS_BACKEND,
        Channel.WECOM.value: settings.WECOM_BACKEND,
        Channel.DINGTALK.value: settings.DINGTALK_BACKEND,
    }
    return import_string(paths[channel])()


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
    elif delivery.channel in BACKEND_CHANNELS:
        message = Outgoing(text=delivery.text, params=delivery.params, key=delivery.dedupe_key)
        backend(delivery.channel).send(delivery.address, message)
    elif delivery.channel == Channel.WEBHOOK:
        try:
            post_webhook(delivery.address, delivery.text)
        except RefusedTarget as refused:
            raise Undeliverable(" ".join(refused.messages)) from refused
    else:
        raise Undeliverable(f"unknown channel {delivery.channel}")
