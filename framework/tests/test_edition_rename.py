"""The rename Framework → Edition keeps every edition, what points at it, its content type (the audit trail
hangs on it) and its permissions."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.state import StateApps

BEFORE = [("framework", "0002_fill_site_types")]
AFTER = [("framework", "0004_fill_edition_permissions")]


def migrate(targets: list[tuple[str, str]]) -> StateApps:
    # The command, not the executor: its pre-migrate hook is what renames the content type.
    for app, name in targets:
        call_command("migrate", app, name, verbosity=0)
    return MigrationLoader(connection).project_state(targets).apps


@pytest.fixture
def before() -> Iterator[StateApps]:
    try:
        state = migrate(BEFORE)
        # As on a database that never had the new name (the command just made it for the current models).
        ContentType.objects.filter(app_label="framework", model="edition").delete()
        yield state
    finally:
        # The next tests expect the latest schema, whatever happened here (later migrations included).
        call_command("migrate", "framework", verbosity=0)


@pytest.mark.django_db(transaction=True)  # migrations run outside a test transaction
def test_it_keeps_the_editions_their_content_type_and_permissions(before: StateApps) -> None:
    Framework = before.get_model("framework", "Framework")
    Node = before.get_model("framework", "Node")
    ContentType = before.get_model("contenttypes", "ContentType")
    Permission = before.get_model("auth", "Permission")
    Group = before.get_model("auth", "Group")
    edition = Framework.objects.create(
        name="老版本", level="local", year=2025, status="published", active=True
    )
    Node.objects.create(edition=edition, level=1, code="Ⅰ", title="项目")
    content_type, _new = ContentType.objects.get_or_create(app_label="framework", model="framework")
    change, _new = Permission.objects.get_or_create(
        content_type=content_type,
        codename="change_framework",
        defaults={"name": "Can change framework edition"},
    )
    Group.objects.create(name="编辑").permissions.add(change)

    after = migrate(AFTER)

    kept = after.get_model("framework", "Edition").objects.get(pk=edition.pk)
    assert (kept.name, kept.active, kept.nodes.get().title) == ("老版本", True, "项目")
    moved = after.get_model("contenttypes", "ContentType").objects.get(pk=content_type.pk)
    assert (moved.app_label, moved.model) == ("framework", "edition")
    group = after.get_model("auth", "Group").objects.get(name="编辑")
    assert list(group.permissions.values_list("pk", "codename")) == [(change.pk, "change_edition")]
