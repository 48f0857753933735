"""The survey answers' tally counted from the answers already there (as surveys.tally.counted_answers counts them,
with the models as they are at this migration)."""

import datetime as dt

from django.db import migrations
from django.db.models import Count, DateField, Q, Value
from django.db.models.functions import Cast, Coalesce, TruncMonth
from django.utils import timezone

NO_DATE = dt.date(1, 1, 1)


def fill(apps, schema_editor):
    Answer = apps.get_model("surveys", "Answer")
    AnswerTally = apps.get_model("surveys", "AnswerTally")
    month = Cast(TruncMonth("response__submitted_at", tzinfo=timezone.get_default_timezone()), DateField())
    rows = (
        Answer.objects.filter(favourable__isnull=False, response__screen_reason="")
        .annotate(town_key=Coalesce("response__town", 0), month_key=Coalesce(month, Value(NO_DATE)))
        .values_list("town_key", "question_id", "month_key")
        .annotate(n_valid=Count("id"), n_favourable=Count("id", filter=Q(favourable=True)))
        .order_by()
    )
    AnswerTally.objects.bulk_create(
        (
            AnswerTally(town_key=town, question_key=question, month=month, valid=valid, favourable=favourable)
            for town, question, month, valid, favourable in rows
        ),
        batch_size=5000,
    )


def empty(apps, schema_editor):
    apps.get_model("surveys", "AnswerTally").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("surveys", "0003_answer_tally")]

    operations = [migrations.RunPython(fill, empty)]
