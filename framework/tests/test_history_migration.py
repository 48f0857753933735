"""The task history took the common shape of history tables (core.history.Event) without losing anything: rows
written before the migration, by today's code and by the models of then, read the same after it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.apps.registry import Apps

from core.tests.migrating import across
from framework import actions
from framework.models import Edition, EditionLevel, TaskEvent
from framework.tree import EditionBuilder

MIGRATION = ("framework", "0005_taskevent_common_history")
AT = dt.datetime(2026, 3, 2, 9, 30, 15, 123456, tzinfo=dt.UTC)
RENAMED = {"kind": "action", "from_progress": "from_state", "to_progress": "to_state"}


@pytest.mark.django_db(transaction=True)  # SQLite changes a schema only outside a transaction
def test_the_task_history_reads_the_same_after_the_migration(county):
    edition = Edition.objects.create(name="迁移测试版", level=EditionLevel.LOCAL, year=2026)
    node = EditionBuilder(edition).node([("Ⅰ-1", "公共环境")])
    task = actions.assign_task(
        county.office_admin, node=node, lead_unit=county.town_a, deadline=dt.date(2026, 12, 1), note="分解"
    )
    share = task.units.get()
    actions.report_progress(county.handler_a, share, "已制定方案")

    def write(apps: Apps) -> None:
        old = apps.get_model("framework", "TaskEvent")
        row = old.objects.create(
            task_id=task.pk,
            task_unit_id=share.pk,
            kind="reported",
            from_progress="in_progress",
            to_progress="reported",
            actor_id=county.handler_a.pk,
            note="已完成 “全部”",
            data={"n": [1, 2.5, None], "text": "中文"},
        )
        old.objects.filter(pk=row.pk).update(at=AT)  # written at its own time: `at` was auto_now_add then
        old.objects.create(
            task_id=task.pk, task_unit_id=share.pk, kind="reminded", actor_id=county.office_admin.pk
        )

    before, after = across(MIGRATION, TaskEvent._meta.db_table, write, RENAMED)
    assert [row["action"] for row in after] == ["assigned", "progress", "reported", "reminded"]
    assert after == before
    assert list(share.events.order_by("pk").values_list("from_state", "to_state")) == [
        ("not_started", "in_progress"),
        ("in_progress", "reported"),
        ("", ""),
    ]
