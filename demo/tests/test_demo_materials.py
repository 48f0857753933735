"""Demo materials: the current quarter's requests with submissions in every state, scored into the sheets."""

from __future__ import annotations

import pytest
from auditlog.context import disable_auditlog

from demo.county import build_demo_county
from demo.framework import build_demo_edition
from demo.materials import build_demo_materials
from demo.scoring import build_demo_scores
from materials.models import EventKind, MaterialRequest, RequestEvent, RequestState, Submission
from scoring.engine import compute_sheet
from scoring.models import ComponentKind


@pytest.fixture
def demo_materials(db):
    with disable_auditlog():
        build_demo_county()
        build_demo_edition()
        build_demo_scores()
        return build_demo_materials()


def test_it_has_requests_in_every_state(demo_materials):
    assert demo_materials == MaterialRequest.objects.count() > 20
    states = set(MaterialRequest.objects.values_list("state", flat=True))
    assert states == set(RequestState.values)
    overdue = [r for r in MaterialRequest.objects.all() if r.deadline < r.issued_at.date() and r.is_open()]
    assert overdue
    assert Submission.objects.filter(state=Submission.State.RETURNED).exists()
    assert MaterialRequest.objects.filter(state=RequestState.ACCEPTED, score__isnull=False).exists()


def test_late_material_is_marked_and_its_history_has_no_made_up_deadline_change(demo_materials):
    assert not RequestEvent.objects.filter(action=EventKind.DEADLINE).exists()
    late = [r for r in MaterialRequest.objects.filter(state=RequestState.ACCEPTED) if r.was_submitted_late()]
    assert late, "the demo shows material sent after its deadline, marked and scored less the late share"


def test_the_materials_component_scores_the_towns(demo_materials):
    request = MaterialRequest.objects.filter(unit__kind="town")[0]
    scheme = request.period.schemes.get(unit_kind="town")
    assert scheme.components.get(kind=ComponentKind.MATERIAL).weight == 10
    parts = [row.component(ComponentKind.MATERIAL) for row in compute_sheet(scheme)]
    assert all(part.available for part in parts)
    assert len({part.points for part in parts}) > 2  # the towns differ


def test_a_second_load_adds_nothing(demo_materials):
    assert build_demo_materials() == 0
