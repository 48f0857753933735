import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    """TaskEvent takes the shape of every history table (core.history.Event). The columns are renamed, never
    dropped and added, so every row keeps its values; the rest only loosens (an actor may be empty, the time may
    be given) or changes labels."""

    dependencies = [
        ("framework", "0004_fill_edition_permissions"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RenameField(model_name="taskevent", old_name="kind", new_name="action"),
        migrations.RenameField(model_name="taskevent", old_name="from_progress", new_name="from_state"),
        migrations.RenameField(model_name="taskevent", old_name="to_progress", new_name="to_state"),
        migrations.AlterField(
            model_name="taskevent",
            name="actor",
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name="+", to=settings.AUTH_USER_MODEL),
        ),
        migrations.AlterField(
            model_name="taskevent",
            name="at",
            field=models.DateTimeField(default=django.utils.timezone.now, verbose_name="at"),
        ),
        migrations.AlterField(
            model_name="taskevent",
            name="from_state",
            field=models.CharField(blank=True, choices=[("not_started", "Not started"), ("in_progress", "In progress"), ("reported", "Reported done"), ("confirmed", "Confirmed")], max_length=20, verbose_name="from"),
        ),
        migrations.AlterField(
            model_name="taskevent",
            name="to_state",
            field=models.CharField(blank=True, choices=[("not_started", "Not started"), ("in_progress", "In progress"), ("reported", "Reported done"), ("confirmed", "Confirmed")], max_length=20, verbose_name="to"),
        ),
    ]
