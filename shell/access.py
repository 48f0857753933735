"""Who may change what the shell's pages show, and who may read the metrics."""

from __future__ import annotations

import hmac
import ipaddress

from django.conf import settings
from django.http import HttpRequest

from core.http import client_address
from org.access import is_office_admin
from org.models import Person


def can_edit_calendar(person: Person) -> bool:
    return is_office_admin(person)


def can_read_metrics(request: HttpRequest) -> bool:
    """The scraper: with METRICS_TOKEN set, whoever sends it as a bearer token; without, only this machine."""
    if settings.METRICS_TOKEN:
        sent = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
        return hmac.compare_digest(sent.encode(), settings.METRICS_TOKEN.encode())
    return ipaddress.ip_address(client_address(request)).is_loopback
