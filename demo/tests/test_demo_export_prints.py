"""The demo's case export, printed by LibreOffice as a clerk would print it: no ###, every column on one page
width with the header on every page, and a page count fit for a binder."""

from __future__ import annotations

import io

from django.core.management import call_command
from django.utils import translation

from cases.exports import cases_workbook
from cases.models import Case
from core.tests.sheets import assert_prints_whole, needs_office

MAX_PAGES_PER_1000 = 15


@needs_office
def test_the_demo_case_export_prints_one_page_wide_without_hashes(db):
    call_command("demo", stdout=io.StringIO())
    with translation.override("zh-hans"):
        buffer = io.BytesIO()
        cases_workbook(Case.objects.all(), can_see_contact=True).save(buffer)
    pages = assert_prints_whole(buffer.getvalue(), "编号", "报告人电话")
    count = Case.objects.count()
    assert all(
        "编号" in page and "报告人电话" in page for page in pages
    )  # first and last column on every page
    assert len(pages) <= MAX_PAGES_PER_1000 * count / 1000, (len(pages), count)  # 3,817 cases: 52 pages
