# The request's period is now core's (same table, renamed in core 0002): the state follows, the database already has.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0002_period"),
        ("materials", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="materialrequest",
                    name="period",
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="+", to="core.period", verbose_name="period"),
                ),
            ],
        ),
    ]
