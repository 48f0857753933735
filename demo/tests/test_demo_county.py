"""The demo county is big enough to judge every screen, deterministic, idempotent, and its grids tile."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from shapely.geometry import Polygon, shape
from shapely.ops import unary_union

from cases.categories import load_categories
from demo.cases import CaseBuilder
from demo.county import COLS, DEMO_PASSWORD, ROWS, build_demo_county
from org.models import Grid, Person, Role, Unit, UnitKind


@pytest.fixture
def demo(db):
    build_demo_county()


def test_it_has_the_size_the_campaign_needs(demo):
    assert Unit.objects.filter(kind=UnitKind.TOWN).count() >= 12
    assert Unit.objects.filter(kind=UnitKind.COMMUNITY).count() >= 60
    assert Unit.objects.filter(kind=UnitKind.DEPARTMENT).count() >= 40
    assert Grid.objects.count() == COLS * ROWS
    assert set(Person.objects.values_list("role", flat=True)) == set(Role.values)


def test_every_community_owns_grids_and_every_grid_has_a_valid_code(demo):
    assert not Unit.objects.filter(kind=UnitKind.COMMUNITY, grids__isnull=True).exists()
    for grid in Grid.objects.select_related("unit"):
        assert grid.code.startswith(grid.unit.division_code) and len(grid.code) == 14


def test_the_grids_tile_the_county_without_gaps_or_overlaps(demo):
    shapes = [shape(grid.boundary) for grid in Grid.objects.all()]
    union = unary_union(shapes)
    assert abs(sum(s.area for s in shapes) - union.area) < 1e-9, "grids overlap"
    assert isinstance(union, Polygon) and len(union.interiors) == 0, "grids leave a hole"


def test_a_second_load_reuses_the_county(db):
    call_command("demo", stdout=io.StringIO())
    counts = (Unit.objects.count(), Person.objects.count(), Grid.objects.count())
    call_command("demo", stdout=io.StringIO())
    assert (Unit.objects.count(), Person.objects.count(), Grid.objects.count()) == counts


def test_it_is_deterministic(db):
    build_demo_county()
    first = list(Grid.objects.order_by("code").values_list("code", "unit__name", "boundary"))
    Person.objects.all().delete()
    Grid.objects.all().delete()
    for unit in Unit.objects.order_by("-path"):
        unit.delete()
    build_demo_county()
    assert list(Grid.objects.order_by("code").values_list("code", "unit__name", "boundary")) == first


def test_the_demo_logins_work(demo, client):
    for username in ["admin", "town01", "leader", "inspector1", "surveyor1", "c0101"]:
        client.logout()
        response = client.post("/login/", {"username": username, "password": DEMO_PASSWORD})
        assert response.status_code == 302, username
        assert client.get("/").status_code == 200


def test_its_case_stories_are_deterministic(county):
    """(Here, not beside the other case tests: those share one demo county per module, and `county` needs an
    empty database.)"""
    load_categories()
    now = dt.datetime(2026, 11, 20, 8, 0, tzinfo=dt.UTC)

    def story_lines():
        return [
            (s.case.number, s.case.description, s.case.state, len(s.events))
            for s in CaseBuilder(now, 300).stories()
        ]

    assert story_lines() == story_lines()
