"""The replica router's rules that need no replica (the real streaming replica: chuangwen/tests/test_replicas.py)."""

from __future__ import annotations

from types import SimpleNamespace

from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory

from core import replicas


def _through_middleware(request: HttpRequest) -> tuple[HttpResponse, list[bool]]:
    """The response, and whether the view ran pinned to the primary."""
    seen: list[bool] = []

    def view(request: HttpRequest) -> HttpResponse:
        with replicas.reading():
            seen.append(replicas._pinned.get())
        return HttpResponse("ok")

    return replicas.PrimaryAfterWriteMiddleware(view)(request), seen


def test_without_replicas_everything_is_the_primary(settings):
    settings.DATABASE_REPLICAS = []
    router = replicas.ReplicaRouter()
    with replicas.reading():
        assert router.db_for_read(None) == "default"
    assert router.db_for_write(None) == "default"
    assert router.allow_migrate("replica1", "cases") is False and router.allow_migrate("default", "cases")
    response, _ = _through_middleware(RequestFactory().post("/x/"))
    assert replicas.WROTE_COOKIE not in response.cookies  # nothing to mark without replicas


def test_a_write_pins_this_browser_to_the_primary_for_a_while(settings, monkeypatch):
    settings.DATABASE_REPLICAS, settings.REPLICA_STICKY_SECONDS = ["replica1"], 15
    # The middleware's own clock, fixed: the rule is about seconds since the write, not about this machine's speed.
    monkeypatch.setattr(replicas, "time", SimpleNamespace(time=lambda: 1_000_000.0))
    response, seen = _through_middleware(RequestFactory().post("/x/"))
    assert seen == [True]
    cookie = response.cookies[replicas.WROTE_COOKIE]
    assert cookie["max-age"] == 15 and cookie["httponly"]

    after = RequestFactory().get("/x/")
    after.COOKIES[replicas.WROTE_COOKIE] = cookie.value
    assert _through_middleware(after)[1] == [True]

    stale = RequestFactory().get("/x/")
    stale.COOKIES[replicas.WROTE_COOKIE] = f"{1_000_000.0 - 16:.3f}"
    response, seen = _through_middleware(stale)
    assert seen == [False] and replicas.WROTE_COOKIE not in response.cookies
    forged = RequestFactory().get("/x/")
    forged.COOKIES[replicas.WROTE_COOKIE] = "not a time"
    assert _through_middleware(forged)[1] == [False]
