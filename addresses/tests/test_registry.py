"""The registry: rows find their grid and town from their location; search by Chinese and pinyin; the nearest
address to a point; the office edits it, nobody else; history is written."""

from __future__ import annotations

import pytest
from auditlog.models import LogEntry
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import translation

from addresses import queries
from addresses.actions import delete_row, save_doorplate, save_road
from addresses.models import Doorplate, Road
from addresses.pinyin import search_keys
from addresses.tests.fixtures import build_registry
from core import processcopy


@pytest.fixture
def registry(county):
    return build_registry(county)


def test_pinyin_keys_cover_full_initials_and_mixed():
    keys = search_keys("人民路").split()
    for typed in ("renminlu", "rml", "rmlu", "renml", "rminlu"):
        assert any(key.startswith(typed) for key in keys), typed


def test_a_row_finds_its_grid_and_town(county, registry):
    assert registry.plate_18.grid == county.grid_a
    assert registry.plate_18.town == county.town_a
    assert registry.plate_26.grid == county.grid_b
    assert registry.plate_26.town == county.town_b


def labels(text: str) -> list[str]:
    return [hit.label for hit in queries.search(text)]


def test_search_by_chinese_lists_the_road_then_its_doorplates(registry):
    assert labels("人民")[:4] == ["人民路", "人民路8号", "人民路18号", "人民路26号"]


@pytest.mark.parametrize("typed", ["rmlu", "rml", "renminlu", "RMLU", "ren min lu"])
def test_search_by_pinyin_and_initials(registry, typed):
    assert labels(typed)[0] == "人民路"


@pytest.mark.parametrize("typed", ["人民路18", "人民路 18号", "rmlu 18", "rml18"])
def test_a_number_finds_the_doorplate(registry, typed):
    assert labels(typed) == ["人民路18号"]


def test_a_road_the_office_adds_or_renames_is_found_at_once(county, registry):
    assert labels("gmj") == []  # the road names are now held in this process
    save_road(county.office_admin, None, name="光明街", lon=117.004, lat=35.504)
    assert labels("gmj") == ["光明街"]
    save_road(county.office_admin, registry.renmin, None, name="人民大道")
    assert labels("人民")[0] == "人民大道"
    assert "人民路" not in labels("rmlu")


def test_a_road_added_in_another_process_counts_within_seconds(registry, monkeypatch):
    clock = [1000.0]
    monkeypatch.setattr(processcopy.time, "monotonic", lambda: clock[0])
    queries.forget_road_names()
    assert labels("gmj") == []
    # Another process adds a road: its forgetting reaches this one only through the shared cache.
    Road.objects.create(name="光明街", lon=117.004, lat=35.504)
    cache.delete(queries.ROAD_NAMES_KEY)
    clock[0] += queries.ROAD_NAMES_CHECK_SECONDS / 2
    assert labels("gmj") == []  # not asked yet
    clock[0] += queries.ROAD_NAMES_CHECK_SECONDS
    assert labels("gmj") == ["光明街"]


def test_places_are_found_and_water_is_not_an_address(registry):
    assert labels("xfxq") == ["幸福小区"]
    assert labels("月牙") == []


def test_reverse_finds_the_nearest_doorplate_with_town_and_grid(county, registry):
    found = queries.reverse(117.0051, 35.5051)
    assert found.doorplate_id == registry.plate_18.pk
    assert found.address == "人民路18号 nearby, 城关街道 新华第1网格"
    assert found.distance_m is not None and 15 < found.distance_m < 40


def test_reverse_far_from_any_doorplate_names_the_grid_only(county, registry):
    found = queries.reverse(117.0195, 35.5095)
    assert found.doorplate_id is None and found.place_id is None
    assert found.address == "柳河镇 王庄第1网格"


def test_reverse_in_chinese(county, registry, settings):
    settings.LANGUAGE_CODE = "zh-hans"
    with translation.override("zh-hans"):
        assert queries.reverse(117.0051, 35.5051).address == "人民路18号附近，城关街道 新华第1网格"


def test_only_the_office_admin_edits(county, registry):
    with pytest.raises(PermissionDenied):
        save_doorplate(county.inspector, None, road=registry.renmin, number="30", lon=117.015, lat=35.5053)
    with pytest.raises(PermissionDenied):
        delete_row(county.handler_a, registry.plate_8)


def test_an_edit_takes_what_the_editor_saw(county, registry):
    seen = registry.plate_8.updated_at
    save_doorplate(county.office_admin, registry.plate_8, seen, lon=117.0021)
    with pytest.raises(ValidationError, match="changed this row"):
        save_doorplate(county.office_admin, registry.plate_8, seen, lon=117.0022)


def test_a_moved_doorplate_finds_its_new_grid_and_is_in_the_history(county, registry):
    moved = save_doorplate(county.office_admin, registry.plate_8, None, lon=117.0155)
    assert moved.grid == county.grid_b
    assert LogEntry.objects.get_for_object(moved).exists()


def test_a_road_with_doorplates_cannot_be_removed(county, registry):
    with pytest.raises(ValidationError):
        delete_row(county.office_admin, registry.jianshe)
    delete_row(county.office_admin, registry.plate_jianshe_3)
    delete_row(county.office_admin, registry.jianshe)
    assert not Doorplate.objects.filter(road__name="光明街").exists()


def test_the_api_is_public_and_answers_json(client, registry):
    data = client.get(reverse("addresses:search"), {"q": "rmlu 18"}).json()
    assert data["results"][0]["label"] == "人民路18号"
    assert data["results"][0]["lon"] == pytest.approx(117.005)
    near = client.get(reverse("addresses:reverse"), {"lon": "117.0051", "lat": "35.5051"}).json()
    assert near["doorplate_id"] == registry.plate_18.pk
    assert client.get(reverse("addresses:reverse"), {"lon": "x"}).status_code == 400


def test_the_base_map_answers_by_box_and_zoom(registry):
    box = queries.Bounds(117.0, 35.5, 117.02, 35.51)
    far = queries.base_map(box, 11)["features"]
    near = queries.base_map(box, 16)["features"]
    assert {f["properties"]["layer"] for f in far} == {"town", "water", "road"}
    assert {f["properties"]["layer"] for f in near} == {"town", "grid", "water", "place", "road"}
    roads = {
        f["properties"]["name"]: f["properties"]["label"] for f in near if f["properties"]["layer"] == "road"
    }
    assert roads == {"人民路": True, "建设路": True}
    assert next(f for f in far if f["properties"]["layer"] == "road")["properties"]["label"] is False
    outside = queries.base_map(queries.Bounds(118.0, 36.0, 118.1, 36.1), 16)["features"]
    assert outside == []
