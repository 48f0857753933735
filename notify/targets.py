"""Where a robot webhook may post. A webhook is a URL the office types in and the server then requests: pointed at
127.0.0.1, a private address or the cloud's metadata service, it would make the server reach what only the server
can reach. Such targets are refused unless WEBHOOK_ALLOW_PRIVATE says this county's robots live on its intranet.
The address is checked when the webhook is saved and again before every post (a name can resolve elsewhere later),
and redirects are not followed."""

from __future__ import annotations

import ipaddress
import socket
import urllib.request
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class RefusedTarget(ValidationError):
    """A target refused by rule (not http(s), a private address, a redirect): sending again cannot help, so a
    delivery to it fails at once instead of being retried."""


def addresses(host: str) -> list[ipaddress.IPv4Address | ipaddress.IPv6Address]:
    """The host's addresses: itself when it is one, else what it resolves to (nothing when it does not)."""
    try:
        return [ipaddress.ip_address(host)]
    except ValueError:
        pass
    try:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except OSError:
        return []
    return [ipaddress.ip_address(str(info[4][0]).split("%", 1)[0]) for info in infos]


def check_target(url: str, *, must_resolve: bool = False) -> None:
    """Refuse a URL that is not http(s), or whose host is (or resolves to) an address not on the public internet.
    `must_resolve`: a name that resolves to nothing is refused too (before posting; when saving it may be a name
    only the production network knows, and is checked again then)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise RefusedTarget({"url": _("A webhook URL starts with https:// or http://.")})
    if settings.WEBHOOK_ALLOW_PRIVATE:
        return
    found = addresses(parts.hostname)
    if must_resolve and not found:
        raise ValidationError(
            {"url": _("The webhook's host %(host)s cannot be found.") % {"host": parts.hostname}}
        )
    if any(not address.is_global for address in found):
        raise RefusedTarget(
            {
                "url": _("A webhook may not point at a private, loopback or link-local address (%(host)s).")
                % {"host": parts.hostname}
            }
        )


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        raise RefusedTarget(_("The webhook answered with a redirect, which is not followed."))


# The opener every post goes through: no redirects (a public host could send the post on to an internal one).
opener = urllib.request.build_opener(_NoRedirects)
