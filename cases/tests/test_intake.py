"""Filing a case is cheap: a fixed, small number of queries, the grid from memory, the history in one INSERT."""

from __future__ import annotations

import json

from auditlog.models import LogEntry
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.conftest import IN_GRID_A, IN_GRID_B
from cases.models import Case, CaseEvent
from cases.tests.test_duplicates_relapses import close_case
from conftest import square
from org.actions import save_grid


def _statements(context: CaptureQueriesContext) -> list[str]:
    """The SQL sent, without the savepoints the test's own transaction adds around each atomic block."""
    return [q["sql"] for q in context.captured_queries if "SAVEPOINT" not in q["sql"]]


def test_it_files_a_case_with_one_statement_per_row_written(county, new_case):
    new_case()  # loads the grids into memory
    with CaptureQueriesContext(connection) as context:
        case = new_case(reporter_phone="13800000000")
    sql = _statements(context)
    # The relapse lookup, then the number, the case, its count in the open tally and its history: on PostgreSQL
    # one statement.
    assert sql[0].startswith("SELECT") and "cases_case" in sql[0]
    if connection.vendor == "postgresql":
        assert len(sql) == 2, sql
        assert sql[1].lstrip().startswith('WITH drawn AS (INSERT INTO "cases_casecounter"')
    else:
        assert len(sql) == 5, sql
        assert sql[1].startswith('INSERT INTO "cases_casecounter"') and "RETURNING" in sql[1]
        assert [s.split()[2] for s in sql[2:]] == ['"cases_case"', '"cases_opentally"', '"cases_caseevent"']
    assert case.grid_id == county.grid_a.pk and case.number.endswith("000002")
    assert list(case.events.values_list("action", flat=True)) == [CaseEvent.Action.REPORT]


def test_its_creation_is_in_its_history_and_its_changes_in_the_audit_log(county, new_case):
    case = new_case(reporter_phone="13800000000")
    report = case.events.get()
    assert (report.action, report.actor, report.to_state) == (
        CaseEvent.Action.REPORT,
        county.inspector,
        "reported",
    )
    assert not LogEntry.objects.get_for_object(case).exists()  # the case row is what was filed
    case.reporter_phone, case.description = "13900000000", "井盖缺失（已核实位置）"
    case.save()
    entry = LogEntry.objects.get_for_object(case).get()
    assert entry.action == LogEntry.Action.UPDATE
    assert entry.changes_dict["description"][0] == "路边暴露垃圾一堆"  # the value as filed
    assert "13800000000" not in json.dumps(entry.changes_dict)
    assert "13900000000" not in json.dumps(entry.changes_dict)
    assert not {"photos", "events", "citizen_report", "hotline_ticket"} & set(entry.changes_dict)


def test_the_api_files_a_case_in_a_bounded_number_of_queries(county, login, rubbish):
    client = login(county.inspector)
    body = {
        "source": "patrol",
        "description": "井盖缺失",
        "category_id": rubbish.pk,
        "lon": 117.005,
        "lat": 35.505,
    }
    client.post("/api/v1/cases", json.dumps(body), content_type="application/json")
    with CaptureQueriesContext(connection) as context:
        response = client.post("/api/v1/cases", json.dumps(body), content_type="application/json")
    assert response.status_code == 201
    # Session and person (every request), the category, the relapse lookup, filing (one statement on PostgreSQL,
    # four elsewhere: the number, the case, its count in the open tally, its history); the session is not saved
    # again within the minute (core.middleware.IdleTimeoutMiddleware).
    filing = 1 if connection.vendor == "postgresql" else 4
    assert len(_statements(context)) == 4 + filing, _statements(context)


def test_a_grid_redrawn_by_the_office_routes_the_next_case_at_once(county, new_case):
    assert new_case(at=IN_GRID_B).grid_id == county.grid_b.pk
    # Grid A now also covers B's square (and comes first by code): the next case there falls in A.
    save_grid(
        county.office_admin,
        county.grid_a,
        code=county.grid_a.code,
        name=county.grid_a.name,
        unit=county.grid_a.unit,
        boundary=square(117.00, 35.50, size=0.02),
    )
    assert new_case(at=IN_GRID_B).grid_id == county.grid_a.pk
    assert new_case(at=(120.0, 30.0)).grid_id is None
    assert Case.objects.filter(grid=county.grid_a).count() == 1


def test_it_links_a_relapse_in_the_same_history_insert(county, new_case):
    origin = close_case(county, new_case())
    again = new_case(at=(IN_GRID_A[0], IN_GRID_A[1] + 0.0001))
    assert again.relapse_of_id == origin.pk
    assert again.events.filter(action=CaseEvent.Action.RELAPSE).count() == 1
    relapse = origin.events.get(action=CaseEvent.Action.RELAPSE)
    assert relapse.data == {"case": again.number, "origin": origin.number}
    assert relapse.to_state == origin.state
