"""The open-case tally (cases.models.OpenTally) is always a count over the cases: after any sequence of steps of the
case loop (refused ones too), after writes through the ORM, and after a rebuild; two steps at once lose no count."""

from __future__ import annotations

import contextlib
import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.db import connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from cases import actions
from cases.conftest import IN_GRID_A, IN_GRID_B, photo
from cases.models import Case, CaseEvent, Category, OpenTally, Source, State
from cases.tally import counted_open_cases, kept_open_cases, rebuild_open_tally
from cases.tests.test_concurrency import _race

STEPS = [
    "report",
    "accept",
    "accept_as_other",  # the office changes the category as it accepts
    "reject",
    "duplicate",
    "dispatch",  # to a unit drawn with the step: a redispatch may change the unit
    "return",
    "start",
    "report_back",
    "verify",
    "rework",
    "defer",
    "resume",
    "urge",
    "supervise",
]


def assert_tally_is_a_count() -> None:
    assert kept_open_cases() == counted_open_cases()


@pytest.fixture
def loop(county, new_case, rubbish):
    """Take one step on one case, as the person whose step it is; a refused step is just refused."""
    other = Category.objects.get(kind="event", code="0201")
    units = [county.town_a, county.town_b, county.community_a, county.department]
    handler = {
        county.town_a.pk: county.handler_a,
        county.town_b.pk: county.handler_b,
        county.community_a.pk: county.community_handler_a,
        county.department.pk: county.department_handler,
    }
    admin = county.office_admin

    def take(step: str, pick: int, cases: list[Case]) -> None:
        if step == "report" or not cases:
            # In a grid or not; of the default category, another, or none (a relapse of a case closed nearby
            # is filed through the ORM on PostgreSQL too).
            category = [rubbish, other, None][pick // 3 % 3]
            cases.append(new_case(at=[IN_GRID_A, IN_GRID_B, None][pick % 3], category=category))
            return
        case = Case.objects.get(pk=cases[pick % len(cases)].pk)
        unit_person = handler.get(case.unit_id or 0, county.handler_a)
        steps = {
            "accept": lambda: actions.accept_case(admin, case),
            "accept_as_other": lambda: actions.accept_case(admin, case, category=other),
            "reject": lambda: actions.reject_case(admin, case, "不属实"),
            "duplicate": lambda: actions.mark_duplicate(admin, case, cases[(pick + 1) % len(cases)]),
            "dispatch": lambda: actions.dispatch_case(admin, case, unit=units[pick // 2 % len(units)]),
            "return": lambda: actions.return_case(unit_person, case, "不是我们的"),
            "start": lambda: actions.start_rectifying(unit_person, case),
            "report_back": lambda: actions.report_back(unit_person, case, "已处理", [photo()]),
            "verify": lambda: actions.verify_case(admin, case),
            "rework": lambda: actions.rework_case(admin, case, "仍未处理"),
            "defer": lambda: actions.defer_case(admin, case, "等待施工"),
            "resume": lambda: actions.resume_case(admin, case),
            "urge": lambda: actions.urge_case(admin, case),
            "supervise": lambda: actions.supervise_case(county.leader, case),
        }
        # A step the case's state (or the person) does not allow is refused: nothing of it was written.
        with contextlib.suppress(actions.CaseConflict, ValidationError, PermissionDenied):
            steps[step]()

    return take


# Each example runs in a savepoint rolled back at the end; no shrinking (each step is a database round).
@settings(
    max_examples=12,
    deadline=None,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(st.lists(st.tuples(st.sampled_from(STEPS), st.integers(0, 11)), min_size=1, max_size=40))
def test_it_equals_a_count_over_the_cases_after_any_steps(loop, steps):
    with transaction.atomic():
        cases: list[Case] = []
        for step, pick in steps:
            loop(step, pick, cases)
            assert_tally_is_a_count()
        transaction.set_rollback(True)


def test_it_follows_every_kind_of_step_that_moves_a_count(county, loop):
    """The same as a fixed walk, so every step that moves a count is taken at least once, whatever hypothesis
    draws: filed (with and without a category or grid), category changed, dispatched, redispatched to another
    unit, returned, closed three ways, deferred and resumed."""
    cases: list[Case] = []
    walk = [("report", 0), ("report", 1), ("report", 2), ("report", 5), ("accept_as_other", 0)]
    walk += [
        ("dispatch", 1),
        ("dispatch", 4),
        ("dispatch", 2),
        ("return", 2),
        ("dispatch", 6),
        ("dispatch", 3),
    ]
    walk += [("start", 1), ("report_back", 1), ("rework", 1), ("report_back", 1), ("verify", 1)]
    walk += [("defer", 0), ("resume", 0), ("report", 6), ("reject", 4), ("report", 7), ("duplicate", 5)]
    walk += [("report", 8), ("accept", 6), ("urge", 2)]
    for step, pick in walk:
        loop(step, pick, cases)
        assert_tally_is_a_count()
    states = set(Case.objects.values_list("state", flat=True))
    assert {State.CLOSED, State.REJECTED, State.DUPLICATE} <= states
    taken = set(CaseEvent.objects.values_list("action", flat=True))
    assert {"accept", "dispatch", "return", "verify", "defer", "resume", "reject", "mark_duplicate"} <= taken
    assert CaseEvent.objects.filter(action="dispatch", data__redispatch=True).exists()
    assert sum(kept_open_cases().values()) == Case.objects.filter(state__in=Case.OPEN_STATES).count() > 0


def test_writes_through_the_orm_keep_it_too(county, rubbish):
    """Case.save and Case.delete keep the tally whatever wrote them: a fixture's create, a save of some fields
    (a field left out is not written, so it does not move the count), a row read without its key's fields."""
    case = Case.objects.create(number="T-1", source=Source.PATROL, description="x", category=rubbish)
    assert kept_open_cases() == {(0, rubbish.pk): 1}
    case.unit = county.town_a
    case.save(update_fields=["updated_at"])  # the unit is not written
    assert_tally_is_a_count()
    case.save(update_fields=["unit"])
    assert kept_open_cases() == {(county.town_a.pk, rubbish.pk): 1}
    partial = Case.objects.only("id", "description").get(pk=case.pk)
    partial.state = State.CLOSED
    partial.save(update_fields=["state"])
    assert kept_open_cases() == {}
    Case.objects.create(
        number="T-2", source=Source.PATROL, description="x", unit=county.town_b, state=State.DISPATCHED
    )
    closed = Case.objects.create(number="T-3", source=Source.PATROL, description="x", state=State.CLOSED)
    assert kept_open_cases() == {(county.town_b.pk, 0): 1}
    reopened = Case.objects.get(pk=closed.pk)
    reopened.state = State.REPORTED
    reopened.save()
    assert_tally_is_a_count()
    Case.objects.get(number="T-2").delete()
    reopened.delete()
    assert kept_open_cases() == {} and counted_open_cases() == {}
    # An instance refreshed in part has its key looked up: another instance moved the case meanwhile.
    first = Case.objects.create(number="T-4", source=Source.PATROL, description="x", unit=county.town_a)
    other = Case.objects.get(pk=first.pk)
    other.unit = county.town_b
    other.save()
    first.refresh_from_db(fields=["state"])
    first.state = State.CLOSED
    first.save(update_fields=["state"])
    assert kept_open_cases() == {} and counted_open_cases() == {}


def test_a_rebuild_puts_right_what_went_round_it_and_says_how_much(county, rubbish, capsys):
    Case.objects.bulk_create(
        [
            Case(number=f"B-{i}", source=Source.PATROL, description="x", unit=county.town_a, category=rubbish)
            for i in range(3)
        ]
    )
    Case.objects.create(number="T-1", source=Source.PATROL, description="x", unit=county.town_b)
    Case.objects.filter(number="T-1").update(unit=county.town_a)  # QuerySet.update skips Case.save
    assert kept_open_cases() == {(county.town_b.pk, 0): 1}
    assert rebuild_open_tally() == 3  # two keys missing, one too many
    assert kept_open_cases() == {(county.town_a.pk, rubbish.pk): 3, (county.town_a.pk, 0): 1}
    assert rebuild_open_tally() == 0
    OpenTally.objects.update(open_cases=7)
    call_command("rebuild_open_tally")
    assert "2 counts corrected" in capsys.readouterr().out
    assert_tally_is_a_count()


@pytest.mark.django_db(transaction=True)  # the root conftest puts the shipped site types back
def test_steps_at_once_lose_no_count_and_crossing_moves_do_not_deadlock(county, new_case):
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL; SQLite serialises writes by itself")
    to_a = [actions.dispatch_case(county.office_admin, new_case(), unit=county.town_a) for _ in range(3)]
    to_b = [actions.dispatch_case(county.office_admin, new_case(), unit=county.town_b) for _ in range(3)]
    for a, b in zip(to_a, to_b, strict=True):
        # One case moves from town A to town B while another moves from B to A (the two keys crossed), and a
        # third report of the same category lands in the row the others left: every count is one upsert.
        _race(
            lambda a=a: actions.dispatch_case(
                county.office_admin, Case.objects.get(pk=a.pk), unit=county.town_b
            ),
            lambda b=b: actions.dispatch_case(
                county.office_admin, Case.objects.get(pk=b.pk), unit=county.town_a
            ),
            lambda: new_case(),
        )
    assert_tally_is_a_count()
    category = to_a[0].category_id
    assert kept_open_cases() == {
        (county.town_a.pk, category): 3,
        (county.town_b.pk, category): 3,
        (0, category): 3,
    }
    deadline = timezone.now() + dt.timedelta(days=2)
    _race(
        *[lambda c=c: actions.defer_case(county.office_admin, Case.objects.get(pk=c.pk), "停") for c in to_a]
    )
    _race(
        *[
            lambda c=c: actions.resume_case(county.office_admin, Case.objects.get(pk=c.pk), deadline)
            for c in to_a
        ]
    )
    assert_tally_is_a_count()


@pytest.mark.django_db(transaction=True)  # SQLite changes a schema only outside a transaction
def test_the_migration_counts_the_cases_already_there(county, rubbish):
    before = [("cases", "0016_case_cohort_covering_index")]
    executor = MigrationExecutor(connection)
    leaves = executor.loader.graph.leaf_nodes()
    try:
        executor.migrate(before)
        executor.loader.build_graph()
        old = executor.loader.project_state(before).apps.get_model("cases", "Case")
        rows = [
            ("reported", None, rubbish.pk),
            ("dispatched", county.town_a.pk, rubbish.pk),
            ("rectifying", county.town_a.pk, rubbish.pk),
            ("deferred", county.town_b.pk, None),
            ("closed", county.town_a.pk, rubbish.pk),
            ("rejected", None, None),
        ]
        for index, (state, unit, category) in enumerate(rows):
            old.objects.create(
                number=f"M-{index}",
                source="patrol",
                description="x",
                state=state,
                unit_id=unit,
                category_id=category,
            )
    finally:
        MigrationExecutor(connection).migrate(leaves)
    assert kept_open_cases() == {
        (0, rubbish.pk): 1,
        (county.town_a.pk, rubbish.pk): 2,
        (county.town_b.pk, 0): 1,
    }
    assert_tally_is_a_count()
