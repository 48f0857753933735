import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    """RequestEvent takes the shape of every history table (core.history.Event). `kind` is renamed, never dropped
    and added, so every row keeps its value; the rest only widens (20 characters like the other tables), lets the
    time be given, or changes labels."""

    dependencies = [
        ("materials", "0002_period_in_core"),
    ]

    operations = [
        migrations.RenameField(model_name="requestevent", old_name="kind", new_name="action"),
        migrations.AlterField(
            model_name="requestevent",
            name="action",
            field=models.CharField(choices=[("issued", "Requested"), ("submitted", "Submitted"), ("returned", "Returned to the unit"), ("accepted", "Accepted"), ("scored", "Score changed"), ("reminded", "Reminder (催办)"), ("overdue", "Overdue"), ("escalated", "Escalated to the unit head"), ("deadline", "Deadline changed")], max_length=20, verbose_name="event"),
        ),
        migrations.AlterField(
            model_name="requestevent",
            name="at",
            field=models.DateTimeField(default=django.utils.timezone.now, verbose_name="at"),
        ),
        migrations.AlterField(
            model_name="requestevent",
            name="from_state",
            field=models.CharField(blank=True, choices=[("requested", "Not started"), ("draft", "Draft saved"), ("submitted", "Awaiting review"), ("returned", "Returned"), ("accepted", "Accepted")], max_length=20, verbose_name="from"),
        ),
        migrations.AlterField(
            model_name="requestevent",
            name="note",
            field=models.TextField(blank=True, verbose_name="note"),
        ),
        migrations.AlterField(
            model_name="requestevent",
            name="to_state",
            field=models.CharField(blank=True, choices=[("requested", "Not started"), ("draft", "Draft saved"), ("submitted", "Awaiting review"), ("returned", "Returned"), ("accepted", "Accepted")], max_length=20, verbose_name="to"),
        ),
    ]
