"""The few predicates every app's permissions are built on (org.access): what each role may, and that a visitor
or a disabled account may nothing and sees nothing."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from org import access
from org.models import Person, Unit

PREDICATES = [
    "is_office_staff",
    "is_office_admin",
    "sees_everything",
    "is_read_only",
    "is_unit_staff",
    "is_surveyor",
]

# persona → the predicates that hold for them
EXPECTED = {
    "office_admin": {"is_office_staff", "is_office_admin", "sees_everything"},
    "inspector": {"is_office_staff", "sees_everything"},
    "leader": {"sees_everything", "is_read_only"},
    "surveyor": {"is_surveyor"},
    "handler_a": {"is_unit_staff"},
    "head_a": {"is_unit_staff"},
}


@pytest.mark.parametrize("persona", sorted(EXPECTED))
def test_it_answers_for_each_role(county, persona):
    person = getattr(county, persona)
    held = {name for name in PREDICATES if getattr(access, name)(person)}
    assert held == EXPECTED[persona]
    assert access.is_active_person(person)


@pytest.mark.parametrize("persona", sorted(EXPECTED))
def test_a_disabled_account_may_nothing_and_sees_nothing(county, persona):
    person = getattr(county, persona)
    person.is_active = False
    assert not access.is_active_person(person)
    assert not any(getattr(access, name)(person) for name in PREDICATES)
    assert not access.can_manage_org(person) and not access.can_view_audit(person)
    assert not access.visible_units(person).exists()
    assert not access.scoped(person, Person.objects.all()).exists()


def test_a_visitor_may_nothing_and_sees_nothing(county):
    visitor = AnonymousUser()
    assert not access.is_active_person(visitor)
    assert not any(getattr(access, name)(visitor) for name in PREDICATES)
    assert not access.can_manage_org(visitor) and not access.can_view_audit(visitor)
    assert not access.visible_units(visitor).exists()
    assert not access.scoped(visitor, Unit.objects.all()).exists()


def test_a_superuser_is_office_admin_whatever_the_role(county):
    root = Person.objects.create_superuser("root", password="x", role="unit_handler")
    assert access.is_office_admin(root) and access.sees_everything(root) and not access.is_read_only(root)
