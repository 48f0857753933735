"""Two people act on the same case at the same moment: exactly one wins, the other is told clearly."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from cases import actions
from cases.conftest import photo
from cases.models import Case, CaseEvent, State


def _race(*steps) -> list[object]:
    """Run the steps in threads (each on its own database connection), released together by a barrier."""
    barrier = threading.Barrier(len(steps))
    results: list[object] = [None] * len(steps)

    def run(index: int, step) -> None:
        try:
            barrier.wait()
            results[index] = step()
        except Exception as exc:  # the loser's exception is the result we check
            results[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, step)) for i, step in enumerate(steps)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


@pytest.mark.django_db(transaction=True)  # the root conftest puts the shipped site types back
def test_two_office_staff_verify_and_rework_at_once_and_exactly_one_wins(county, new_case):
    if connection.vendor != "postgresql":
        pytest.skip("row locks (select_for_update) need PostgreSQL; SQLite serialises writes by itself")
    case = actions.dispatch_case(county.inspector, new_case(), unit=county.town_a)
    case = actions.report_back(county.handler_a, case, "已清理", [photo()])
    for _round in range(5):
        results = _race(
            lambda: actions.verify_case(county.office_admin, Case.objects.get(pk=case.pk), "通过"),
            lambda: actions.rework_case(county.inspector, Case.objects.get(pk=case.pk), "不合格"),
        )
        winners = [r for r in results if isinstance(r, Case)]
        losers = [r for r in results if isinstance(r, actions.CaseConflict)]
        assert len(winners) == 1 and len(losers) == 1, results
        assert "no longer possible" in str(losers[0])
        final = Case.objects.get(pk=case.pk)
        assert final.state == winners[0].state
        assert CaseEvent.objects.filter(case=case, action__in=["verify", "rework"]).count() == _round + 1
        if final.state == State.CLOSED:
            break
        actions.report_back(county.handler_a, final, "再次整改", [photo()])


@pytest.mark.django_db(transaction=True)  # the root conftest puts the shipped site types back
def test_two_cases_filed_at_once_get_different_numbers(county, new_case):
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers need PostgreSQL; SQLite serialises writes by itself")
    results = _race(*[new_case for _ in range(6)])
    numbers = [r.number for r in results if isinstance(r, Case)]
    assert len(numbers) == 6 and len(set(numbers)) == 6, results
