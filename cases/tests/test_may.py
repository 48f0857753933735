"""Who may take which step (cases.access.may, behind the case page's buttons and the actions' checks)."""

from __future__ import annotations

import pytest

from cases import access, actions
from cases.models import TRANSITIONS, CaseEvent, State

A = CaseEvent.Action
OFFICE_STEPS_WHILE_DISPATCHED = {A.DISPATCH, A.APPROVE_EXTENSION, A.REFUSE_EXTENSION, A.DEFER, A.URGE}
UNIT_STEPS_WHILE_DISPATCHED = {A.RETURN, A.START, A.REPORT_BACK, A.REQUEST_EXTENSION}

# persona → the steps they may take on a case dispatched to town A
EXPECTED = {
    "office_admin": OFFICE_STEPS_WHILE_DISPATCHED,
    "inspector": OFFICE_STEPS_WHILE_DISPATCHED,
    "handler_a": UNIT_STEPS_WHILE_DISPATCHED,
    "head_a": UNIT_STEPS_WHILE_DISPATCHED,
    "community_handler_a": set(),  # a unit below the responsible one
    "handler_b": set(),
    "department_handler": set(),
    "leader": {A.SUPERVISE},  # 领导督办: the leaders' one step
    "surveyor": set(),
}


@pytest.mark.parametrize("persona", sorted(EXPECTED))
def test_it_offers_each_person_their_own_steps(county, new_case, persona):
    case = actions.dispatch_case(county.inspector, new_case(), unit=county.town_a)
    person = getattr(county, persona)
    assert {step for step in TRANSITIONS if access.may(person, case, step)} == EXPECTED[persona]


def test_the_deadline_of_a_supervised_case_is_shortened_by_the_office_or_a_leader(county, new_case):
    case = actions.dispatch_case(county.inspector, new_case(), unit=county.town_a)
    case = actions.supervise_case(county.leader, case)
    people = {name for name in EXPECTED if access.may(getattr(county, name), case, A.SHORTEN_DEADLINE)}
    assert people == {"office_admin", "inspector", "leader"}


def test_a_disabled_account_may_take_no_step(county, new_case):
    case = actions.dispatch_case(county.inspector, new_case(), unit=county.town_a)
    for person in (county.inspector, county.handler_a):
        person.is_active = False
        assert not any(access.may(person, case, step) for step in TRANSITIONS)


def test_the_office_cannot_judge_a_case_its_own_unit_holds(county, new_case):
    own = actions.dispatch_case(county.office_admin, new_case(), unit=county.office)
    town = actions.dispatch_case(county.office_admin, new_case(), unit=county.town_a)
    own.state = town.state = State.SUBMITTED
    for person in (county.office_admin, county.inspector):
        assert access.may(person, town, A.VERIFY) and access.may(person, town, A.REWORK)
        assert not access.may(person, own, A.VERIFY) and not access.may(person, own, A.REWORK)
