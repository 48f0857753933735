"""`chuangwen bulletin`: the page's renderer from the command line, the file's path on the last line."""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from docx import Document
from openpyxl import load_workbook

from core.excel import active_sheet
from core.models import Period
from org.models import UnitKind
from scoring import actions
from scoring.models import ComponentKind


@pytest.fixture
def publication(county):
    period = actions.create_period(county.office_admin, Period.Kind.QUARTER, 2026, 4)
    scheme = period.schemes.get(unit_kind=UnitKind.TOWN)
    actions.update_component(
        county.office_admin, scheme.components.get(kind=ComponentKind.RECTIFICATION), Decimal(40), {}
    )
    return actions.publish(county.office_admin, scheme)


def _run(*args: str) -> str:
    out = io.StringIO()
    call_command("bulletin", *args, stdout=out)
    return out.getvalue().strip().splitlines()[-1]


def test_it_writes_each_format_and_prints_the_path_last(county, publication, tmp_path):
    path = _run("--publication", "latest", "--format", "docx", "--out", str(tmp_path / "b.docx"))
    assert path == str(tmp_path / "b.docx")
    assert "示范县2026年第四季度街道乡镇文明城市创建工作考核情况通报" in [
        p.text for p in Document(path).paragraphs
    ]
    xlsx = _run("--publication", str(publication.pk), "--format", "xlsx", "--out", str(tmp_path / "b.xlsx"))
    first = next(active_sheet(load_workbook(xlsx)).iter_rows(min_row=3, values_only=True))
    assert first[4] == 40.0
    pdf = _run("--publication", "latest", "--format", "pdf", "--out", str(tmp_path))
    assert pdf.endswith("考核情况通报（草稿）.pdf") and Path(pdf).read_bytes()[:5] == b"%PDF-"


def test_it_says_what_is_wrong(db):
    with pytest.raises(CommandError, match="No score publication"):
        _run("--publication", "latest", "--format", "pdf")
    with pytest.raises(CommandError, match="No publication 99"):
        _run("--publication", "99", "--format", "pdf")
