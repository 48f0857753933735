"""Bulletins are read back: the Word text (python-docx), the PDF text (pdftotext) and the Excel numbers."""

from __future__ import annotations

import io
import subprocess
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from docx import Document
from openpyxl import load_workbook

from bulletins.bulletin import default_template, render_xlsx, sample_context
from bulletins.models import BulletinTemplate
from core.excel import active_sheet
from core.models import Period
from core.tests.sheets import assert_forwardable
from jobs.models import GeneratedFile
from org.models import UnitKind
from scoring import actions
from scoring.models import Adjustment


@pytest.fixture
def publication(county):
    period = actions.create_period(county.office_admin, Period.Kind.QUARTER, 2026, 3)
    scheme = period.schemes.get(unit_kind=UnitKind.TOWN)
    actions.add_adjustment(
        county.office_admin,
        scheme,
        unit=county.town_b,
        kind=Adjustment.Kind.BONUS,
        points=Decimal("1.5"),
        reason="获评省级文明社区",
    )
    return actions.publish(county.office_admin, scheme)


@pytest.fixture
def make(django_capture_on_commit_callbacks):
    """Ask for a bulletin like the page does, run the queued job (tests run inside a transaction), download it."""

    def _make(client, publication, fmt) -> bytes:
        with django_capture_on_commit_callbacks(execute=True):
            redirect = client.post(reverse("bulletins:bulletin", args=[publication.pk]), {"format": fmt})
        job = GeneratedFile.objects.latest("pk")
        response = client.get(redirect["Location"])
        return _check(client, job, response)

    return _make


def _check(client, job, response) -> bytes:
    job.refresh_from_db()
    assert job.status == GeneratedFile.Status.DONE, job.error
    assert "Download" in response.content.decode()
    download = client.get(reverse("jobs:download", args=[job.pk]))
    return b"".join(download.streaming_content)


def test_the_word_bulletin_holds_names_and_numbers(county, publication, login, make):
    document = Document(io.BytesIO(make(login(county.office_admin), publication, "docx")))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "示范县2026" in text and "考核情况通报" in text
    assert "柳河镇（1.50分）" in text, text
    cells = [[c.text for c in row.cells] for row in document.tables[0].rows]
    assert ["1", "柳河镇", "+1.50 / −0.00", "1.50"] in cells
    assert ["2", "城关街道", "+0.00 / −0.00", "0.00"] in cells


def test_the_pdf_bulletin_has_chinese_text(county, publication, login, make, tmp_path):
    pdf = tmp_path / "b.pdf"
    pdf.write_bytes(make(login(county.office_admin), publication, "pdf"))
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "柳河镇" in text and "城关街道" in text and "1.50" in text
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "Noto-Sans-CJK-SC" in fonts, fonts
    assert "JP" not in fonts and "Serif" not in fonts, (
        "only the Simplified Chinese sans face, named explicitly"
    )


def test_the_excel_score_table(county, publication, login, make):
    workbook = load_workbook(io.BytesIO(make(login(county.office_admin), publication, "xlsx")))
    sheet = active_sheet(workbook)
    titles = assert_forwardable(sheet)
    assert sheet["A1"].value.startswith("示范县2026") and "第1版" in sheet["A1"].value
    rows = list(sheet.iter_rows(min_row=3, values_only=True))
    assert rows[0][:2] == (1, "柳河镇") and rows[0][-2] == 1.5
    bonus, penalty = titles.index("加分") + 1, titles.index("扣分") + 1
    assert sheet.cell(3, bonus).value == 1.5 and sheet.cell(3, bonus).number_format.startswith("+0.00;")
    assert sheet.cell(3, penalty).number_format == '+0.00;"−"0.00;0.00'


def test_the_excel_deduction_carries_its_sign():
    context = sample_context()
    workbook = load_workbook(io.BytesIO(render_xlsx(context)))
    sheet = active_sheet(workbook)
    assert sheet.cell(4, 6).value == -2  # 柳河镇's 2.00 deducted, written as −2.00
    context["rows"][0]["parts"][1] = "—"  # a component the scheme gives no points this period
    sheet = active_sheet(load_workbook(io.BytesIO(render_xlsx(context))))
    assert sheet.cell(3, 4).value == "—"


def test_units_cannot_make_bulletins_or_fetch_others_files(county, publication, login, make):
    assert (
        login(county.handler_a)
        .post(reverse("bulletins:bulletin", args=[publication.pk]), {"format": "pdf"})
        .status_code
        == 403
    )
    make(login(county.office_admin), publication, "xlsx")
    job = GeneratedFile.objects.get()
    assert login(county.leader).get(reverse("jobs:download", args=[job.pk])).status_code == 404


def test_an_uploaded_template_is_checked_and_then_used(county, publication, login, make):
    client = login(county.office_admin)
    client.post(
        reverse("bulletins:templates"), {"name": "坏的", "file": SimpleUploadedFile("x.docx", b"not a zip")}
    )
    broken = Document(io.BytesIO(default_template()))
    broken.add_paragraph("{{ unclosed")
    buffer = io.BytesIO()
    broken.save(buffer)
    client.post(
        reverse("bulletins:templates"),
        {"name": "坏模板", "file": SimpleUploadedFile("y.docx", buffer.getvalue())},
    )
    assert not BulletinTemplate.objects.exists()
    ours = Document(io.BytesIO(default_template()))
    ours.add_paragraph("本通报由{{ jurisdiction }}创建办印发")
    buffer = io.BytesIO()
    ours.save(buffer)
    client.post(
        reverse("bulletins:templates"),
        {"name": "办公室模板", "file": SimpleUploadedFile("z.docx", buffer.getvalue())},
    )
    assert BulletinTemplate.objects.get().is_active
    document = Document(io.BytesIO(make(client, publication, "docx")))
    assert any(p.text == "本通报由示范县创建办印发" for p in document.paragraphs)
