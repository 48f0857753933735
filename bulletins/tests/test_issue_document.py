"""Issuing a document gives it the next number (文号) of its kind and year and puts it in the register; drafts never
take a number, numbers are never given twice, and only the office's admins issue."""

from __future__ import annotations

import datetime as dt
import io
from urllib.parse import quote

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from docx import Document

from bulletins.actions import issue_document, set_document_prefix
from bulletins.models import DocumentKind, IssuedDocument, NumberSequence
from core import officialdoc as od
from core.models import Period
from org.models import UnitKind
from scoring import actions

NOW = dt.datetime(2026, 12, 30, 2, tzinfo=dt.UTC)


@pytest.fixture
def publication(county):
    period = actions.create_period(county.office_admin, Period.Kind.QUARTER, 2026, 4)
    return actions.publish(county.office_admin, period.schemes.get(unit_kind=UnitKind.TOWN))


def _number(document: IssuedDocument) -> str:
    word = Document(document.docx.open("rb"))
    return next(p.text for p in word.paragraphs if getattr(p.style, "name", "") == od.NUMBER.name)


@time_machine.travel(NOW, tick=False)
def test_issuing_numbers_documents_per_kind_and_year_and_never_twice(county, publication, login):
    first = issue_document(county.office_admin, DocumentKind.BULLETIN, publication)
    second = issue_document(county.office_admin, DocumentKind.BULLETIN, publication)
    assert (first.number, second.number) == ("示创办〔2026〕1号", "示创办〔2026〕2号")
    assert _number(first) == "示创办〔2026〕1号" and _number(second) == "示创办〔2026〕2号"
    assert first.filename == "示范县2026年第四季度街道乡镇文明城市创建工作考核情况通报（示创办〔2026〕1号）"
    assert first.pdf.open("rb").read(5) == b"%PDF-"
    with time_machine.travel(NOW + dt.timedelta(days=5), tick=False):
        next_year = issue_document(county.office_admin, DocumentKind.BULLETIN, publication)
    assert next_year.number == "示创办〔2027〕1号"
    assert NumberSequence.objects.get(kind=DocumentKind.BULLETIN, year=2026).last == 2


@time_machine.travel(NOW, tick=False)
def test_a_new_prefix_numbers_from_the_next_document_on(county, publication):
    issue_document(county.office_admin, DocumentKind.BULLETIN, publication)
    set_document_prefix(county.office_admin, DocumentKind.BULLETIN, "示文创")
    assert (
        issue_document(county.office_admin, DocumentKind.BULLETIN, publication).number == "示文创〔2026〕2号"
    )
    with pytest.raises(ValidationError):
        set_document_prefix(county.office_admin, DocumentKind.ROUND, "示文创")  # the numbers would clash
    with pytest.raises(ValidationError):
        set_document_prefix(county.office_admin, DocumentKind.ROUND, "示〔创")


@time_machine.travel(NOW, tick=False)
def test_only_the_office_admins_issue_and_nothing_changes_otherwise(county, publication):
    for person in (county.leader, county.handler_a):
        with pytest.raises(PermissionDenied):
            issue_document(person, DocumentKind.BULLETIN, publication)
    assert not IssuedDocument.objects.exists() and not NumberSequence.objects.filter(last__gt=0).exists()


@time_machine.travel(NOW, tick=False)
def test_the_register_lists_issued_documents_with_their_files(county, publication, login):
    client = login(county.office_admin)
    response = client.post(reverse("bulletins:issue", args=["bulletin", publication.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("bulletins:register")
    document = IssuedDocument.objects.get()
    page = login(county.leader).get(reverse("bulletins:register")).content.decode()
    assert "示创办〔2026〕1号" in page and document.title in page and str(county.office_admin) in page
    download = login(county.leader).get(reverse("bulletins:issued_file", args=[document.pk, "docx"]))
    assert quote(f"{document.filename}.docx") in download["Content-Disposition"]
    word = Document(io.BytesIO(b"".join(download.streaming_content)))
    assert "示创办〔2026〕1号" in [p.text for p in word.paragraphs]
    assert login(county.handler_a).get(reverse("bulletins:register")).status_code == 403
    assert (
        login(county.handler_a).get(reverse("bulletins:issued_file", args=[document.pk, "pdf"])).status_code
        == 403
    )
