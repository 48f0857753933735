"""Finding 10 of the probe: with Redis down the home pages, the dashboard and `/report/` answered 500. The cache
degrades to no cache (core.cache.ForgivingRedisCache): every page is built from the database, rate limits let the
request through, and the outage is logged once."""

from __future__ import annotations

import time

import pytest
from django.urls import reverse

from cases.conftest import categories, rubbish  # noqa: F401
from cases.models import Case
from core.cache import ForgivingRedisCache
from portal.conftest import IN_GRID_A, service  # noqa: F401

NOBODY_LISTENS = "redis://127.0.0.1:1/0"


@pytest.fixture
def redis_down(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "core.cache.ForgivingRedisCache",
            "LOCATION": NOBODY_LISTENS,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }


@pytest.mark.parametrize("persona", ["office_admin", "leader", "handler_a", "inspector"])
def test_with_redis_down_the_home_pages_and_dashboard_answer(county, login, redis_down, persona):
    client = login(getattr(county, persona))
    assert client.get(reverse("home")).status_code == 200
    if persona in ("office_admin", "leader"):
        assert client.get(reverse("dashboard:screen")).status_code == 200
        assert client.get(reverse("dashboard:default_panel_key", args=["ranking"])).status_code == 200


def test_with_redis_down_a_citizen_report_is_filed(client, service, redis_down, caplog):  # noqa: F811
    started = time.monotonic()
    response = client.post(
        "/report/",
        {
            "service": service.pk,
            "description": "市场门口垃圾成堆",
            "lon": IN_GRID_A[0],
            "lat": IN_GRID_A[1],
            "address": "人民路菜市场",
            "phone": "13900001111",
            "website": "",
        },
    )
    assert response.status_code == 302 and Case.objects.count() == 1
    assert time.monotonic() - started < 5
    assert caplog.text.count("Redis cache unavailable") == 1, "the outage is logged once, not per call"


def test_the_forgiving_cache_misses_drops_and_says_no():
    broken = ForgivingRedisCache(NOBODY_LISTENS, {"OPTIONS": {"socket_connect_timeout": 1}})
    assert broken.get("k", "default") == "default"
    assert broken.add("k", 1) is False and broken.has_key("k") is False
    assert broken.get_or_set("k", lambda: 42) == 42
    broken.set("k", 1)
    broken.delete_many(["k"])
    with pytest.raises(ValueError):
        broken.incr("k")
