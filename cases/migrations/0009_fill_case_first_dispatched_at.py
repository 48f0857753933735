"""Each case's cohort from its history: the time of its first dispatch step (DESIGN §5); a case without one in
the history (written already dispatched) keeps its dispatch time."""

from django.db import migrations
from django.db.models import F, Min, OuterRef, Subquery
from django.db.models.functions import Coalesce


def fill(apps, schema_editor):
    Case = apps.get_model("cases", "Case")
    CaseEvent = apps.get_model("cases", "CaseEvent")
    first = (
        CaseEvent.objects.filter(case=OuterRef("pk"), action="dispatch")
        .values("case")
        .annotate(first=Min("at"))
        .values("first")
    )
    Case.objects.filter(dispatched_at__isnull=False).update(
        first_dispatched_at=Coalesce(Subquery(first), F("dispatched_at"))
    )


def empty(apps, schema_editor):
    apps.get_model("cases", "Case").objects.update(first_dispatched_at=None)


class Migration(migrations.Migration):
    dependencies = [("cases", "0008_case_first_dispatched_at")]

    operations = [migrations.RunPython(fill, empty)]
