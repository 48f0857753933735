"""Issue 19.11: the office's on-site check (核查) takes photos, on closing or on sending back, shown on the case."""

from __future__ import annotations

from django.urls import reverse

from cases import actions
from cases.conftest import photo
from cases.models import CasePhoto, State


def test_the_check_takes_photos_and_the_case_page_shows_them(county, new_case, login):
    case = actions.dispatch_case(county.inspector, new_case(), unit=county.town_a)
    actions.start_rectifying(county.handler_a, case)
    actions.report_back(county.handler_a, case, "已清理", [photo("after.jpg")])
    client = login(county.office_admin)
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert 'enctype="multipart/form-data"' in page and 'name="photos"' in page
    reply = client.post(
        reverse("cases:step", args=[case.pk, "rework"]), {"note": "仍有垃圾", "photos": [photo("still.jpg")]}
    )
    assert reply.status_code == 302
    actions.report_back(county.handler_a, case, "再次清理", [photo("again.jpg")])
    reply = client.post(
        reverse("cases:step", args=[case.pk, "verify"]), {"note": "", "photos": [photo("ok.jpg")]}
    )
    case.refresh_from_db()
    assert reply.status_code == 302 and case.state == State.CLOSED
    checks = list(case.photos.filter(kind=CasePhoto.Kind.CHECK).order_by("pk"))
    assert [p.event.action if p.event else None for p in checks] == ["rework", "verify"]
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert 'data-testid="check-photos"' in page
    assert all(reverse("cases:photo", args=[p.pk, "thumbnail"]) in page for p in checks)


def test_each_step_of_the_timeline_shows_its_own_photos(county, new_case, login):
    case = actions.dispatch_case(county.inspector, new_case(), unit=county.town_a)
    actions.report_back(county.handler_a, case, "已清理", [photo("after.jpg"), photo("after2.jpg")])
    actions.rework_case(county.office_admin, case, "仍有垃圾", [photo("still.jpg")])
    page = login(county.office_admin).get(reverse("cases:detail", args=[case.pk])).content.decode()
    timeline = page.split('data-testid="timeline"', 1)[1]
    steps = {item.split('"', 1)[0]: item for item in timeline.split('data-action="')[1:]}
    for action in ("report_back", "rework"):
        mine = case.photos.filter(event__action=action)
        others = case.photos.exclude(event__action=action)
        assert all(reverse("cases:photo", args=[p.pk, "thumbnail"]) in steps[action] for p in mine)
        assert not any(reverse("cases:photo", args=[p.pk, "thumbnail"]) in steps[action] for p in others)
    assert "<img" not in steps["dispatch"]
