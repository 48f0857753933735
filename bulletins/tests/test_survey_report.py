"""The survey report (问卷调查情况报告) is a 公文 like the bulletins: a draft without a number, issued with the next
number of its own kind into the register, named by county, run, kind and number, the same text in Word and PDF."""

from __future__ import annotations

import io
import subprocess
from urllib.parse import quote

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from docx import Document

from bulletins.actions import issue_document, upload_bulletin_template
from bulletins.models import BulletinTemplate, DocumentKind, IssuedDocument, TemplateKind
from bulletins.survey_report import default_survey_template
from core import officialdoc as od
from jobs.models import GeneratedFile
from surveys.actions import submit_response
from surveys.models import Channel
from surveys.tests.conftest import questionnaire, run, submission  # noqa: F401
from surveys.tests.test_views import survey_report


@pytest.fixture
def answered(county, run, questionnaire):  # noqa: F811
    for unit, support in [(county.community_a, "A"), (county.community_a, "B"), (county.community_b, "A")]:
        submit_response(
            run,
            questionnaire,
            submission(questionnaire, unit, support=support),
            Channel.HOUSEHOLD,
            county.surveyor,
        )
    return run


def _blocks(document) -> list[str]:
    return [p.text for p in document.paragraphs] + [
        c.text for t in document.tables for r in t.rows for c in r.cells
    ]


def _pdf_text(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "r.pdf"
    path.write_bytes(pdf)
    return "".join(
        subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True).stdout.split()
    )


def test_an_issued_survey_report_takes_its_own_number_and_is_registered(county, answered, login, tmp_path):
    year = timezone.localdate().year
    client = login(county.office_admin)
    response = client.post(reverse("bulletins:issue", args=["survey", answered.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("bulletins:register")
    issued = IssuedDocument.objects.get()
    assert (issued.kind, issued.number) == (DocumentKind.SURVEY, f"示创办调〔{year}〕1号")
    assert issued.filename == f"示范县第四季度测评问卷调查情况报告（示创办调〔{year}〕1号）"
    assert issued.source == {"survey_run": answered.pk}
    word = Document(issued.docx.open("rb"))
    number = next(p.text for p in word.paragraphs if getattr(p.style, "name", "") == od.NUMBER.name)
    assert number == f"示创办调〔{year}〕1号"
    headings = [p.text for p in word.paragraphs if getattr(p.style, "name", "") == od.HEADING1.name]
    assert headings == ["一、调查基本情况", "二、调查结果", "三、各街道（乡镇）情况", "四、需重点改进的方面"]
    assert any("共收回问卷3份，有效问卷3份" in p.text for p in word.paragraphs)
    rates, towns = word.tables[0], word.tables[1]
    assert [c.text for c in rates.rows[1].cells][:3] == ["您是否支持参评全国文明城市？", "3", "66.7%"]
    assert towns.rows[0].cells[0].text == "街道（乡镇）" and len(towns.rows) > 1
    assert od.footer_block_table(word) is not None
    text = _pdf_text(issued.pdf.open("rb").read(), tmp_path)
    missing = [b for b in _blocks(word) if "".join(b.split()) not in text]
    assert missing == []
    register = login(county.leader).get(reverse("bulletins:register")).content.decode()
    assert f"示创办调〔{year}〕1号" in register
    download = login(county.leader).get(reverse("bulletins:issued_file", args=[issued.pk, "pdf"]))
    assert quote(f"{issued.filename}.pdf") in download["Content-Disposition"]


def test_the_draft_has_no_number_and_is_named_as_a_draft(
    county, answered, login, django_capture_on_commit_callbacks
):
    client = login(county.office_admin)
    disposition, content = survey_report(client, answered.pk, "docx", django_capture_on_commit_callbacks)
    assert quote("示范县第四季度测评问卷调查情况报告（草稿）.docx") in disposition
    word = Document(io.BytesIO(content))
    number = next(p.text for p in word.paragraphs if getattr(p.style, "name", "") == od.NUMBER.name)
    assert number == f"示创办调〔{timezone.localdate().year}〕　号"
    assert not IssuedDocument.objects.exists()


def test_a_draft_in_an_unknown_format_starts_no_job(county, answered, login):
    response = login(county.office_admin).post(
        reverse("bulletins:survey_report", args=[answered.pk]), {"format": "xlsx"}
    )
    assert response.url == reverse("surveys:run_detail", args=[answered.pk])
    assert not GeneratedFile.objects.exists()


def test_only_the_office_admins_issue_a_survey_report(county, answered):
    for person in (county.leader, county.surveyor):
        with pytest.raises(PermissionDenied):
            issue_document(person, DocumentKind.SURVEY, answered)
    assert not IssuedDocument.objects.exists()


def test_an_office_restyles_the_survey_template_and_a_broken_one_is_refused(county, answered, login):
    shipped = default_survey_template()
    upload = SimpleUploadedFile("调查报告.docx", shipped)
    template = upload_bulletin_template(county.office_admin, "调查报告", upload, kind=TemplateKind.SURVEY)
    assert template.kind == TemplateKind.SURVEY and template.is_active
    broken = Document(io.BytesIO(shipped))
    broken.add_paragraph("{{ run | attr('__class__') }}{% for %}")
    buffer = io.BytesIO()
    broken.save(buffer)
    with pytest.raises(ValidationError):
        upload_bulletin_template(
            county.office_admin,
            "坏模板",
            SimpleUploadedFile("坏.docx", buffer.getvalue()),
            kind=TemplateKind.SURVEY,
        )
    assert BulletinTemplate.objects.filter(kind=TemplateKind.SURVEY).count() == 1
