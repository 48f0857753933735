"""The office's side: accept with a score per the criterion's rule, return with comments (the unit is told),
rescore with a reason, remind; and who may do it."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from materials import actions
from materials.models import EventKind, RequestState
from materials.tests.conftest import pdf, photo, upload, xlsx
from notify.models import Notification


@pytest.fixture
def submitted(county, ads_a):
    actions.add_files(county.handler_a, ads_a, "regulation", [pdf()])
    actions.add_files(county.handler_a, ads_a, "photo", [photo()])
    actions.submit(county.handler_a, ads_a)
    ads_a.refresh_from_db()
    return ads_a


@pytest.fixture
def submitted_report(county, report_a):
    actions.save_text(county.handler_a, report_a, "开展文化活动十二场。")
    actions.add_files(county.handler_a, report_a, "table", [upload("统计.xlsx", xlsx())])
    actions.submit(county.handler_a, report_a)
    report_a.refresh_from_db()
    return report_a


def test_accepting_scores_points_within_the_criterion(county, submitted):
    actions.accept(county.inspector, submitted, "材料齐全。", points="8.5")
    submitted.refresh_from_db()
    assert submitted.state == RequestState.ACCEPTED
    assert submitted.score == Decimal("8.50") and submitted.possible == Decimal("10.00")
    event = submitted.events.get(action=EventKind.ACCEPTED)
    assert event.note == "材料齐全。" and event.data["score"] == "8.50"
    assert Notification.objects.filter(recipient=county.handler_a, kind="materials-accepted").exists()


@pytest.mark.parametrize("points", ["11", "-1", "abc", ""])
def test_points_outside_the_criterion_are_refused(county, submitted, points):
    with pytest.raises(ValidationError):
        actions.accept(county.inspector, submitted, points=points)
    submitted.refresh_from_db()
    assert submitted.state == RequestState.SUBMITTED and submitted.score is None


def test_a_graded_criterion_is_scored_by_grade(county, submitted_report):
    with pytest.raises(ValidationError):
        actions.accept(county.inspector, submitted_report, points="4")
    actions.accept(county.inspector, submitted_report, grade="tier2")
    submitted_report.refresh_from_db()
    assert submitted_report.score == Decimal("2.00") and submitted_report.grade == "tier2"


def test_returning_needs_a_comment_and_tells_the_unit(county, submitted):
    with pytest.raises(ValidationError):
        actions.return_to_unit(county.inspector, submitted, "  ")
    actions.return_to_unit(county.inspector, submitted, "照片不清晰，请重新拍摄。")
    submitted.refresh_from_db()
    assert submitted.state == RequestState.RETURNED
    note = Notification.objects.get(recipient=county.handler_a, kind="materials-returned")
    assert note.body == "照片不清晰，请重新拍摄。"
    assert note.url == f"/materials/requests/{submitted.pk}/"


def test_material_not_submitted_cannot_be_reviewed(county, ads_a):
    with pytest.raises(ValidationError):
        actions.accept(county.inspector, ads_a, points="10")
    with pytest.raises(ValidationError):
        actions.return_to_unit(county.inspector, ads_a, "缺材料")


def test_rescoring_keeps_the_old_score_in_the_history(county, submitted):
    actions.accept(county.inspector, submitted, points="10")
    with pytest.raises(ValidationError):
        actions.rescore(county.office_admin, submitted, "", points="6")
    actions.rescore(county.office_admin, submitted, "复核发现统计口径错误", points="6")
    submitted.refresh_from_db()
    assert submitted.score == Decimal("6.00")
    event = submitted.events.get(action=EventKind.SCORED)
    assert event.data["before"] == "10.00" and event.data["score"] == "6.00"


def test_reminding_writes_the_history_and_notifies(county, ads_a):
    actions.remind(county.inspector, ads_a, "请于周五前报送")
    assert ads_a.events.filter(action=EventKind.REMINDED, note="请于周五前报送").exists()
    assert Notification.objects.filter(recipient=county.handler_a, kind="materials-reminder").count() == 1


def test_accepted_material_is_not_chased(county, submitted):
    actions.accept(county.inspector, submitted, points="10")
    with pytest.raises(ValidationError):
        actions.remind(county.inspector, submitted)


@pytest.mark.parametrize("who", ["handler_a", "head_a", "leader"])
def test_only_the_office_reviews(county, submitted, who):
    person = getattr(county, who)
    with pytest.raises(PermissionDenied):
        actions.accept(person, submitted, points="10")
    with pytest.raises(PermissionDenied):
        actions.return_to_unit(person, submitted, "x")
    with pytest.raises(PermissionDenied):
        actions.remind(person, submitted)
    submitted.refresh_from_db()
    assert submitted.state == RequestState.SUBMITTED and submitted.score is None
