"""The case loop through cases.actions: each step, who may take it, and what it writes to the history."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from cases import actions
from cases.conftest import IN_GRID_B, photo
from cases.models import Case, CaseEvent, State
from core.workcalendar import DeadlineUnit

A = CaseEvent.Action
# Tuesday 24 Nov 2026, 10:00 in Shanghai
MORNING = dt.datetime(2026, 11, 24, 2, 0, tzinfo=dt.UTC)


def actions_of(case: Case) -> list[str]:
    return list(case.events.values_list("action", flat=True))


def test_it_numbers_cases_per_year_without_gaps(new_case):
    first, second = new_case(), new_case()
    assert re.fullmatch(r"\d{4}-\d{6}", first.number)
    year, seq = first.number.split("-")
    assert second.number == f"{year}-{int(seq) + 1:06d}"


def test_it_finds_the_grid_and_routes_to_its_owner(county, new_case):
    case = new_case()
    assert case.grid == county.grid_a
    case = actions.dispatch_case(county.inspector, case)
    assert case.unit == county.community_a


def test_without_a_grid_it_routes_to_the_categorys_default_unit(county, new_case, rubbish):
    rubbish.default_unit = county.department
    rubbish.save()
    case = new_case(at=(118.0, 36.0))
    assert case.grid is None
    assert actions.dispatch_case(county.inspector, case).unit == county.department


def test_without_grid_or_default_the_office_must_choose(county, new_case):
    case = new_case(at=None)
    with pytest.raises(ValidationError, match="choose the responsible unit"):
        actions.dispatch_case(county.inspector, case)
    assert Case.objects.get(pk=case.pk).state == State.REPORTED


@time_machine.travel(MORNING, tick=False)
def test_the_deadline_comes_from_the_category_in_working_time(county, new_case, rubbish):
    case = actions.dispatch_case(county.inspector, new_case())  # 暴露垃圾: 1 working day
    assert case.deadline == dt.datetime(2026, 11, 25, 9, 30, tzinfo=dt.UTC)  # Wed 17:30 in Shanghai
    rubbish.deadline_amount, rubbish.deadline_unit = 4, DeadlineUnit.WORKING_HOURS
    rubbish.save()
    case = actions.dispatch_case(county.inspector, new_case())
    assert case.deadline == dt.datetime(2026, 11, 24, 8, 0, tzinfo=dt.UTC)  # 10–12, lunch, 14–16 → 16:00


@time_machine.travel(dt.datetime(2026, 9, 30, 8, 0, tzinfo=dt.UTC), tick=False)
def test_a_deadline_over_national_day_skips_the_holiday(county, new_case):
    case = actions.dispatch_case(county.inspector, new_case())  # Wed 30 Sep 16:00 + 1 working day
    assert case.deadline == dt.datetime(2026, 10, 8, 9, 30, tzinfo=dt.UTC)  # Thu 8 Oct 17:30


def test_the_whole_loop_with_a_rework_is_in_the_history(county, new_case):
    case = new_case()
    case = actions.accept_case(county.inspector, case)
    case = actions.dispatch_case(county.inspector, case, unit=county.town_a)
    case = actions.start_rectifying(county.handler_a, case)
    case = actions.report_back(county.handler_a, case, "已清理", [photo()])
    case = actions.rework_case(county.office_admin, case, "仍有残留")
    assert case.state == State.RECTIFYING and case.rework_count == 1
    case = actions.report_back(county.community_handler_a and county.handler_a, case, "已彻底清理", [photo()])
    case = actions.verify_case(county.inspector, case, "现场核查通过")
    assert case.state == State.CLOSED and case.closed_on_time and case.handling_hours is not None
    assert actions_of(case) == [
        A.REPORT,
        A.ACCEPT,
        A.DISPATCH,
        A.START,
        A.REPORT_BACK,
        A.REWORK,
        A.REPORT_BACK,
        A.VERIFY,
    ]
    events = list(case.events.all())
    assert [e.to_state for e in events[-3:]] == [State.RECTIFYING, State.SUBMITTED, State.CLOSED]
    assert events[4].actor == county.handler_a and events[4].photos.count() == 1
    assert case.photos.filter(kind="after").count() == 2


def test_reporting_back_needs_a_photo_and_a_note(county, new_case):
    case = actions.dispatch_case(county.inspector, new_case(), unit=county.town_a)
    with pytest.raises(ValidationError, match="photo"):
        actions.report_back(county.handler_a, case, "已清理", [])
    with pytest.raises(ValidationError, match="Describe"):
        actions.report_back(county.handler_a, case, " ", [photo()])
    assert Case.objects.get(pk=case.pk).state == State.DISPATCHED


def test_a_bad_photo_is_refused_and_nothing_changes(county, new_case):
    from django.core.files.uploadedfile import SimpleUploadedFile

    case = actions.dispatch_case(county.inspector, new_case(), unit=county.town_a)
    with pytest.raises(ValidationError, match="not a JPEG"):
        actions.report_back(county.handler_a, case, "已清理", [SimpleUploadedFile("a.jpg", b"<html>")])
    case.refresh_from_db()
    assert case.state == State.DISPATCHED and case.submit_count == 0 and not case.photos.exists()


def test_another_units_handler_cannot_act_and_nothing_changes(county, new_case):
    case = actions.dispatch_case(county.inspector, new_case(), unit=county.town_a)
    for step in (
        lambda: actions.start_rectifying(county.handler_b, case),
        lambda: actions.return_case(county.handler_b, case, "不是我们的"),
        lambda: actions.report_back(county.handler_b, case, "done", [photo()]),
        lambda: actions.start_rectifying(county.department_handler, case),
    ):
        with pytest.raises(PermissionDenied):
            step()
    case.refresh_from_db()
    assert case.state == State.DISPATCHED and actions_of(case) == [A.REPORT, A.DISPATCH]


def test_unit_people_cannot_take_office_steps_and_leaders_cannot_act(county, new_case):
    case = new_case()
    for person in (county.handler_a, county.leader, county.surveyor):
        with pytest.raises(PermissionDenied):
            actions.accept_case(person, case)
        with pytest.raises(PermissionDenied):
            actions.dispatch_case(person, case, unit=county.town_a)
    with pytest.raises(PermissionDenied):
        actions.open_case(county.leader, source="media", description="x")
    case = actions.dispatch_case(county.inspector, case, unit=county.town_a)
    with pytest.raises(PermissionDenied):
        actions.start_rectifying(county.leader, case)
    assert Case.objects.get(pk=case.pk).state == State.DISPATCHED
    assert Case.objects.count() == 1


def test_the_unit_that_rectifies_can_never_close_its_own_case(county, new_case):
    # Even an office inspector cannot verify a case their own unit (the office) was made responsible for.
    case = actions.dispatch_case(county.office_admin, new_case(), unit=county.office)
    other = actions.dispatch_case(county.office_admin, new_case(), unit=county.town_a)
    county.inspector.role = "unit_handler"  # a unit role in the office could rectify...
    county.inspector.save()
    case = actions.report_back(county.inspector, case, "自查已整改", [photo()])
    for person in (county.office_admin, county.inspector):
        with pytest.raises(PermissionDenied):
            actions.verify_case(person, case)
        with pytest.raises(PermissionDenied):
            actions.rework_case(person, case, "x")
    # ...and a town handler cannot verify a town case (it is not an office step for them at all).
    other = actions.report_back(county.handler_a, other, "已整改", [photo()])
    with pytest.raises(PermissionDenied):
        actions.verify_case(county.handler_a, other)
    assert Case.objects.filter(state=State.CLOSED).count() == 0


def test_a_step_that_does_not_fit_the_state_is_a_conflict(county, new_case):
    case = actions.dispatch_case(county.inspector, new_case(), unit=county.town_a)
    with pytest.raises(actions.CaseConflict, match="no longer possible"):
        actions.verify_case(county.office_admin, case)
    stale = Case.objects.get(pk=case.pk)
    actions.start_rectifying(county.handler_a, case)
    with pytest.raises(actions.CaseConflict):
        actions.start_rectifying(county.handler_a, stale)  # a second click on an old page


def test_the_unit_returns_a_wrong_case_and_the_office_redispatches(county, new_case):
    case = actions.dispatch_case(county.inspector, new_case(), unit=county.town_a)
    with pytest.raises(ValidationError):
        actions.return_case(county.handler_a, case, "")
    case = actions.return_case(county.handler_a, case, "该处属柳河镇")
    assert case.state == State.RETURNED and case.return_count == 1
    with pytest.raises(ValidationError, match="returned the case"):
        actions.dispatch_case(county.inspector, case)  # routing alone would send it back to town A
    case = actions.dispatch_case(county.inspector, case, unit=county.town_b)
    assert case.unit == county.town_b and case.state == State.DISPATCHED
    last = case.events.last()
    assert last is not None and last.data["redispatch"] is True
    assert list(case.events.filter(action=A.RETURN).values_list("unit", flat=True)) == [county.town_a.pk]


def test_an_extension_is_requested_by_the_unit_and_approved_by_the_office(county, new_case):
    case = actions.dispatch_case(county.inspector, new_case(), unit=county.town_a)
    assert case.deadline is not None
    until = case.deadline + dt.timedelta(days=3)
    with pytest.raises(ValidationError):
        actions.request_extension(
            county.handler_a, case, case.deadline - dt.timedelta(hours=1), "需要更多时间"
        )
    case = actions.request_extension(county.handler_a, case, until, "需调用机械清运")
    assert case.has_extension_request()
    with pytest.raises(PermissionDenied):
        actions.approve_extension(county.handler_a, case)
    case = actions.approve_extension(county.office_admin, case)
    assert case.deadline == until and case.extension_count == 1 and not case.has_extension_request()


def test_a_deferred_case_is_not_overdue_and_resumes_with_a_new_deadline(county, new_case):
    case = actions.dispatch_case(county.inspector, new_case(), unit=county.town_a)
    assert case.deadline is not None
    with time_machine.travel(case.deadline + dt.timedelta(days=1)):
        assert case.is_overdue()
        case = actions.defer_case(county.office_admin, case, "待道路改造一并处理")
        assert case.state == State.DEFERRED and not case.is_overdue()
        case = actions.resume_case(county.office_admin, case)
        assert case.state == State.DISPATCHED and not case.is_overdue()


def test_reject_and_duplicate_close_without_acceptance(county, new_case):
    with pytest.raises(ValidationError):
        actions.reject_case(county.inspector, new_case(), "")
    refused = actions.reject_case(county.inspector, new_case(), "不属于城市管理范围")
    assert refused.state == State.REJECTED and not refused.is_open()
    original, copy = new_case(), new_case()
    copy = actions.mark_duplicate(county.inspector, copy, original, "同一处垃圾")
    assert copy.state == State.DUPLICATE and copy.duplicate_of == original
    assert actions_of(original) == [A.REPORT, A.MERGE]
    with pytest.raises(ValidationError):
        actions.mark_duplicate(county.inspector, new_case(), refused)


def test_a_case_can_be_filed_with_before_photos_and_no_category(county):
    case = actions.open_case(
        county.inspector,
        source="citizen",
        description="井盖缺失",
        lon=IN_GRID_B[0],
        lat=IN_GRID_B[1],
        reporter_phone="13800000000",
        photos=[photo(), photo(color="blue")],
    )
    assert case.grid == county.grid_b and case.photos.filter(kind="before").count() == 2
    assert case.category_code == "" and case.category is None
