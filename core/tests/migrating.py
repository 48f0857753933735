"""Taking one app's migration back and forth inside a test, to show that it keeps every row as it was.

The test using it must be transactional (`django_db(transaction=True)`): SQLite changes a table's schema only
outside a transaction.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.apps.registry import Apps
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

Row = dict[str, Any]


def table_rows(table: str, renamed: dict[str, str] | None = None) -> list[Row]:
    """Every row of `table` as the database holds it (columns named as after `renamed`), by id."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)} ORDER BY id")
        names = [(renamed or {}).get(column[0], column[0]) for column in cursor.description]
        return [dict(zip(names, values, strict=True)) for values in cursor.fetchall()]


def across(
    migration: tuple[str, str], table: str, write: Callable[[Apps], None], renamed: dict[str, str]
) -> tuple[list[Row], list[Row]]:
    """Migrate `migration`'s app back to just before it, let `write` add rows with the models of then, read
    `table`; migrate everything forward again and read it again. Columns the migration renames are given under
    their new names in both readings (`renamed`: old name → new name), so the two compare as they are."""
    executor = MigrationExecutor(connection)
    leaves = executor.loader.graph.leaf_nodes()
    node = executor.loader.graph.node_map[migration]
    previous = [parent.key for parent in node.parents if parent.key[0] == migration[0]]
    try:
        executor.migrate(previous)
        executor.loader.build_graph()
        write(executor.loader.project_state(previous).apps)
        before = table_rows(table, renamed)
    finally:
        MigrationExecutor(connection).migrate(leaves)
    return before, table_rows(table)
