"""Every change to units, people and grids is in the audit history: who, when, before and after."""

from __future__ import annotations

from auditlog.models import LogEntry
from django.urls import reverse

from org.models import Unit


def _unit_form(unit: Unit, **changes) -> dict:
    data = {
        "name": unit.name,
        "kind": unit.kind,
        "parent": unit.parent_id or "",
        "division_code": unit.division_code,
        "head_name": unit.head_name,
        "head_phone": unit.head_phone,
        "liaison_name": unit.liaison_name,
        "liaison_phone": unit.liaison_phone,
        "sort_order": unit.sort_order,
        "is_active": "on",
    }
    return {**data, **changes}


def test_it_records_who_changed_a_unit_and_how(county, login):
    client = login(county.office_admin)
    response = client.post(
        reverse("org:unit_edit", kwargs={"pk": county.town_a.pk}),
        _unit_form(county.town_a, head_name="李明", head_phone="13912345678"),
    )
    assert response.status_code == 302
    entry = LogEntry.objects.get_for_object(county.town_a).order_by("-timestamp").first()
    assert entry.actor == county.office_admin
    assert entry.action == LogEntry.Action.UPDATE
    assert entry.changes_dict["head_name"] == ["", "李明"]
    assert entry.changes_dict["head_phone"] == ["", "13912345678"]


def test_a_bad_phone_is_refused_and_nothing_changes(county, login):
    client = login(county.office_admin)
    response = client.post(
        reverse("org:unit_edit", kwargs={"pk": county.town_a.pk}),
        _unit_form(county.town_a, head_name="李明", head_phone="12345"),
    )
    assert response.status_code == 200
    assert "head_phone" in response.context["form"].errors
    assert response.context["form"]["head_name"].value() == "李明", "what was typed is kept"
    county.town_a.refresh_from_db()
    assert county.town_a.head_name == ""
    assert not LogEntry.objects.get_for_object(county.town_a).filter(action=LogEntry.Action.UPDATE).exists()


def test_a_unit_cannot_move_under_its_own_community(county, login):
    client = login(county.office_admin)
    response = client.post(
        reverse("org:unit_edit", kwargs={"pk": county.town_a.pk}),
        _unit_form(county.town_a, parent=county.community_a.pk),
    )
    assert response.status_code == 200
    assert "parent" in response.context["form"].errors
    county.town_a.refresh_from_db()
    assert county.town_a.parent is None


def test_moving_a_unit_moves_its_subtree(county, login):
    client = login(county.office_admin)
    response = client.post(
        reverse("org:unit_edit", kwargs={"pk": county.community_a.pk}),
        _unit_form(county.community_a, parent=county.town_b.pk),
    )
    assert response.status_code == 302
    county.community_a.refresh_from_db()
    assert county.community_a.is_within(county.town_b)
    assert county.handler_b.unit.subtree().filter(pk=county.community_a.pk).exists()
    assert not county.town_a.subtree().filter(pk=county.community_a.pk).exists()


def test_the_audit_log_records_the_client_address_not_a_forged_header(county, login, settings):
    """django-auditlog's own middleware took the first X-Forwarded-For entry: anyone could write their address."""
    settings.BEHIND_PROXY, settings.PROXY_HOPS = True, 1
    client = login(county.office_admin)
    client.post(
        reverse("org:unit_edit", kwargs={"pk": county.town_a.pk}),
        _unit_form(county.town_a, head_name="李明"),
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7",
    )
    entry = LogEntry.objects.get_for_object(county.town_a).order_by("-timestamp").first()
    assert entry.remote_addr == "203.0.113.7"
