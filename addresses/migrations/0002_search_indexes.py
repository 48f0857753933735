"""PostgreSQL's own indexes for the registry (no PostGIS): GiST on point(lon, lat) for the reverse lookup's
nearest-neighbour scan, and pg_trgm (a trusted extension: a database owner may create it) for the search, so
`search_keys LIKE '% rmlu%'` and `name LIKE '%人民路%'` read an index instead of every row. SQLite keeps the plain
scans: the embedded default serves a county, not a city."""

from django.db import migrations

TABLES = ("addresses_road", "addresses_place")
POINT_TABLES = ("addresses_doorplate", "addresses_place")


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for table in TABLES:
        for column in ("search_keys", "name"):
            schema_editor.execute(
                f"CREATE INDEX IF NOT EXISTS {table}_{column}_trgm ON {table} USING gin ({column} gin_trgm_ops)"
            )
    # The reverse lookup's k-nearest-neighbour scan: ORDER BY point(lon, lat) <-> point(x, y) (no PostGIS).
    for table in POINT_TABLES:
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {table}_knn ON {table} USING gist (point(lon, lat))")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        for column in ("search_keys", "name"):
            schema_editor.execute(f"DROP INDEX IF EXISTS {table}_{column}_trgm")
    for table in POINT_TABLES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {table}_knn")


class Migration(migrations.Migration):
    dependencies = [("addresses", "0001_initial")]
    operations = [migrations.RunPython(create, drop, elidable=False)]
