# Bulletin templates moved here from the old `reports` app: its table is taken over if it exists (rows kept).

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
                    name="BulletinTemplate",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("kind", models.CharField(choices=[("bulletin", "Score bulletin (考核通报)"), ("round", "Inspection round report (督查通报)")], default="bulletin", max_length=20, verbose_name="kind")),
                        ("name", models.CharField(max_length=100, verbose_name="name")),
                        ("file", models.FileField(upload_to="templates/", verbose_name="Word template (.docx)")),
                        ("is_active", models.BooleanField(default=True, verbose_name="active")),
                        ("uploaded_at", models.DateTimeField(auto_now_add=True)),
                        ("uploaded_by", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="+", to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        "verbose_name": "bulletin template",
                        "verbose_name_plural": "bulletin templates",
                        "ordering": ["-uploaded_at"],
                    },
                ),
            ],
        ),
        adopt_table("bulletins", "BulletinTemplate", "reports"),
    ]
