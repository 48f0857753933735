"""The case history took the common shape of history tables (core.history.Event) without losing anything: rows
written before the migration, by today's code and by the models of then, read the same after it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.apps.registry import Apps

from cases import actions
from cases.models import CaseEvent
from core.tests.migrating import across

MIGRATION = ("cases", "0006_caseevent_common_history")
AT = dt.datetime(2026, 3, 2, 9, 30, 15, 123456, tzinfo=dt.UTC)


@pytest.mark.django_db(transaction=True)  # SQLite changes a schema only outside a transaction
def test_the_case_history_reads_the_same_after_the_migration(county, new_case):
    case = new_case()
    actions.accept_case(county.inspector, case, note="属实")

    def write(apps: Apps) -> None:
        old = apps.get_model("cases", "CaseEvent")
        old.objects.create(
            case_id=case.pk,
            action="dispatch",
            from_state="accepted",
            to_state="dispatched",
            unit_id=county.town_a.pk,
            actor_id=county.inspector.pk,
            at=AT,
            note="请于今日处理 “路边”",
            data={"deadline": "2026-03-03T09:30:00+08:00", "redispatch": False, "n": [1, 2.5, None]},
        )
        old.objects.create(case_id=case.pk, action="overdue", from_state="dispatched", to_state="dispatched")

    before, after = across(MIGRATION, CaseEvent._meta.db_table, write, renamed={})
    assert [row["action"] for row in after] == ["report", "accept", "dispatch", "overdue"]
    assert after == before
    assert list(case.events.values_list("actor", flat=True)) == [county.inspector.pk] * 3 + [None]
