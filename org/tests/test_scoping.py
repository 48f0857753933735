"""A unit person sees only their unit's subtree: every org view and API endpoint is checked here.

`test_it_covers_every_org_url` fails when a new URL is added without a row in the matrices below.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import get_resolver, reverse

from org.access import grids_for, scope_of, visible_units
from org.actions import issue_token
from org.models import ApiScope, Grid, Person, Role, Unit
from org.queries import nearest_unit_with, people_by_unit

# (url name, kwargs builder) → what town A's handler gets for town B's objects.
FOREIGN_READS = {
    "org:unit_detail": lambda c: {"pk": c.town_b.pk},
    "org:grid_detail": lambda c: {"pk": c.grid_b.pk},
}
FOREIGN_WRITES = {
    "org:unit_edit": lambda c: {"pk": c.town_b.pk},
    "org:person_edit": lambda c: {"pk": c.handler_b.pk},
    "org:person_reset_password": lambda c: {"pk": c.handler_b.pk},
    "org:grid_edit": lambda c: {"pk": c.grid_b.pk},
    "org:person_unlock": lambda c: {"pk": c.handler_b.pk},
}
OFFICE_ONLY = ["org:unit_create", "org:person_create", "org:grid_create", "org:import"]
LISTS = ["org:unit_list", "org:person_list", "org:grid_list", "org:grid_locate", "org:token_list"]
TEMPLATES = ["org:import_template"]
# Another person's API token: not found, to read or to revoke (tokens are one's own; the office admin's excepted).
TOKENS = ["org:token_detail", "org:token_revoke"]


def test_it_covers_every_org_url():
    resolver = get_resolver()
    names = {
        f"org:{name}" for name in resolver.namespace_dict["org"][1].reverse_dict if isinstance(name, str)
    }
    covered = (
        set(FOREIGN_READS)
        | set(FOREIGN_WRITES)
        | set(OFFICE_ONLY)
        | set(LISTS)
        | set(TEMPLATES)
        | set(TOKENS)
    )
    assert names == covered


@pytest.mark.parametrize("name", sorted(FOREIGN_READS))
def test_it_hides_another_towns_objects(county, login, name):
    client = login(county.handler_a)
    response = client.get(reverse(name, kwargs=FOREIGN_READS[name](county)))
    assert response.status_code == 404


@pytest.mark.parametrize("name", TOKENS)
def test_it_hides_another_persons_api_tokens(county, login, name):
    token, _ = issue_token(county.handler_b, county.handler_b, "app", [ApiScope.READ], 30)
    client = login(county.handler_a)
    url = reverse(name, kwargs={"pk": token.pk})
    assert client.post(url).status_code == 404
    assert client.get(url).status_code in {404, 405}
    token.refresh_from_db()
    assert token.revoked_at is None
    assert list(client.get(reverse("org:token_list")).context["tokens"]) == []


@pytest.mark.parametrize("name", sorted(FOREIGN_WRITES))
def test_it_refuses_changes_to_another_towns_objects(county, login, name):
    client = login(county.handler_a)
    before = (county.town_b.name, county.handler_b.password, county.grid_b.name)
    url = reverse(name, kwargs=FOREIGN_WRITES[name](county))
    assert client.get(url).status_code in {404, 405}
    assert client.post(url, {"name": "改名", "full_name": "x"}).status_code == 404
    county.town_b.refresh_from_db()
    county.handler_b.refresh_from_db()
    county.grid_b.refresh_from_db()
    assert (county.town_b.name, county.handler_b.password, county.grid_b.name) == before


@pytest.mark.parametrize("name", sorted(FOREIGN_WRITES))
def test_it_refuses_changes_to_own_objects_by_a_unit_person(county, login, name):
    """Units, people and grids are managed by the office, even inside the person's own subtree."""
    client = login(county.handler_a)
    own = {
        "org:unit_edit": county.town_a.pk,
        "org:person_edit": county.community_handler_a.pk,
        "org:person_reset_password": county.community_handler_a.pk,
        "org:person_unlock": county.community_handler_a.pk,
        "org:grid_edit": county.grid_a.pk,
    }
    response = client.post(reverse(name, kwargs={"pk": own[name]}), {"name": "改名"})
    assert response.status_code == 403
    county.town_a.refresh_from_db()
    assert county.town_a.name == "城关街道"


@pytest.mark.parametrize("name", OFFICE_ONLY)
def test_it_refuses_office_screens_to_units_and_leaders(county, login, name):
    for person in (county.handler_a, county.leader, county.inspector):
        client = login(person)
        assert client.get(reverse(name)).status_code == 403
        assert client.post(reverse(name), {"name": "新单位", "kind": "town"}).status_code == 403
    assert not Unit.objects.filter(name="新单位").exists()


