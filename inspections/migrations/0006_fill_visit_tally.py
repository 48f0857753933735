"""The inspections' tally counted from the inspections already there (as inspections.tally.counted_visit_tally
counts them, with the models as they are at this migration): a visit's 得分率 in units of 10⁻¹², rounded half up."""

import datetime as dt

from django.db import migrations
from django.utils import timezone


def fill(apps, schema_editor):
    Visit = apps.get_model("inspections", "Visit")
    VisitTally = apps.get_model("inspections", "VisitTally")
    zone = timezone.get_default_timezone()
    counted = Visit.objects.filter(status="submitted", points_at_stake__gt=0).exclude(
        round__kind__in=["secret"], round__published_at__isnull=True
    )
    totals = {}
    rows = counted.values_list("site__town", "site__keeper", "submitted_at", "points_kept", "points_at_stake")
    for town, keeper, at, kept, stake in rows.iterator(chunk_size=5000):
        local = at.astimezone(zone)
        key = (town, keeper, dt.date(local.year, local.month, 1))
        kept, stake = int(kept * 100), int(stake * 100)
        n, units = totals.get(key, (0, 0))
        totals[key] = (n + 1, units + (2 * kept * 10**12 + stake) // (2 * stake))
    VisitTally.objects.bulk_create(
        (
            VisitTally(town_key=town, keeper_key=keeper, month=month, visits=n, rate_units=units)
            for (town, keeper, month), (n, units) in totals.items()
        ),
        batch_size=5000,
    )


def empty(apps, schema_editor):
    apps.get_model("inspections", "VisitTally").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("inspections", "0005_visit_tally")]

    operations = [migrations.RunPython(fill, empty)]
