from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from cases.models import Case, Category, Source, State
from core.models import Period
from dashboard import actions
from dashboard.access import sign_link
from dashboard.models import DisplayLink, Panel, Screen, ScreenEvent
from dashboard.queries import axis_floor
from org.models import UnitKind
from scoring import actions as scoring_actions
from scoring.models import Adjustment


@pytest.fixture
def scores(county):
    period = scoring_actions.create_period(county.office_admin, Period.Kind.QUARTER, 2026, 4)
    scheme = period.schemes.get(unit_kind=UnitKind.TOWN)
    scoring_actions.add_adjustment(
        county.office_admin,
        scheme,
        unit=county.town_b,
        kind=Adjustment.Kind.BONUS,
        points=Decimal("2"),
        reason="荣誉",
    )
    scoring_actions.publish(county.office_admin, scheme)
    return scheme


def overdue_case(county, number="2026-000901", **fields) -> Case:
    category, _new = Category.objects.get_or_create(code="0101", defaults={"name": "暴露垃圾"})
    return Case.objects.create(
        category=category,
        number=number,
        source=Source.PATROL,
        description="x",
        unit=county.community_a,
        state=State.DISPATCHED,
        deadline=timezone.now() - timedelta(hours=2),
        lon=117.005,
        lat=35.505,
        category_name="暴露垃圾",
        **fields,
    )


def panel(client, key: str, screen: Screen | None = None) -> dict:
    url = (
        reverse("dashboard:panel_key", args=[screen.pk, key])
        if screen
        else reverse("dashboard:default_panel_key", args=[key])
    )
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return response.json()


def test_the_ranking_starts_its_axis_near_the_scores_and_shows_the_gap(county, scores, login):
    scores.target_total = Decimal("90")
    scores.save()
    data = panel(login(county.leader), "ranking")
    assert data["labels"] == ["柳河镇", "城关街道"]
    assert data["values"] == [2.0, 0.0]
    assert data["gaps"] == [88.0, 90.0]
    assert axis_floor([87.2, 98.1, 90]) == 80
    assert axis_floor([2.0, 0.0]) == 0


def test_overdue_and_categories_count_for_the_town_of_their_community(county, login):
    overdue_case(county, supervised_by=county.leader, supervised_at=timezone.now())
    client = login(county.leader)
    overdue = panel(client, "overdue")
    assert (overdue["labels"], overdue["values"]) == (["城关街道"], [1])
    assert panel(client, "categories")["labels"] == ["暴露垃圾"]
    [point] = panel(client, "map")["points"]
    assert point["late"] and point["supervised"]
    figures = {item["key"]: item["value"] for item in panel(client, "figures")["items"]}
    assert figures["overdue"] == 1


def test_a_new_case_reaches_the_polled_panels_without_a_reload(county, login):
    client = login(county.office_admin)
    assert panel(client, "ticker")["items"] == []
    overdue_case(county, number="2026-000777")
    cache.clear()  # what CACHE_SECONDS does by itself, sooner
    assert "2026-000777" in panel(client, "ticker")["items"][0]["text"]
    assert len(panel(client, "map")["points"]) == 1


def test_a_town_screen_counts_only_its_town(county, login):
    overdue_case(county)
    screen = actions.save_screen(
        county.office_admin,
        Screen(),
        name="柳河",
        town=county.town_b,
        rotation_seconds=15,
        panels=Panel.values,
    )
    client = login(county.leader)
    figures = {item["key"]: item["value"] for item in panel(client, "figures", screen)["items"]}
    assert figures["overdue"] == 0
    assert panel(client, "map", screen)["points"] == []
    assert panel(client, "categories", screen)["labels"] == []
    # The town charts still compare every town, the screen's own marked.
    overdue = panel(client, "overdue", screen)
    assert (overdue["labels"], overdue["values"], overdue["highlight"]) == (["城关街道"], [1], "柳河镇")


def test_units_do_not_get_the_screen(county, login):
    client = login(county.handler_a)
    assert client.get(reverse("dashboard:screen")).status_code == 403
    assert client.get(reverse("dashboard:default_panel_key", args=["figures"])).status_code == 403
    assert client.get(reverse("dashboard:screens")).status_code == 403


