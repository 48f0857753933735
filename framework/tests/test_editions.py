"""Copying an edition into a new draft, and comparing two editions."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from framework.editions import compare_editions, copy_edition, text_diff
from framework.excel import snapshot
from framework.models import Edition
from framework.tests.test_excel import _bad_workbook


def test_it_copies_an_edition_into_an_inactive_draft(county, edition):
    copy = copy_edition(county.office_admin, edition, "2027 草案")
    assert (copy.status, copy.active) == ("draft", False)
    assert snapshot(copy) == snapshot(edition)


def test_only_an_office_admin_copies(county, edition, login):
    with pytest.raises(PermissionDenied):
        copy_edition(county.inspector, edition, "x")
    assert (
        login(county.handler_a).post(reverse("framework:edition_copy", args=[edition.pk])).status_code == 403
    )
    assert Edition.objects.count() == 1
    assert (
        login(county.office_admin).post(reverse("framework:edition_copy", args=[edition.pk])).status_code
        == 302
    )
    assert Edition.objects.filter(name="测试版 (copy)").exists()


def test_it_compares_two_editions(county, edition):
    copy = copy_edition(county.office_admin, edition, "新版")
    reworded = copy.criteria.get(code="Ⅲ-1")
    reworded.text = "农贸市场干净整洁，无乱堆乱放，无占道经营。"
    reworded.save()
    repointed = copy.criteria.get(code="Ⅲ-2")
    repointed.points = Decimal(4)
    repointed.save()
    copy.criteria.create(node=reworded.node, text="全新的一条标准", code="Ⅲ-9")
    result = compare_editions(edition, copy)
    assert [c.new.text for c in result.added if c.new] == ["全新的一条标准"]
    assert result.removed == []
    changed = {c.new.code: c for c in result.changed if c.new}
    assert changed["Ⅲ-1"].fields == ["text"]
    assert ("+", "，无占道经营") in changed["Ⅲ-1"].diff
    assert changed["Ⅲ-2"].fields == ["points"]
    copy.criteria.filter(code="Ⅲ-9").delete()
    copy.criteria.filter(code="Ⅲ-2").delete()
    assert [c.old.code for c in compare_editions(edition, copy).removed if c.old] == ["Ⅲ-2"]


def test_the_text_diff_marks_deleted_and_inserted_runs():
    assert text_diff("甲乙丙", "甲丁丙") == [(" ", "甲"), ("-", "乙"), ("+", "丁"), (" ", "丙")]


def test_the_compare_screen_shows_the_diff(county, edition, login):
    copy = copy_edition(county.office_admin, edition, "新版")
    copy.criteria.filter(code="Ⅲ-2").update(points=7)
    response = login(county.handler_a).get(
        reverse("framework:edition_compare"), {"old": edition.pk, "new": copy.pk}
    )
    assert "0 added, 0 removed, 1 changed, 1 unchanged." in response.content.decode()


def test_the_import_screen_refuses_a_bad_file_and_lists_the_problems(county, edition, login):
    upload = SimpleUploadedFile("bad.xlsx", _bad_workbook(edition))
    client = login(county.office_admin)
    response = client.post(reverse("framework:edition_import"), {"file": upload, "name": "坏"})
    # Row 1 of the sheet is its title and row 2 the header, so the first criterion is on row 3.
    assert "sheet 测评体系, row 3, column J" in response.content.decode()
    assert Edition.objects.count() == 1
    assert login(county.handler_a).post(reverse("framework:edition_import"), {}).status_code == 403


def test_a_draft_is_published_before_it_becomes_active(county, edition, login):
    copy = copy_edition(county.office_admin, edition, "草案")
    client = login(county.office_admin)
    client.post(reverse("framework:edition_activate", args=[copy.pk]))
    copy.refresh_from_db()
    assert not copy.active
    assert (
        login(county.inspector).post(reverse("framework:edition_publish", args=[copy.pk])).status_code == 403
    )
    client = login(county.office_admin)
    client.post(reverse("framework:edition_publish", args=[copy.pk]))
    client.post(reverse("framework:edition_activate", args=[copy.pk]))
    copy.refresh_from_db()
    edition.refresh_from_db()
    assert (copy.status, copy.active, edition.active) == ("published", True, False)
