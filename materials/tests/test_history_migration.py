"""The history of material requests took the common shape of history tables (core.history.Event) without losing
anything: rows written before the migration, by today's code and by the models of then, read the same after it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.apps.registry import Apps

from core.tests.migrating import across
from materials import actions
from materials.models import EventKind, RequestEvent

MIGRATION = ("materials", "0003_requestevent_common_history")
AT = dt.datetime(2026, 3, 2, 9, 30, 15, 123456, tzinfo=dt.UTC)


@pytest.mark.django_db(transaction=True)  # SQLite changes a schema only outside a transaction
def test_the_request_history_reads_the_same_after_the_migration(county, ads_a):
    actions.remind(county.office_admin, ads_a, note="请于周五前报送")

    def write(apps: Apps) -> None:
        old = apps.get_model("materials", "RequestEvent")
        old.objects.create(
            request_id=ads_a.pk,
            kind="overdue",
            from_state="requested",
            to_state="requested",
            data={"deadline": "2026-03-01"},
        )
        row = old.objects.create(
            request_id=ads_a.pk,
            kind="deadline",
            actor_id=county.office_admin.pk,
            note="延至下周 “一”",
            data={"before": "2026-03-01", "after": "2026-03-08", "n": [1, 2.5, None]},
        )
        old.objects.filter(pk=row.pk).update(at=AT)  # written at its own time: `at` was auto_now_add then

    before, after = across(MIGRATION, RequestEvent._meta.db_table, write, renamed={"kind": "action"})
    mine = [row["action"] for row in after if row["request_id"] == ads_a.pk]
    assert mine == ["issued", "reminded", "overdue", "deadline"]
    assert after == before
    assert ads_a.events.filter(action=EventKind.DEADLINE, at=AT).exists()
