"""The demo county's local quarterly framework: points, checklists, survey targets, a task breakdown."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from demo.framework import EDITION_NAME
from framework.models import Edition, MethodKind, Progress, RuleKind, SiteType, TaskEvent, TaskUnit
from framework.queries import active_edition, checklist_for


@pytest.fixture
def demo(demo_county, db):
    """The demo county (built once for the module), each test in its own savepoint."""


def test_it_builds_the_active_quarterly_edition_with_100_points(demo):
    edition = active_edition()
    assert edition is not None and edition.name == EDITION_NAME
    assert sum(c.points for c in edition.criteria.all()) == 100
    assert set(edition.criteria.values_list("rule_kind", flat=True)) == set(RuleKind.values)


def test_site_types_have_checklists_with_deductions_and_surveys_have_targets(demo):
    items = list(checklist_for(SiteType.objects.get(code="17")))
    assert len(items) == 5 and all(item.deduction > 0 for item in items)
    edition = active_edition()
    assert edition is not None
    surveys = edition.criteria.filter(requirements__kind=MethodKind.SURVEY)
    assert surveys.count() >= 4
    assert not surveys.filter(
        requirements__kind=MethodKind.SURVEY, requirements__target_rate__isnull=True
    ).exists()


def test_the_breakdown_has_every_progress_state_and_a_history(demo):
    assert set(TaskUnit.objects.values_list("progress", flat=True)) == set(Progress.values)
    for share in TaskUnit.objects.exclude(progress=Progress.NOT_STARTED)[:20]:
        assert TaskEvent.objects.filter(task_unit=share, to_state=share.progress).exists()
    assert TaskEvent.objects.filter(action="reminded").exists()


def test_it_is_idempotent(demo):
    editions, shares = Edition.objects.count(), TaskUnit.objects.count()
    call_command("demo", stdout=io.StringIO())
    assert (Edition.objects.count(), TaskUnit.objects.count()) == (editions, shares)
