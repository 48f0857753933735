"""The cohort and held-case tallies counted from the cases already there (as cases.tally.counted_cohort and
counted_held count them, with the models as they are at this migration)."""

import datetime as dt

from django.db import migrations
from django.db.models import Count, DateField, Q, Value
from django.db.models.functions import Cast, Coalesce, TruncMonth
from django.utils import timezone

NO_DATE = dt.date(1, 1, 1)
UNIT_STATES = ["dispatched", "rectifying"]


def _month(field):
    month = Cast(TruncMonth(field, tzinfo=timezone.get_default_timezone()), DateField())
    return Coalesce(month, Value(NO_DATE, output_field=DateField()))


def fill(apps, schema_editor):
    Case = apps.get_model("cases", "Case")
    CohortTally = apps.get_model("cases", "CohortTally")
    HeldTally = apps.get_model("cases", "HeldTally")
    closed = Q(state="closed")
    rows = (
        Case.objects.filter(unit__isnull=False, first_dispatched_at__isnull=False)
        .annotate(month_key=_month("first_dispatched_at"), deadline_key=_month("deadline"))
        .values_list("unit_id", "month_key", "deadline_key")
        .annotate(
            n_dispatched=Count("id"),
            n_closed=Count("id", filter=closed),
            n_on_time=Count("id", filter=closed & Q(closed_on_time=True)),
            n_back=Count("id", filter=Q(submit_count__gt=0)),
            n_reworked=Count("id", filter=Q(rework_count__gt=0)),
            n_extended=Count("id", filter=Q(extension_count__gt=0)),
            n_pending=Count("id", filter=~closed & ~Q(state="deferred") & Q(deadline__isnull=False)),
        )
        .order_by()
    )
    names = ("dispatched", "closed", "closed_on_time", "reported_back", "reworked", "extended", "pending")
    CohortTally.objects.bulk_create(
        (
            CohortTally(unit_key=row[0], month=row[1], deadline_month=row[2], **dict(zip(names, row[3:])))
            for row in rows
        ),
        batch_size=5000,
    )
    held = (
        Case.objects.filter(state__in=UNIT_STATES, deadline__isnull=False)
        .annotate(unit_key=Coalesce("unit_id", 0), deadline_key=_month("deadline"))
        .values_list("unit_key", "deadline_key")
        .annotate(n=Count("id"))
        .order_by()
    )
    HeldTally.objects.bulk_create(
        (HeldTally(unit_key=unit, deadline_month=month, held=n) for unit, month, n in held), batch_size=5000
    )


def empty(apps, schema_editor):
    apps.get_model("cases", "CohortTally").objects.all().delete()
    apps.get_model("cases", "HeldTally").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("cases", "0019_case_tallies")]

    operations = [migrations.RunPython(fill, empty)]
