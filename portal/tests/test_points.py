"""Points (积分): after acceptance, first valid report only, less for repeats, none for invalid; ranking, export."""

from __future__ import annotations

import datetime as dt
import io

import time_machine
from openpyxl import load_workbook

from cases.actions import accept_case, dispatch_case, mark_duplicate, reject_case
from core.excel import active_sheet
from core.tests.sheets import assert_forwardable, header_row
from portal.actions import submit_report
from portal.conftest import IN_GRID_A, SECRET_PHONE
from portal.models import PointsAward, PointsRule, phone_hash
from portal.points import award_points, ranking

OTHER_PHONE = "13800000000"


def report(service, phone=SECRET_PHONE, at=IN_GRID_A, address=""):
    return submit_report(
        service=service, description="垃圾", lon=at[0], lat=at[1], phone=phone, address=address
    )


def points_of(r) -> int | None:
    award = PointsAward.objects.filter(report=r).first()
    return award.points if award else None


def test_it_awards_points_only_after_acceptance(service, county):
    first = report(service)
    award_points()
    assert points_of(first) is None
    accept_case(county.inspector, first.case)
    award_points()
    award_points()  # idempotent
    assert points_of(first) == 10
    assert PointsAward.objects.count() == 1


def test_it_counts_a_direct_dispatch_as_acceptance(service, county):
    first = report(service)
    dispatch_case(county.inspector, first.case, unit=county.town_a)
    award_points()
    assert points_of(first) == 10


def test_it_gives_nothing_to_refused_duplicate_or_anonymous_reports(service, county):
    refused, original, duplicate = (
        report(service),
        report(service, OTHER_PHONE),
        report(service, "13700000000"),
    )
    anonymous = report(service, phone="")
    reject_case(county.inspector, refused.case, "不属实")
    accept_case(county.inspector, original.case)
    mark_duplicate(county.inspector, duplicate.case, original.case)
    accept_case(county.inspector, anonymous.case)
    award_points()
    assert [points_of(r) for r in (refused, original, duplicate, anonymous)] == [None, 10, None, None]


def test_it_gives_less_for_a_repeat_on_the_same_place_within_the_window(service, plain_service, county):
    with time_machine.travel(dt.datetime(2026, 5, 1, 9, tzinfo=dt.UTC)):
        first = report(service)
    with time_machine.travel(dt.datetime(2026, 5, 10, 9, tzinfo=dt.UTC)):
        repeat = report(service)
        other_kind = submit_report(
            service=plain_service, description="x", lon=IN_GRID_A[0], lat=IN_GRID_A[1], phone=SECRET_PHONE
        )
    with time_machine.travel(dt.datetime(2026, 7, 1, 9, tzinfo=dt.UTC)):
        later = report(service)
    for r in (first, repeat, other_kind, later):
        accept_case(county.inspector, r.case)
    award_points()
    assert [points_of(r) for r in (first, repeat, later)] == [10, 3, 10]
    # a second public service over the same category (暴露垃圾) is the same category: a repeat too
    assert points_of(other_kind) == 3


def test_it_uses_the_office_rules_and_ranks_reporters(service, county, login):
    login(county.office_admin).post(
        "/portal/points/", {"points_valid": 20, "points_repeat": 5, "repeat_window_days": 7}
    )
    assert (PointsRule.current().points_valid, PointsRule.current().points_repeat) == (20, 5)
    for r in (report(service), report(service, OTHER_PHONE, address="人民路"), report(service, OTHER_PHONE)):
        accept_case(county.inspector, r.case)
    award_points()
    rows = ranking()
    assert [(r["phone_hash"], r["total"]) for r in rows] == [
        (phone_hash(OTHER_PHONE), 25),
        (phone_hash(SECRET_PHONE), 20),
    ]
    page = login(county.inspector).get("/portal/points/").content.decode()
    assert SECRET_PHONE not in page and OTHER_PHONE not in page


def test_it_refuses_rule_changes_and_the_export_to_an_inspector(service, county, login):
    client = login(county.inspector)
    response = client.post(
        "/portal/points/", {"points_valid": 99, "points_repeat": 1, "repeat_window_days": 7}
    )
    assert response.status_code == 403
    assert PointsRule.current().points_valid == 10
    assert client.get("/portal/points.xlsx").status_code == 403
    assert login(county.handler_a).get("/portal/points/").status_code == 403


def test_it_exports_the_ranking_for_rewards(service, county, login):
    accept_case(county.inspector, report(service).case)
    response = login(county.office_admin).get("/portal/points.xlsx")
    sheet = active_sheet(load_workbook(io.BytesIO(response.content)))
    assert assert_forwardable(sheet)[:5] == ["Rank", "Reporter", "Phone", "Reports", "Points"]
    rows = list(sheet.iter_rows(min_row=header_row(sheet) + 1, values_only=True))
    assert rows[0][0] == 1 and rows[0][2] == SECRET_PHONE and rows[0][4] == 10
    assert sheet.cell(3, 6).number_format == "yyyy-mm-dd hh:mm" and sheet.column_dimensions["F"].width >= 16


def test_it_awards_from_the_command_line(service, county):
    from io import StringIO

    from django.core.management import call_command

    first = report(service)
    accept_case(county.inspector, first.case)
    out = StringIO()
    call_command("award-points", stdout=out)
    assert out.getvalue().strip() == "1 reports awarded." and points_of(first) == 10
