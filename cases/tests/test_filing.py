"""The rows of a new case are the same whichever way they are written: one statement on PostgreSQL, the ORM
elsewhere (and on PostgreSQL for cases with photos or a relapse)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, transaction
from django.forms.models import model_to_dict
from django.utils import timezone

from cases.filing import file_rows, insert_rows, next_number
from cases.models import Case, CaseCounter, CaseEvent, Priority, Source

pytestmark = pytest.mark.django_db


def _twin(county, rubbish) -> tuple[Case, CaseEvent]:
    now = timezone.now().replace(microsecond=123456)
    case = Case(
        source=Source.HOTLINE_12345,
        description="人行道破损<b>",
        category=rubbish,
        lon=117.0051,
        lat=35.5052,
        grid=county.grid_a,
        address="新华路 12 号",
        site_name="新华农贸市场",
        priority=Priority.URGENT,
        reporter_name="张女士",
        reporter_phone="13800000000",
        reported_at=now,
        created_by=county.inspector,
    )
    case.snapshot_category()
    event = CaseEvent(
        case=case,
        action=CaseEvent.Action.REPORT,
        to_state=case.state,
        unit=None,
        actor=county.inspector,
        at=now,
        data={"source": Source.HOTLINE_12345, "说明": "热线"},
    )
    return case, event


def _row(instance, skip: set[str]) -> dict:
    fresh = type(instance).objects.get(pk=instance.pk)
    fields = [f.name for f in type(instance)._meta.concrete_fields if f.name not in skip]
    return model_to_dict(fresh, fields=fields) | {
        name: getattr(fresh, name) for name in fields if name in {"created_at", "updated_at"}
    }


def test_both_ways_write_the_same_rows(county, rubbish):
    year = timezone.localtime().year
    fast, fast_event = _twin(county, rubbish)
    file_rows(fast, fast_event, year)
    plain, plain_event = _twin(county, rubbish)
    plain.number = next_number(year)
    insert_rows(plain, [plain_event])

    assert fast.pk and fast_event.pk and fast_event.case_id == fast.pk
    assert int(plain.number[-6:]) == int(fast.number[-6:]) + 1  # one counter for both
    moving = {"id", "number", "created_at", "updated_at"}
    assert _row(fast, moving) == _row(plain, moving)
    assert _row(fast_event, {"id", "case"}) == _row(plain_event, {"id", "case"})
    assert Case.objects.get(pk=fast.pk).events.get().pk == fast_event.pk
    assert fast.reported_at == Case.objects.get(pk=fast.pk).reported_at  # microseconds kept


def test_the_first_case_of_a_year_starts_the_counter(county, rubbish):
    case, event = _twin(county, rubbish)
    case.reported_at = event.at = dt.datetime(2031, 1, 1, 0, 5, tzinfo=dt.UTC)
    file_rows(case, event, 2031)
    assert case.number == "2031-000001"
    assert next_number(2031) == "2031-000002"


def test_a_statement_that_fails_writes_nothing(county, rubbish):
    case, event = _twin(county, rubbish)
    # NOT NULL: the history row fails, so the case and the drawn number go too.
    event.action = None  # type: ignore[assignment]  # the wrong value on purpose
    before = Case.objects.count()
    with pytest.raises(IntegrityError), transaction.atomic():
        file_rows(case, event, 2032)
    assert Case.objects.count() == before
    assert next_number(2032) == "2032-000001"


def test_a_serial_past_a_million_keeps_all_its_digits(county, rubbish):
    CaseCounter.objects.create(year=2033, last=999_999)
    case, event = _twin(county, rubbish)
    file_rows(case, event, 2033)
    plain, plain_event = _twin(county, rubbish)
    plain.number = next_number(2033)
    insert_rows(plain, [plain_event])
    assert (case.number, plain.number) == ("2033-1000000", "2033-1000001")
