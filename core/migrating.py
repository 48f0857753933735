"""Migration operations for moving a model to another app without losing its rows.

Used when an app is split or renamed and the old app leaves the project: the new app's first migration takes over
the old table if the database has one (renamed, every row kept, the content type and its permissions and audit
entries following), and creates the table on a fresh database.
"""

from __future__ import annotations

from django.apps.registry import Apps
from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor


def adopt_table(app_label: str, model_name: str, old_app_label: str) -> migrations.RunPython:
    """An operation, placed after the model's state-only CreateModel, that renames `<old_app_label>_<model>` to the
    model's table if it exists and creates the table otherwise."""
    old_table = f"{old_app_label}_{model_name.lower()}"

    def forwards(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
        model = apps.get_model(app_label, model_name)
        if old_table in schema_editor.connection.introspection.table_names():
            schema_editor.alter_db_table(model, old_table, model._meta.db_table)
            content_types = apps.get_model("contenttypes", "ContentType").objects
            if not content_types.filter(app_label=app_label, model=model_name.lower()).exists():
                content_types.filter(app_label=old_app_label, model=model_name.lower()).update(
                    app_label=app_label
                )
        else:
            schema_editor.create_model(model)

    def backwards(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
        model = apps.get_model(app_label, model_name)
        schema_editor.alter_db_table(model, model._meta.db_table, old_table)
        content_types = apps.get_model("contenttypes", "ContentType").objects
        content_types.filter(app_label=app_label, model=model_name.lower()).update(app_label=old_app_label)

    return migrations.RunPython(forwards, backwards)