def test_leaders_view_and_the_office_edits(county, login):
    client = login(county.leader)
    assert client.get(reverse("dashboard:screen")).status_code == 200
    assert client.get(reverse("dashboard:screens")).status_code == 200
    assert client.get(reverse("dashboard:new")).status_code == 403
    client = login(county.office_admin)
    response = client.post(
        reverse("dashboard:new"),
        {"name": "指挥部", "rotation_seconds": 12, "panel_map": 2, "panel_figures": 1, "panel_trend": 3},
    )
    assert response.status_code == 302
    screen = Screen.objects.get(name="指挥部")
    assert screen.panels == ["figures", "map", "trend"]
    assert ScreenEvent.objects.get(screen=screen).action == ScreenEvent.Action.CREATE
    assert client.get(reverse("dashboard:panel_key", args=[screen.pk, "ranking"])).status_code == 404


def test_a_display_link_reads_only_its_screen_until_revoked(county, scores):
    from django.test import Client

    screen = actions.save_screen(
        county.office_admin,
        Screen(),
        name="大厅",
        town=None,
        rotation_seconds=20,
        panels=["figures", "ranking"],
    )
    link = actions.make_link(county.office_admin, screen, "一楼大厅")
    token = sign_link(link)
    tv = Client()
    assert tv.get(reverse("dashboard:display", args=[token])).status_code == 200
    assert tv.get(reverse("dashboard:display_panel_key", args=[token, "ranking"])).status_code == 200
    # Only its own panels, and nothing behind a sign-in.
    assert tv.get(reverse("dashboard:display_panel_key", args=[token, "map"])).status_code == 404
    assert tv.get(reverse("dashboard:screen")).status_code == 302
    assert tv.get(reverse("dashboard:default_panel_key", args=["ranking"])).status_code == 302
    # A forged token (another key, or an altered signature) opens nothing.
    assert tv.get(reverse("dashboard:display", args=[token[:-2] + "xx"])).status_code == 404
    other = DisplayLink(screen=screen, created_by=county.office_admin, label="x")
    assert tv.get(reverse("dashboard:display", args=[sign_link(other)])).status_code == 404
    actions.revoke_link(county.office_admin, link)
    assert tv.get(reverse("dashboard:display", args=[token])).status_code == 404
    assert tv.get(reverse("dashboard:display_panel_key", args=[token, "ranking"])).status_code == 404
    assert list(screen.events.values_list("action", flat=True)) == ["create", "link", "revoke"]


def test_only_the_office_makes_and_revokes_links(county, login):
    screen = actions.save_screen(
        county.office_admin, Screen(), name="大厅", town=None, rotation_seconds=20, panels=["figures"]
    )
    link = actions.make_link(county.office_admin, screen, "大厅")
    client = login(county.leader)
    assert client.post(reverse("dashboard:add_link", args=[screen.pk]), {"label": "x"}).status_code == 404
    assert client.post(reverse("dashboard:revoke", args=[link.pk])).status_code == 403
    assert DisplayLink.objects.get(pk=link.pk).is_live()
    client = login(county.office_admin)
    page = client.get(reverse("dashboard:screens")).content.decode()
    assert sign_link(link) in page
    client.post(reverse("dashboard:revoke", args=[link.pk]))
    assert not DisplayLink.objects.get(pk=link.pk).is_live()


def test_a_screen_takes_known_panels_each_once(county, login):
    from django.core.exceptions import ValidationError

    for panels in (["map", "map"], ["nope"], []):
        with pytest.raises(ValidationError):
            actions.save_screen(
                county.office_admin, Screen(), name="x", town=None, rotation_seconds=20, panels=panels
            )
    response = login(county.office_admin).post(
        reverse("dashboard:new"), {"name": "空", "rotation_seconds": 20}
    )
    assert response.status_code == 200 and "Choose at least one panel." in response.content.decode()
    assert not Screen.objects.exists()
