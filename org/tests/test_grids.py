from __future__ import annotations

import json

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from conftest import square
from core import processcopy
from core.geo import parse_boundary
from org import queries
from org.models import Grid
from org.queries import grid_of_point


def test_it_finds_the_grid_of_a_point(county):
    assert grid_of_point(117.005, 35.505) == county.grid_a
    assert grid_of_point(117.015, 35.505) == county.grid_b
    assert grid_of_point(118.0, 35.505) is None


def test_a_point_on_a_shared_edge_belongs_to_the_lowest_code(county):
    assert grid_of_point(117.01, 35.505) == county.grid_a


def test_it_ignores_the_bounding_box_corner_outside_a_triangle(county):
    triangle = {
        "type": "Polygon",
        "coordinates": [[[117.1, 35.6], [117.2, 35.6], [117.1, 35.7], [117.1, 35.6]]],
    }
    Grid.objects.create(code="37099900100199", name="三角", unit=county.community_a, boundary=triangle)
    assert grid_of_point(117.19, 35.69) is None
    grid = grid_of_point(117.11, 35.61)
    assert grid is not None and grid.code == "37099900100199"


@pytest.mark.parametrize(
    "bad, reason",
    [
        ("not json", "not valid JSON"),
        ('{"type": "Point", "coordinates": [117, 35]}', "Polygon"),
        (
            '{"type": "Polygon", "coordinates": [[[117,35],[118,36],[117,36],[118,35],[117,35]]]}',
            "not a valid polygon",
        ),
        ('{"type": "Polygon", "coordinates": [[[350,35],[351,35],[351,36],[350,35]]]}', "longitude"),
    ],
)
def test_it_explains_a_bad_boundary(bad, reason):
    with pytest.raises(ValidationError) as info:
        parse_boundary(bad)
    assert reason in " ".join(info.value.messages)


def test_the_office_creates_a_grid_and_a_bad_one_keeps_the_input(county, login):
    client = login(county.office_admin)
    bad = '{"type": "Polygon", "coordinates": [[[117,35],[118,36]]]}'
    response = client.post(
        reverse("org:grid_create"),
        {"code": "37099900100102", "name": "新网格", "unit": county.community_a.pk, "boundary": bad},
    )
    assert response.status_code == 200
    assert "boundary" in response.context["form"].errors
    assert response.context["form"]["boundary"].value() == bad
    assert not Grid.objects.filter(code="37099900100102").exists()
    response = client.post(
        reverse("org:grid_create"),
        {
            "code": "37099900100102",
            "name": "新网格",
            "unit": county.community_a.pk,
            "boundary": json.dumps(square(117.02, 35.50)),
        },
    )
    assert response.status_code == 302
    grid = grid_of_point(117.025, 35.505)
    assert grid is not None and grid.code == "37099900100102"


def test_a_grid_code_has_fourteen_digits(county, login):
    response = login(county.office_admin).post(
        reverse("org:grid_create"),
        {
            "code": "123",
            "name": "x",
            "unit": county.community_a.pk,
            "boundary": json.dumps(square(117.3, 35.5)),
        },
    )
    assert "code" in response.context["form"].errors


def test_the_api_locates_a_point(county, login):
    client = login(county.office_admin)
    assert (
        client.get("/api/v1/grids/locate", {"lon": 117.005, "lat": 35.505}).json()["code"]
        == county.grid_a.code
    )
    assert client.get("/api/v1/grids/locate", {"lon": 200, "lat": 35.5}).status_code == 422


def test_the_grid_list_draws_the_map(county, login):
    response = login(county.office_admin).get(reverse("org:grid_list"))
    assert response.context["features"]["features"][0]["properties"]["code"] == county.grid_a.code
    assert 'id="grid-features"' in response.content.decode()


def test_a_grid_saved_in_another_process_counts_within_seconds(county, monkeypatch):
    """The in-memory grids behind case intake: the shared version token is read at most every few seconds."""
    from django.core.cache import cache

    clock = [1000.0]
    monkeypatch.setattr(processcopy.time, "monotonic", lambda: clock[0])
    queries.forget_grid_index()
    assert queries.grid_id_at(117.005, 35.505) == county.grid_a.pk
    # Another process moves grid A far away (its forget_grid_index only reaches the shared cache).
    Grid.objects.filter(pk=county.grid_a.pk).update(
        min_lon=120.0, max_lon=120.01, boundary=square(120.0, 35.5)
    )
    cache.delete(queries.GRID_INDEX_KEY)
    clock[0] += queries.GRID_VERSION_SECONDS / 2
    assert queries.grid_id_at(117.005, 35.505) == county.grid_a.pk  # not asked yet
    clock[0] += queries.GRID_VERSION_SECONDS
    assert queries.grid_id_at(117.005, 35.505) is None
    assert queries.grid_id_at(120.005, 35.505) == county.grid_a.pk
