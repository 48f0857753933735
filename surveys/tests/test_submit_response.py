"""Submitting responses: screening, rates against a hand-computed fixture, idempotency, flags and permissions."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from surveys.actions import submit_response
from surveys.models import Channel, Response, SurveyRun
from surveys.queries import flag_counts, quota_progress, rates
from surveys.tests.conftest import submission


def _submit(run, questionnaire, person, unit, **answers):
    return submit_response(
        run, questionnaire, submission(questionnaire, unit, **answers), Channel.HOUSEHOLD, person
    )


def test_rates_match_the_hand_computed_fixture(county, run, questionnaire):
    s = county.surveyor
    _submit(run, questionnaire, s, county.community_a, support="A", rating=5)
    _submit(run, questionnaire, s, county.community_a, support="A", rating=3)
    _submit(run, questionnaire, s, county.community_a, support="B", rating=4)
    _submit(run, questionnaire, s, county.community_b, support="C", rating=None)
    _submit(run, questionnaire, s, county.community_b, support="A", rating=5, age=70)  # screened out: age
    _submit(
        run, questionnaire, s, county.community_b, support="A", rating=5, months=3
    )  # screened out: residence
    rows = {row.question.order: row.rate for row in rates(run, run.responses.all())}
    assert (rows[1].favourable, rows[1].valid) == (2, 4)  # A, A, B, C → 2/4
    assert (rows[2].favourable, rows[2].valid) == (2, 3)  # 5, 3, 4 (one unanswered) → 2/3
    assert rows[1].status == "close", "50% is below 80%, but with four answers the interval reaches 85%"
    by_town = {(row.question.order, row.group): row.rate for row in rates(run, run.responses.all(), "town")}
    assert (by_town[(1, "城关街道")].favourable, by_town[(1, "城关街道")].valid) == (2, 3)
    assert (by_town[(1, "柳河镇")].favourable, by_town[(1, "柳河镇")].valid) == (0, 1)
    flags = flag_counts(run.responses.all())
    assert (flags["total"], flags["valid"], flags["screened_out"]) == (6, 4, 2)


def test_quotas_count_valid_responses_per_community_and_per_town(county, run, questionnaire):
    s = county.surveyor
    _submit(run, questionnaire, s, county.community_a)
    _submit(run, questionnaire, s, county.community_a, age=12)
    _submit(run, questionnaire, s, county.community_b)
    progress = {
        row.quota.unit.name: (row.filled, row.quota.target)
        for row in quota_progress(run, run.responses.all())
    }
    assert progress == {"新华社区": (1, 3), "柳河镇": (1, 2)}


def test_a_resubmission_counts_once(county, run, questionnaire):
    client_id = uuid.uuid4()
    first, created = submit_response(
        run,
        questionnaire,
        submission(questionnaire, county.community_a, client_id=client_id),
        Channel.STREET,
        county.surveyor,
    )
    again, created_again = submit_response(
        run,
        questionnaire,
        submission(questionnaire, county.community_a, client_id=client_id, support="B"),
        Channel.STREET,
        county.surveyor,
    )
    assert created and not created_again and first.pk == again.pk
    assert Response.objects.count() == 1


def test_implausibly_fast_and_duplicate_responses_are_flagged(county, run, questionnaire):
    quick = submission(questionnaire, county.community_a, started_at=timezone.now() - timedelta(seconds=4))
    response, _ = submit_response(run, questionnaire, quick, Channel.HOUSEHOLD, county.surveyor)
    assert response.too_fast and response.duration_seconds == 4
    slow = submission(questionnaire, county.community_a, started_at=timezone.now() - timedelta(minutes=5))
    second, _ = submit_response(run, questionnaire, slow, Channel.HOUSEHOLD, county.surveyor)
    assert not second.too_fast
    assert second.possible_duplicate, "same answers at the same community"


@pytest.mark.parametrize("persona", ["handler_a", "leader", "department_handler"])
def test_only_assigned_surveyors_and_the_office_may_enter_responses(county, run, questionnaire, persona):
    with pytest.raises(PermissionDenied):
        _submit(run, questionnaire, getattr(county, persona), county.community_a)
    assert not Response.objects.exists()
    _submit(run, questionnaire, county.inspector, county.community_a)
    assert Response.objects.count() == 1


def test_a_closed_run_takes_paper_questionnaires_only(county, run, questionnaire):
    run.status = SurveyRun.Status.CLOSED
    run.save()
    with pytest.raises(PermissionDenied):
        _submit(run, questionnaire, county.surveyor, county.community_a)
    response, _ = submit_response(
        run, questionnaire, submission(questionnaire, county.community_a), Channel.PAPER, county.office_admin
    )
    assert response.channel == Channel.PAPER


def test_the_online_channel_needs_an_open_public_link_and_a_device(county, run, questionnaire):
    with pytest.raises(PermissionDenied):
        submit_response(run, questionnaire, submission(questionnaire, None), Channel.ONLINE, None, "")
    run.public_link = False
    run.save()
    with pytest.raises(PermissionDenied):
        submit_response(run, questionnaire, submission(questionnaire, None), Channel.ONLINE, None, "d" * 64)
