"""The history tally counted from the history already there (as cases.tally.counted_history counts it, with the
models as they are at this migration)."""

import datetime as dt

from django.db import migrations
from django.db.models import Count, DateField, Q, Value
from django.db.models.functions import Cast, Coalesce, TruncMonth
from django.utils import timezone

NO_DATE = dt.date(1, 1, 1)
STEPS = ["dispatch", "return", "urge", "supervise"]


def fill(apps, schema_editor):
    CaseEvent = apps.get_model("cases", "CaseEvent")
    HistoryTally = apps.get_model("cases", "HistoryTally")
    month = Cast(TruncMonth("at", tzinfo=timezone.get_default_timezone()), DateField())
    rows = (
        CaseEvent.objects.filter(action__in=STEPS)
        .annotate(unit_key=Coalesce("unit_id", 0), month_key=Coalesce(month, Value(NO_DATE)))
        .values_list("unit_key", "month_key")
        .annotate(**{f"n_{step}": Count("id", filter=Q(action=step)) for step in STEPS})
        .order_by()
    )
    names = ("dispatches", "returns", "urged", "supervised")
    HistoryTally.objects.bulk_create(
        (HistoryTally(unit_key=row[0], month=row[1], **dict(zip(names, row[2:]))) for row in rows),
        batch_size=5000,
    )


def empty(apps, schema_editor):
    apps.get_model("cases", "HistoryTally").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("cases", "0021_history_tally")]

    operations = [migrations.RunPython(fill, empty)]
