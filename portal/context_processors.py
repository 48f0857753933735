"""What the base template needs to draw the public pages in elder-friendly mode and to offer the switch."""

from __future__ import annotations

from django.http import HttpRequest

from portal import elder


def elder_mode(request: HttpRequest) -> dict:
    return {"elder_mode": elder.is_on(request)}
