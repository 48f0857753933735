"""The audit log: the office admins and leaders read every recorded change; nobody else opens it."""

from __future__ import annotations

from auditlog.context import set_actor
from django.urls import reverse


def _rename_liaison(county, name: str) -> None:
    with set_actor(county.office_admin):
        county.town_b.liaison_name = name
        county.town_b.save()


def test_the_office_reads_who_changed_what(county, login):
    _rename_liaison(county, "赵六")
    page = login(county.office_admin).get(reverse("audit_log")).content.decode()
    assert "赵六" in page and "柳河镇" in page and str(county.office_admin) in page


def test_it_filters_by_record_type_and_name(county, login):
    _rename_liaison(county, "赵六")
    client = login(county.office_admin)
    entries = client.get(reverse("audit_log"), {"model": "unit", "q": "柳河"}).context["page"].object_list
    assert {entry.object_repr for entry in entries} == {"柳河镇"}  # its creation and the change
    assert not client.get(reverse("audit_log"), {"model": "grid", "q": "柳河"}).context["page"].object_list


def test_leaders_read_it_too(county, login):
    assert login(county.leader).get(reverse("audit_log")).status_code == 200


def test_units_and_inspectors_cannot_read_it(county, login):
    assert login(county.handler_a).get(reverse("audit_log")).status_code == 403
    assert login(county.inspector).get(reverse("audit_log")).status_code == 403