def test_it_lists_only_the_own_subtree(county, login):
    client = login(county.handler_a)
    units = client.get(reverse("org:unit_list")).context["rows"]
    assert {u.name for u in units} == {"城关街道", "新华社区"}
    people = client.get(reverse("org:person_list")).context["page"].object_list
    assert {p.username for p in people} == {"handler_a", "head_a", "community_a"}
    grids = client.get(reverse("org:grid_list")).context["page"].object_list
    assert [g.code for g in grids] == [county.grid_a.code]


def test_it_does_not_locate_a_point_in_another_towns_grid(county, login):
    client = login(county.handler_a)
    response = client.get(reverse("org:grid_locate"), {"lon": 117.015, "lat": 35.505})
    assert response.context["grid"] is None
    response = client.get(reverse("org:grid_locate"), {"lon": 117.005, "lat": 35.505})
    assert response.context["grid"] == county.grid_a


def test_a_community_sees_less_than_its_town(county, login):
    client = login(county.community_handler_a)
    units = client.get(reverse("org:unit_list")).context["rows"]
    assert [u.name for u in units] == ["新华社区"]
    assert client.get(reverse("org:unit_detail", kwargs={"pk": county.town_a.pk})).status_code == 404


@pytest.mark.parametrize("persona", ["office_admin", "inspector", "leader"])
def test_office_and_leaders_see_everything(county, login, persona):
    client = login(getattr(county, persona))
    units = client.get(reverse("org:unit_list")).context["rows"]
    assert len(units) == Unit.objects.count()
    assert client.get(reverse("org:unit_detail", kwargs={"pk": county.community_b.pk})).status_code == 200


def test_the_import_template_is_office_only(county, login):
    url = reverse("org:import_template", kwargs={"kind": "units"})
    assert login(county.handler_a).get(url).status_code == 403
    assert login(county.office_admin).get(url).status_code == 200


# --- API ----------------------------------------------------------------------------------------

API_FOREIGN = {
    "/api/v1/units/{town_b}": 404,
    "/api/v1/grids/{grid_b}": 404,
}


def test_the_api_refuses_anonymous_callers(county, client):
    for path in ["/api/v1/me", "/api/v1/units", "/api/v1/people", "/api/v1/grids"]:
        assert client.get(path).status_code == 401


def test_the_api_scopes_every_endpoint(county, login):
    client = login(county.handler_a)
    assert client.get(f"/api/v1/units/{county.town_b.pk}").status_code == 404
    assert client.get(f"/api/v1/grids/{county.grid_b.pk}").status_code == 404
    assert client.get(f"/api/v1/units/{county.community_a.pk}").status_code == 200
    assert {u["name"] for u in client.get("/api/v1/units").json()} == {"城关街道", "新华社区"}
    assert {p["username"] for p in client.get("/api/v1/people").json()} == {
        "handler_a",
        "head_a",
        "community_a",
    }
    assert [g["code"] for g in client.get("/api/v1/grids").json()] == [county.grid_a.code]
    assert client.get("/api/v1/grids/locate", {"lon": 117.015, "lat": 35.505}).status_code == 404
    me = client.get("/api/v1/me").json()
    assert me["unit"]["name"] == "城关街道" and me["sees_everything"] is False


def test_an_inactive_person_sees_nothing(county):
    county.handler_a.is_active = False
    assert not visible_units(county.handler_a).exists()
    assert isinstance(county.handler_a, Person)


def test_the_nearest_unit_with_people_is_its_own_else_the_one_above(county):
    assert county.community_a.chain_ids() == [county.community_a.pk, county.town_a.pk]
    heads = people_by_unit(county.community_a.chain_ids(), {Role.UNIT_HEAD})
    assert nearest_unit_with(county.community_a, heads) == county.town_a.pk  # the community has no head
    assert nearest_unit_with(county.community_a, {}) is None


def test_people_with_one_scope_see_the_same_rows_and_others_do_not(county):
    """org.access.scope_of is what pickers hold their options under (core.forms.hold_as): two people with the same
    scope must see the same units and grids, people with different scopes different ones."""
    people: list[Person | AnonymousUser] = [
        value for value in vars(county).values() if isinstance(value, Person)
    ]
    people += [
        Person.objects.create(username="gone", role=Role.UNIT_HANDLER, unit=county.town_a, is_active=False),
        AnonymousUser(),
    ]
    seen: dict[str, set] = {}
    for person in people:
        grids = grids_for(person) if isinstance(person, Person) else Grid.objects.none()
        rows = (
            frozenset(visible_units(person).values_list("pk", flat=True)),
            frozenset(grids.values_list("pk", flat=True)),
        )
        seen.setdefault(scope_of(person), set()).add(rows)
    assert all(len(rows) == 1 for rows in seen.values()), seen
    assert len({rows for group in seen.values() for rows in group}) == len(seen)
    # Everything, nothing, and the subtrees of two towns, a community and a department.
    assert Grid.objects.exists() and len(seen) >= 5, seen.keys()
