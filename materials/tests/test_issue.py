from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from materials import actions
from materials.models import EventKind, MaterialRequest, RequestState
from notify.models import Notification


def test_it_asks_the_units_of_the_task_breakdown_with_what_the_framework_requires(issued, county, ads):
    asked = {(r.criterion.code, r.unit.name) for r in issued.created}
    assert asked == {("1", "县城管局"), ("1", "城关街道"), ("1", "柳河镇"), ("2", "城关街道")}
    request = MaterialRequest.objects.get(criterion=ads, unit=county.town_a)
    assert request.material_types == ["regulation", "photo"]
    assert request.photo_limit == 12 and request.word_limit is None
    assert request.instructions == "上报公益广告刊播统计和照片。"
    assert request.possible == 10
    assert request.state == RequestState.REQUESTED
    assert request.events.get().action == EventKind.ISSUED


def test_it_notifies_each_unit_once_however_many_requests(issued, county):
    # Only the material requests' messages: the tasks the fixtures assign tell the unit too.
    mine = Notification.objects.filter(recipient=county.handler_a, title__contains="material request")
    titles = list(mine.values_list("title", flat=True))
    assert len(titles) == 1 and titles[0].startswith("2 material requests")


def test_issuing_twice_changes_nothing(issued, county, period, ads, report_criterion, deadline):
    again = actions.issue_requests(
        county.office_admin, period=period, criteria=[ads, report_criterion], deadline=deadline
    )
    assert again.created == [] and again.existing == 4
    assert MaterialRequest.objects.count() == 4


def test_it_reports_criteria_without_units_or_materials(county, period, edition, deadline, ads):
    field_only = edition.criteria.get(code="3")
    report = actions.issue_requests(
        county.office_admin, period=period, criteria=[ads, field_only], deadline=deadline
    )
    assert report.without_units == [ads] and report.without_materials == [field_only]
    assert not MaterialRequest.objects.exists()


def test_chosen_units_are_asked_too(county, period, ads, deadline):
    report = actions.issue_requests(
        county.office_admin,
        period=period,
        criteria=[ads],
        deadline=deadline,
        extra_units=[county.town_b],
        breakdown_units=False,
    )
    assert [r.unit for r in report.created] == [county.town_b]


def test_a_past_deadline_is_refused(county, period, ads, breakdown):
    with pytest.raises(ValidationError):
        actions.issue_requests(
            county.office_admin,
            period=period,
            criteria=[ads],
            deadline=timezone.localdate() - timedelta(days=1),
        )
    assert not MaterialRequest.objects.exists()


@pytest.mark.parametrize("who", ["handler_a", "leader", "department_handler"])
def test_only_the_office_issues(county, period, ads, breakdown, deadline, who):
    with pytest.raises(PermissionDenied):
        actions.issue_requests(getattr(county, who), period=period, criteria=[ads], deadline=deadline)
    assert not MaterialRequest.objects.exists()


def test_the_issue_page_issues_and_shows_the_matrix(county, login, period, ads, breakdown, deadline):
    client = login(county.inspector)
    page = client.get("/materials/issue/")
    assert page.status_code == 200
    assert "县城管局" in page.content.decode()  # the units the breakdown names are shown beside the criterion
    response = client.post(
        "/materials/issue/",
        {
            "period": period.pk,
            "criteria": [ads.pk],
            "deadline": deadline.isoformat(),
            "breakdown_units": "on",
        },
        follow=True,
    )
    assert "3 requests issued to 3 units." in response.content.decode()
    assert response.request["PATH_INFO"] == "/materials/matrix/"
    assert MaterialRequest.objects.filter(criterion=ads).count() == 3


def test_a_unit_cannot_open_the_issue_page(county, login):
    assert login(county.handler_a).get("/materials/issue/").status_code == 403
