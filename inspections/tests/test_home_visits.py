"""An inspector's home: today's visits, each one tap from its checklist, nearest first when the phone says where
it is (the page's "Nearest first" button sends ?lon=&lat=, static/js/behaviours.js)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import time_machine
from django.urls import reverse

from inspections.tests.conftest import IN_GRID_B, TODAY

NOON = dt.datetime.combine(TODAY, dt.time(12), ZoneInfo("Asia/Shanghai"))


@time_machine.travel(NOON, tick=False)
def test_nearest_first_when_the_phone_shares_its_location(county, open_round, market_a, market_b, login):
    open_round()
    client = login(county.inspector)
    plain = client.get(reverse("home"))
    assert [visit.site for visit, metres in plain.context["visits"]] == [market_a, market_b]
    assert b"data-near-me" in plain.content
    lon, lat = IN_GRID_B
    near = client.get(reverse("home"), {"lon": lon, "lat": lat})
    rows = near.context["visits"]
    assert [visit.site for visit, _m in rows] == [market_b, market_a]
    assert rows[0][1] < 1 and 850 < rows[1][1] < 950  # 0.01° of longitude at 35.5° N is about 905 m
    assert reverse("inspections:visit_detail", args=[rows[0][0].pk]) in near.content.decode()


@time_machine.travel(NOON, tick=False)
def test_a_location_off_the_globe_is_ignored(county, open_round, login):
    open_round()
    page = login(county.inspector).get(reverse("home"), {"lon": "500", "lat": "x"})
    assert page.context["near"] is None and all(metres is None for _v, metres in page.context["visits"])
