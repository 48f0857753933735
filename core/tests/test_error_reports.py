"""Issue 20.24: Sentry only when SENTRY_DSN is set, and no citizen's phone number or name in what it sends."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any

import pytest

from core import errorreports

PROBE = """
import json, django, sentry_sdk
django.setup()
client = sentry_sdk.get_client()
options = client.options if client.is_active() else {}
print(json.dumps({"active": client.is_active(), "dsn": options.get("dsn"), "pii": options.get("send_default_pii"),
                  "scrubs": options.get("before_send") is not None}))
"""


def _probe(**env: str) -> dict:
    environment = {k: v for k, v in os.environ.items() if k != "SENTRY_DSN"}
    environment.update(env)
    done = subprocess.run(
        [sys.executable, "-c", PROBE],
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_sentry_is_off_without_a_dsn():
    assert _probe() == {"active": False, "dsn": None, "pii": None, "scrubs": False}


def test_sentry_starts_with_a_dsn_and_sends_no_personal_data():
    dsn = "https://public@sentry.example.invalid/7"
    assert _probe(SENTRY_DSN=dsn) == {"active": True, "dsn": dsn, "pii": False, "scrubs": True}


@pytest.mark.parametrize(
    "text",
    [
        "请联系13812345678核实",
        "tel +86 139-0000 no: +8613900001111",
        "座机0531-88886666转",
        "call 053188886666",
    ],
)
def test_the_scrubber_removes_phone_numbers_from_free_text(text):
    cleaned = errorreports.scrub_text(text)
    assert not any(number in cleaned for number in ("13812345678", "13900001111", "88886666"))
    assert errorreports.FILTERED in cleaned


def test_the_scrubber_leaves_other_numbers():
    assert errorreports.scrub_text("case 2026120100001 took 12345 ms") == "case 2026120100001 took 12345 ms"


def test_an_event_loses_phones_everywhere_and_the_user_keeps_only_an_id():
    event = {
        "message": "report from 13812345678 failed",
        "exception": {
            "values": [
                {
                    "value": "ValueError('13987654321')",
                    "stacktrace": {"frames": [{"vars": {"note": "回电 15011112222", "count": 3}}]},
                }
            ]
        },
        "breadcrumbs": {"values": [{"message": "SELECT … WHERE phone = '18600001111'"}]},
        "user": {"id": 42, "username": "张三", "email": "z@example.com", "ip_address": "10.0.0.1"},
        "extra": {"phones": ["13700001111", ("0531-88886666",)]},
    }

    cleaned = json.dumps(errorreports.scrub(event), ensure_ascii=False)

    for secret in ("13812345678", "13987654321", "15011112222", "18600001111", "13700001111", "88886666"):
        assert secret not in cleaned
    assert "张三" not in cleaned and "z@example.com" not in cleaned and "10.0.0.1" not in cleaned
    assert '"count": 3' in cleaned and '"id": 42' in cleaned


def test_the_sdk_scrubber_filters_names_by_key():
    from sentry_sdk.scrubber import DEFAULT_DENYLIST, EventScrubber

    scrubber = EventScrubber(denylist=[*DEFAULT_DENYLIST, *errorreports.PERSONAL_KEYS], recursive=True)
    event: Any = {"request": {"data": {"reporter_name": "李四", "full_name": "王五", "category": "0102"}}}
    scrubber.scrub_event(event)
    sent = json.dumps(event, ensure_ascii=False, default=lambda annotated: annotated.value)
    assert "李四" not in sent and "王五" not in sent and errorreports.FILTERED in sent
    assert event["request"]["data"]["category"] == "0102"
