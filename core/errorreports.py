"""Error reports to Sentry (or a compatible server such as GlitchTip), only when `SENTRY_DSN` is set.

Citizens' phone numbers and names must not leave the county's servers in an error report. Three layers:
`send_default_pii=False` (no user, cookies, client address or request body by default); the SDK's own scrubber
with the project's personal keys added (`phone`, `reporter_name`, `full_name` …), applied recursively, so a
local variable or form field of that name is "[Filtered]" wherever it sits; and `scrub`, which replaces anything
that looks like a Chinese mobile or landline number in every remaining string (messages, exception values,
breadcrumbs, other locals), since a number also hides in free text ("请联系13812345678").
"""

from __future__ import annotations

import re
from typing import Any

# Keys whose values are a person's name, phone or identity, besides the SDK's defaults (passwords, tokens …).
PERSONAL_KEYS = [
    "phone",
    "phone_number",
    "mobile",
    "reporter_phone",
    "reporter_name",
    "full_name",
    "head_name",
    "head_phone",
    "contact",
    "contact_phone",
    "name",
    "username",
    "email",
    "id_card",
    "address",
    "description",
]
# A mainland mobile number (optionally +86), or a landline with its area code; digits around it end the match.
PHONE = re.compile(r"(?<!\d)(?:(?:\+?86[- ]?)?1[3-9]\d{9}|0\d{2,3}-?\d{7,8})(?!\d)")
FILTERED = "[Filtered]"


def scrub_text(text: str) -> str:
    return PHONE.sub(FILTERED, text)


def _scrub(value: Any, depth: int = 0) -> Any:
    if depth > 20:  # a pathological event is cut, not walked for ever
        return value
    if isinstance(value, str):
        return scrub_text(value)
    if isinstance(value, dict):
        return {key: _scrub(item, depth + 1) for key, item in value.items()}
    if isinstance(value, list):
        return [_scrub(item, depth + 1) for item in value]
    if isinstance(value, tuple):
        return tuple(_scrub(item, depth + 1) for item in value)
    return value


def scrub(event: Any, hint: Any = None) -> Any:
    """`before_send`/`before_breadcrumb`: the event with every phone number replaced, and no user but an id."""
    cleaned = _scrub(event)
    user = cleaned.get("user")
    if isinstance(user, dict):
        cleaned["user"] = {"id": user["id"]} if "id" in user else {}
    return cleaned


def init(dsn: str, *, environment: str, release: str, traces_sample_rate: float) -> None:
    """Called from settings when `SENTRY_DSN` is set (and only then)."""
    import sentry_sdk
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration
    from sentry_sdk.scrubber import DEFAULT_DENYLIST, DEFAULT_PII_DENYLIST, EventScrubber

    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        release=release or None,
        traces_sample_rate=traces_sample_rate,
        send_default_pii=False,
        max_request_body_size="never",
        event_scrubber=EventScrubber(
            denylist=[*DEFAULT_DENYLIST, *PERSONAL_KEYS], pii_denylist=DEFAULT_PII_DENYLIST, recursive=True
        ),
        before_send=scrub,
        before_send_transaction=scrub,
        before_breadcrumb=scrub,
        integrations=[DjangoIntegration(), CeleryIntegration()],
    )
