"""Sign-in pressure: who must solve a captcha, which address is throttled, which account is locked.

Lockout (django-axes) keys on the account *and* the address together, so a stranger elsewhere cannot lock a person
out by typing wrong passwords for them. Guessing is slowed in two more ways: after LOGIN_CAPTCHA_AFTER failures
for an account (from any address) or from an address (for any account) the form asks a captcha, and an address
with LOGIN_FAILURES_PER_IP failures is refused for the rest of the window, whichever accounts it tried."""

from __future__ import annotations

from axes.models import AccessAttempt  # type: ignore[import-untyped]
from axes.utils import reset  # type: ignore[import-untyped]
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest
from django_ratelimit.core import get_usage

from core.http import client_address
from org.models import Person

GROUP = "sign-in-failures"


def _address(group: str, request: HttpRequest) -> str:
    return client_address(request)


def address_failures(request: HttpRequest, record: bool = False) -> int:
    usage = get_usage(
        request, group=GROUP, key=_address, rate=settings.LOGIN_FAILURES_PER_IP, increment=record
    )
    return usage["count"] if usage else 0


def record_failure(request: HttpRequest) -> None:
    address_failures(request, record=True)


def address_throttled(request: HttpRequest) -> bool:
    limit = int(settings.LOGIN_FAILURES_PER_IP.split("/", 1)[0])
    return address_failures(request) >= limit


def account_failures(username: str) -> int:
    rows = AccessAttempt.objects.filter(username=username)
    return rows.aggregate(n=Sum("failures_since_start"))["n"] or 0


def needs_captcha(request: HttpRequest, username: str) -> bool:
    after = settings.LOGIN_CAPTCHA_AFTER
    return address_failures(request) >= after or (bool(username) and account_failures(username) >= after)


def is_locked(person: Person) -> bool:
    """Locked from at least one address (the lockout is per account and address)."""
    return AccessAttempt.objects.filter(
        username=person.username, failures_since_start__gte=settings.AXES_FAILURE_LIMIT
    ).exists()


def clear_failures(person: Person) -> int:
    """Forget the account's failed sign-ins everywhere: the lockouts and the captcha step."""
    return reset(username=person.username)
