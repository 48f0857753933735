# The period moves from scoring to the ground (materials and scoring both use it). Its table is renamed, every row
# kept; the audit log's content type follows the model.

from django.db import migrations, models


def move_content_type(apps, schema_editor, old="scoring", new="core"):
    ContentType = apps.get_model("contenttypes", "ContentType")
    if not ContentType.objects.filter(app_label=new, model="period").exists():
        ContentType.objects.filter(app_label=old, model="period").update(app_label=new)


def move_content_type_back(apps, schema_editor):
    move_content_type(apps, schema_editor, old="core", new="scoring")


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("core", "0001_initial"),
        # Every table with a foreign key to the period is created first, so the rename carries its reference.
        ("materials", "0001_initial"),
        ("scoring", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Period",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("kind", models.CharField(choices=[("month", "Month"), ("quarter", "Quarter"), ("year", "Year")], max_length=10, verbose_name="kind")),
                        ("year", models.PositiveIntegerField(verbose_name="year")),
                        ("number", models.PositiveSmallIntegerField(default=1, help_text="Month 1–12 or quarter 1–4.", verbose_name="number")),
                    ],
                    options={
                        "verbose_name": "period",
                        "verbose_name_plural": "periods",
                        "ordering": ["-year", "kind", "-number"],
                        "constraints": [models.UniqueConstraint(fields=("kind", "year", "number"), name="period_unique")],
                    },
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    'ALTER TABLE "scoring_period" RENAME TO "core_period"',
                    reverse_sql='ALTER TABLE "core_period" RENAME TO "scoring_period"',
                ),
            ],
        ),
        migrations.RunPython(move_content_type, move_content_type_back),
    ]
