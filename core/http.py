"""The request as views see it: its htmx details for the type checker, and the address of the person who sent it."""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest
from django.utils.http import content_disposition_header
from django_htmx.middleware import HtmxDetails


class HtmxRequest(HttpRequest):
    htmx: HtmxDetails


def client_address(request: HttpRequest) -> str:
    """The sender's IP address, for rate limits, lockouts and the audit log.

    Without a proxy it is the socket's peer (`REMOTE_ADDR`); `X-Forwarded-For` is ignored, since anyone can send it.
    Behind `PROXY_HOPS` trusted proxies (`BEHIND_PROXY`) it is the entry the outermost trusted proxy appended to
    `X-Forwarded-For`: counting from the right, because each proxy appends what it saw and a client can only prepend.
    A missing or malformed header falls back to the peer, so a broken proxy costs precision, never a 500.
    """
    peer = request.META.get("REMOTE_ADDR") or "0.0.0.0"  # a unix-socket peer has no address
    if not settings.BEHIND_PROXY:
        return peer
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    if len(hops) < settings.PROXY_HOPS:
        return peer
    return _address(hops[-settings.PROXY_HOPS]) or peer


def _address(text: str) -> str:
    """An IP address written as proxies write it (with or without a port or brackets), or "" when it is not one."""
    if text.startswith("["):  # [2001:db8::1]:443
        text = text[1:].partition("]")[0]
    elif text.count(":") == 1:  # 203.0.113.7:51234
        text = text.partition(":")[0]
    try:
        return str(ipaddress.ip_address(text))
    except ValueError:
        return ""


def safe_filename(name: str) -> str:
    """A document's file name as it is downloaded or saved: no path separators ("街道/乡镇" would cut the name),
    no characters Windows refuses, at most 200 characters with the extension kept. The response header carries
    it per RFC 6266 (`filename*`, UTF-8), which Django's FileResponse writes."""
    cleaned = "".join(
        "－" if ch in "/\\" else ("_" if ch in ':*?"<>|' or ord(ch) < 32 else ch) for ch in name
    )
    if len(cleaned) > 200:
        stem, _, ext = cleaned.rpartition(".")
        cleaned = f"{stem[: 199 - len(ext)]}.{ext}"
    return cleaned


def attachment(name: str) -> str:
    """The Content-Disposition of a download named `name` (made safe): RFC 6266, the UTF-8 name in `filename*`,
    so a Chinese name reaches every browser whole."""
    return content_disposition_header(True, safe_filename(name)) or ""
