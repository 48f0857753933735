# The period moved to core (core 0002 renamed its table): schemes point at it there, and scoring forgets its copy.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0002_period"),
        ("materials", "0002_period_in_core"),
        ("scoring", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="scheme",
                    name="period",
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="schemes", to="core.period", verbose_name="period"),
                ),
                migrations.DeleteModel(name="Period"),
            ],
        ),
    ]
