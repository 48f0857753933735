"""The case page's map: the case (at its site when an inspection opened it) and the open cases of the same
category within 500 m that the person may see, as links; none for a case without a place."""

from __future__ import annotations

import json
import re

from django.urls import reverse

from cases.models import State

DATA = re.compile(r'<script id="case-place-map-data" type="application/json">(.*?)</script>', re.S)


def points(html: str) -> list[dict]:
    found = DATA.search(html)
    return json.loads(found.group(1))["points"] if found else []


def test_the_case_and_open_cases_of_its_category_nearby(county, login, new_case):
    case = new_case(at=(117.005, 35.505))
    near = new_case(at=(117.007, 35.505))
    new_case(at=(117.005, 35.52))  # 1.6 km away
    closed = new_case(at=(117.0052, 35.505))
    type(closed).objects.filter(pk=closed.pk).update(state=State.CLOSED)
    html = login(county.inspector).get(reverse("cases:detail", args=[case.pk])).content.decode()
    shown = points(html)
    assert shown[0]["kind"] == "here" and (shown[0]["lon"], shown[0]["lat"]) == (117.005, 35.505)
    assert [p["url"] for p in shown[1:]] == [reverse("cases:detail", args=[near.pk])]


def test_a_case_without_a_place_has_no_map(county, login, new_case):
    case = new_case(at=None, address="县政府门口")
    html = login(county.inspector).get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert points(html) == [] and "leaflet.css" not in html
