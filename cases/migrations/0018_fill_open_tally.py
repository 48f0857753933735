"""The open-case tally counted from the cases already there (cases.tally.rebuild_open_tally, with the models as
they are at this migration)."""

from django.db import migrations
from django.db.models import Count

OPEN_STATES = ["reported", "accepted", "dispatched", "returned", "rectifying", "submitted", "deferred"]


def fill(apps, schema_editor):
    Case = apps.get_model("cases", "Case")
    OpenTally = apps.get_model("cases", "OpenTally")
    rows = (
        Case.objects.filter(state__in=OPEN_STATES)
        .values_list("unit_id", "category_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    OpenTally.objects.bulk_create(
        OpenTally(unit_key=unit or 0, category_key=category or 0, open_cases=n) for unit, category, n in rows
    )


def empty(apps, schema_editor):
    apps.get_model("cases", "OpenTally").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("cases", "0017_open_tally_and_held_deadline_unit")]

    operations = [migrations.RunPython(fill, empty)]
