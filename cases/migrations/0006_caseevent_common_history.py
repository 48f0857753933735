import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    """CaseEvent takes the shape of every history table (core.history.Event): a person who acted on a case can no
    longer be deleted from under its history (the history kept their name only until then). No column changes."""

    dependencies = [
        ("cases", "0005_drop_indexes_covered_by_composites"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name="caseevent",
            name="actor",
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name="+", to=settings.AUTH_USER_MODEL),
        ),
    ]
