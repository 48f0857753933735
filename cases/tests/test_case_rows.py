"""The rows of the queue page (written in Python for speed) escape what people typed and show what matters."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from cases.actions import dispatch_case
from cases.models import Case
from cases.templatetags.cases_tags import case_cards, case_table_rows


def test_rows_escape_what_was_typed_and_flag_what_is_overdue(county, new_case):
    case = new_case(description="<script>alert(1)</script>井盖", address="新华路 <b>3</b> 号")
    dispatch_case(county.office_admin, case, county.community_a, timezone.now() + dt.timedelta(hours=1))
    Case.objects.filter(pk=case.pk).update(deadline=timezone.now() - dt.timedelta(hours=1))
    case = Case.objects.select_related("unit").get(pk=case.pk)
    row, card = case_table_rows([case]), case_cards([case])
    for html in (row, card):
        assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;井盖" in html
        assert f'href="/cases/{case.pk}/"' in html and case.number in html
        assert "Overdue" in html
    assert 'class="table-danger"' in row and "list-group-item-danger" in card
    assert "&lt;b&gt;3&lt;/b&gt;" in row and county.community_a.name in row
    assert 'name="cases"' not in row and f'name="cases" value="{case.pk}"' in case_table_rows([case], True)


def test_a_new_case_has_no_deadline_and_no_unit_yet(county, new_case):
    case = new_case(category=None)
    row, card = case_table_rows([case]), case_cards([case])
    assert "table-danger" not in row and "Overdue" not in row
    assert row.count("—") == 3  # category, unit, deadline
    assert "Uncategorised" in card
