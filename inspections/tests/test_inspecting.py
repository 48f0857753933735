"""Inspecting: every line answered, scores computed, each failed line a case for the site's keeper, locked after."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cases.models import Case, Source
from framework.queries import checklist_for
from inspections.actions import Answer, submit_visit
from inspections.models import Finding, Visit
from inspections.queries import rollup_by_town, work_list
from inspections.tests.conftest import photo

NOW = dt.datetime(2026, 6, 10, 9, tzinfo=dt.UTC)


@pytest.fixture
def visit(open_round, market_a) -> Visit:
    return open_round().visits.get(site=market_a)


def _answers(visit, verdicts, photos=None):
    items = list(checklist_for(visit.site.site_type, visit.round.edition))
    return [
        Answer(
            item=item, verdict=v, note="地面有垃圾" if v == "fail" else "", photos=(photos or {}).get(i, [])
        )
        for i, (item, v) in enumerate(zip(items, verdicts, strict=True))
    ]


@time_machine.travel(NOW)
def test_a_failed_line_opens_a_case_for_the_keeper_with_the_photo(county, visit):
    submit_visit(
        county.inspector, visit, _answers(visit, ["fail", "pass", "na"], {0: [photo()]}), 117.005, 35.505
    )
    visit.refresh_from_db()
    assert visit.is_submitted() and not visit.far_away
    # 3.5 points at stake; n.a. (2) leaves 1.5; the failed line (1) leaves 0.5 kept.
    assert visit.points_at_stake == Decimal("1.5") and visit.points_kept == Decimal("0.5")
    assert (visit.lines_checked, visit.lines_passed) == (2, 1)
    failed = Finding.objects.get(visit=visit, verdict="fail")
    case = failed.case
    assert case is not None
    assert case.source == Source.INSPECTION and case.unit == county.community_a
    assert "地面干净" in case.description and "地面有垃圾" in case.description
    assert case.photos.count() == 1 and case.site_name == "城关农贸市场"
    assert Case.objects.count() == 1


@time_machine.travel(NOW)
def test_far_from_the_site_is_flagged_not_refused(county, visit):
    submit_visit(county.inspector, visit, _answers(visit, ["pass", "pass", "pass"]), 117.2, 35.6)
    visit.refresh_from_db()
    assert visit.is_submitted() and visit.far_away and visit.distance_m > 500
    assert visit.score_rate() == 1.0 and visit.pass_rate() == 1.0


@time_machine.travel(NOW)
def test_a_submitted_visit_is_locked(county, visit):
    submit_visit(county.inspector, visit, _answers(visit, ["pass", "pass", "pass"]))
    with pytest.raises(ValidationError):
        submit_visit(county.inspector, visit, _answers(visit, ["fail", "fail", "fail"]))
    assert not Case.objects.exists() and Finding.objects.filter(verdict="fail").count() == 0


@time_machine.travel(NOW)
def test_a_line_left_blank_or_a_bad_photo_saves_nothing(county, visit):
    with pytest.raises(ValidationError):
        submit_visit(county.inspector, visit, _answers(visit, ["fail", "", "pass"]))
    fake = SimpleUploadedFile("x.jpg", b"not an image", content_type="image/jpeg")
    with pytest.raises(ValidationError):
        submit_visit(county.inspector, visit, _answers(visit, ["fail", "pass", "pass"], {0: [fake]}))
    visit.refresh_from_db()
    assert not visit.is_submitted() and not Finding.objects.exists() and not Case.objects.exists()


@time_machine.travel(NOW)
def test_only_the_assigned_inspector_submits(county, login, visit):
    with pytest.raises(PermissionDenied):
        submit_visit(county.office_admin, visit, _answers(visit, ["pass", "pass", "pass"]))
    data = {f"verdict-{a.item.pk}": "fail" for a in _answers(visit, ["fail"] * 3)}
    assert (
        login(county.handler_a).post(reverse("inspections:visit_detail", args=[visit.pk]), data).status_code
        == 403
    )
    visit.refresh_from_db()
    assert not visit.is_submitted() and not Case.objects.exists()


@time_machine.travel(NOW)
def test_the_inspector_submits_through_the_page(county, login, visit):
    client = login(county.inspector)
    assert visit in work_list(county.inspector, NOW.date())
    page = client.get(reverse("inspections:visit_detail", args=[visit.pk]))
    assert "地面干净" in page.text
    items = list(checklist_for(visit.site.site_type, visit.round.edition))
    data: dict[str, object] = {
        f"verdict-{items[0].pk}": "fail",
        f"verdict-{items[1].pk}": "pass",
        f"verdict-{items[2].pk}": "pass",
    }
    data[f"photos-{items[0].pk}"] = photo()
    response = client.post(reverse("inspections:visit_detail", args=[visit.pk]), data)
    assert response.status_code == 302
    visit.refresh_from_db()
    assert visit.is_submitted() and Case.objects.get().unit == county.community_a
    rows = rollup_by_town(Visit.objects.all())
    assert [(r.label, r.visits, r.score_rate, r.pass_rate) for r in rows] == [
        ("城关街道", 1, 2.5 / 3.5, 2 / 3)
    ]
    # The submitted visit shows the failed line's photos (issue 19.11), each opening.
    shown = client.get(reverse("inspections:visit_detail", args=[visit.pk])).content.decode()
    photo_pk = Case.objects.get().photos.get().pk
    assert (
        'data-testid="finding-photos"' in shown
        and reverse("cases:photo", args=[photo_pk, "thumbnail"]) in shown
    )
    assert client.get(reverse("cases:photo", args=[photo_pk, "thumbnail"])).status_code == 200


@time_machine.travel(NOW)
def test_a_blank_line_keeps_what_was_typed(county, login, visit):
    items = list(checklist_for(visit.site.site_type, visit.round.edition))
    data = {f"verdict-{items[0].pk}": "fail", f"note-{items[0].pk}": "摊位外溢"}
    page = login(county.inspector).post(reverse("inspections:visit_detail", args=[visit.pk]), data)
    assert page.status_code == 200 and "摊位外溢" in page.text and "Answer every line" not in page.text
    assert "choose pass, fail or not applicable" in page.text


@time_machine.travel(NOW)
def test_another_towns_person_cannot_see_or_submit_the_visit(county, login, visit):
    items = list(checklist_for(visit.site.site_type, visit.round.edition))
    data = {f"verdict-{item.pk}": "fail" for item in items}
    client = login(county.handler_b)
    assert client.get(reverse("inspections:visit_detail", args=[visit.pk])).status_code == 404
    assert client.post(reverse("inspections:visit_detail", args=[visit.pk]), data).status_code == 404
    # The round holds a site of town B too: its page lists that one only.
    page = client.get(reverse("inspections:round_detail", args=[visit.round.pk]))
    assert "柳河农贸市场" in page.text and "城关农贸市场" not in page.text
    visit.refresh_from_db()
    assert not visit.is_submitted() and not Finding.objects.exists() and not Case.objects.exists()


@time_machine.travel(NOW)
def test_a_resent_submission_counts_once_and_another_is_refused(county, login, visit):
    """The phone re-sends a queued inspection when a reply was lost: same client id → the first one stands."""
    items = list(checklist_for(visit.site.site_type, visit.round.edition))
    data = {
        f"verdict-{items[0].pk}": "fail",
        f"verdict-{items[1].pk}": "pass",
        f"verdict-{items[2].pk}": "pass",
    }
    client = login(county.inspector)
    url = reverse("inspections:visit_detail", args=[visit.pk])
    headers = {"X-Requested-With": "fetch"}
    first = client.post(url, {**data, "client_id": "phone-1"}, headers=headers)
    assert first.status_code == 200 and first.json() == {"ok": True, "redirect": url}
    again = client.post(url, {**data, "client_id": "phone-1"}, headers=headers)
    assert again.status_code == 200 and again.json()["ok"]
    other = client.post(url, {**data, "client_id": "phone-2"}, headers=headers)
    assert other.status_code == 400 and "no longer be changed" in other.json()["errors"][0]
    assert Case.objects.count() == 1 and Finding.objects.count() == 3


@time_machine.travel(NOW)
def test_a_refused_submission_answers_the_phone_with_the_errors(county, login, visit):
    items = list(checklist_for(visit.site.site_type, visit.round.edition))
    data = {f"verdict-{items[0].pk}": "fail", "client_id": "phone-1"}
    reply = login(county.inspector).post(
        reverse("inspections:visit_detail", args=[visit.pk]), data, headers={"X-Requested-With": "fetch"}
    )
    assert reply.status_code == 400 and any("Line 2" in e for e in reply.json()["errors"])
    visit.refresh_from_db()
    assert not visit.is_submitted() and not Case.objects.exists()
