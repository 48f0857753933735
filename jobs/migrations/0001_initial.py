# Background files moved here from the old `reports` app: its table is taken over if it exists (rows kept).

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from core.migrating import adopt_table


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="GeneratedFile",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("kind", models.CharField(max_length=40)),
                        ("params", models.JSONField(default=dict)),
                        ("status", models.CharField(choices=[("queued", "Queued"), ("running", "Running"), ("done", "Done"), ("failed", "Failed")], default="queued", max_length=10)),
                        ("progress", models.PositiveSmallIntegerField(default=0)),
                        ("file", models.FileField(blank=True, upload_to="generated/%Y/%m/")),
                        ("filename", models.CharField(blank=True, max_length=200)),
                        ("error", models.CharField(blank=True, max_length=300)),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        ("finished_at", models.DateTimeField(blank=True, null=True)),
                        ("created_by", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="+", to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        "verbose_name": "generated file",
                        "verbose_name_plural": "generated files",
                        "ordering": ["-created_at"],
                    },
                ),
            ],
        ),
        adopt_table("jobs", "GeneratedFile", "reports"),
    ]
