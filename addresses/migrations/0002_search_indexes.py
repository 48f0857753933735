"""Trigram indexes for the address search on PostgreSQL (pg_trgm, a trusted extension: a database owner may
create it). `search_keys LIKE '% rmlu%'` and `name LIKE '%人民%'` then read the index instead of every row.
SQLite keeps the plain scan: the embedded default serves a county, not a city."""

from django.db import migrations

TABLES = ("addresses_road", "addresses_place")


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for table in TABLES:
        for column in ("search_keys", "name"):
            schema_editor.execute(
                f"CREATE INDEX IF NOT EXISTS {table}_{column}_trgm ON {table} USING gin ({column} gin_trgm_ops)"
            )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        for column in ("search_keys", "name"):
            schema_editor.execute(f"DROP INDEX IF EXISTS {table}_{column}_trgm")


class Migration(migrations.Migration):
    dependencies = [("addresses", "0001_initial")]
    operations = [migrations.RunPython(create, drop, elidable=False)]
