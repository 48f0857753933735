"""Finding 5 of the probe: behind nginx every request came from nginx's address, so one person could use up the
county's report limit. The client address comes from the proxy's header only when a proxy is declared."""

from __future__ import annotations

import pytest
from django.test import RequestFactory

from core.http import client_address


def _request(peer: str = "10.0.0.2", forwarded: str | None = None):
    request = RequestFactory().get("/", REMOTE_ADDR=peer)
    if forwarded is not None:
        request.META["HTTP_X_FORWARDED_FOR"] = forwarded
    return request


def test_without_a_proxy_a_forged_forwarded_header_is_ignored(settings):
    settings.BEHIND_PROXY = False
    assert client_address(_request("198.51.100.9", "1.2.3.4")) == "198.51.100.9"


def test_behind_the_proxy_the_address_is_what_the_proxy_appended(settings):
    settings.BEHIND_PROXY, settings.PROXY_HOPS = True, 1
    assert client_address(_request(forwarded="203.0.113.7")) == "203.0.113.7"
    # What the client prepended is its own word; the proxy's entry is the last one.
    assert client_address(_request(forwarded="1.2.3.4, 203.0.113.7")) == "203.0.113.7"


def test_two_hops_read_the_entry_the_outer_proxy_appended(settings):
    settings.BEHIND_PROXY, settings.PROXY_HOPS = True, 2
    assert client_address(_request(forwarded="1.2.3.4, 203.0.113.7, 10.0.0.5")) == "203.0.113.7"


@pytest.mark.parametrize(
    ("forwarded", "expected"),
    [
        ("203.0.113.7:51234", "203.0.113.7"),
        ("[2001:db8::1]:443", "2001:db8::1"),
        ("2001:db8::1", "2001:db8::1"),
        ("", "10.0.0.2"),
        ("unknown", "10.0.0.2"),
        ("<script>", "10.0.0.2"),
    ],
)
def test_a_malformed_header_falls_back_to_the_peer(settings, forwarded, expected):
    settings.BEHIND_PROXY, settings.PROXY_HOPS = True, 1
    assert client_address(_request(forwarded=forwarded)) == expected


def test_too_few_hops_fall_back_to_the_peer(settings):
    settings.BEHIND_PROXY, settings.PROXY_HOPS = True, 2
    assert client_address(_request(forwarded="203.0.113.7")) == "10.0.0.2"
