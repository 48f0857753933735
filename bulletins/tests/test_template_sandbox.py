"""Finding 1 of the probe: a .docx holding `{{ cycler.__init__.__globals__.os.popen('id').read() }}` ran on the
server at the upload's trial render and on every later bulletin, and the upload was not in the audit log. Every
kind of template, with the payload in every part docxtpl renders, is refused and runs nothing; uploads are audited."""

from __future__ import annotations

import io
from collections.abc import Callable

import pytest
from auditlog.models import LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from docx import Document

from bulletins.bulletin import default_template, render_docx, sample_context
from bulletins.models import BulletinTemplate, TemplateKind
from bulletins.round_report import default_round_template, render_round_docx, sample_round_context
from bulletins.survey_report import default_survey_template, render_survey_docx, sample_survey_context

PAYLOAD = "{{ cycler.__init__.__globals__.os.popen('id').read() }}"
DEFAULTS: dict[str, Callable[[], bytes]] = {
    TemplateKind.BULLETIN: default_template,
    TemplateKind.ROUND: default_round_template,
    TemplateKind.SURVEY: default_survey_template,
}
RENDERERS: dict[str, Callable[[bytes], bytes]] = {
    TemplateKind.BULLETIN: lambda data: render_docx(sample_context(), data),
    TemplateKind.ROUND: lambda data: render_round_docx(sample_round_context(), data),
    TemplateKind.SURVEY: lambda data: render_survey_docx(sample_survey_context(), data),
}


def _docx_with(kind: str, text: str, part: str) -> bytes:
    """The shipped template of `kind` with `text` in one part docxtpl renders: body, header, footer or a property."""
    document = Document(io.BytesIO(DEFAULTS[kind]()))
    if part == "body":
        document.add_paragraph(text)
    elif part == "header":
        document.sections[0].header.add_paragraph(text)
    elif part == "footer":
        document.sections[0].footer.add_paragraph(text)
    else:
        document.core_properties.title = text
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize("part", ["body", "header", "footer", "title"])
@pytest.mark.parametrize("kind", TemplateKind.values)
def test_an_uploaded_template_running_code_is_refused(county, login, kind, part, caplog):
    upload = SimpleUploadedFile("evil.docx", _docx_with(kind, PAYLOAD, part))
    response = login(county.office_admin).post(
        reverse("bulletins:templates"), {"name": "恶意模板", "file": upload, "kind": kind}, follow=True
    )
    page = response.content.decode()
    assert "The template does not render" in page and "uid=" not in page
    assert not BulletinTemplate.objects.exists()
    assert "refused by the sandbox" in caplog.text


@pytest.mark.parametrize("kind", TemplateKind.values)
def test_a_stored_template_running_code_runs_nothing_when_rendered(kind, tmp_path):
    """A template already in storage (uploaded before the sandbox) renders in the sandbox too: nothing runs."""
    marker = tmp_path / "ran"
    payload = PAYLOAD.replace("'id'", f"'touch {marker}'")
    with pytest.raises(Exception, match=r"unsafe|undefined"):
        RENDERERS[kind](_docx_with(kind, payload, "body"))
    assert not marker.exists()


@pytest.mark.parametrize("kind", TemplateKind.values)
def test_a_template_upload_is_in_the_audit_log(county, login, kind):
    client = login(county.office_admin)
    for name in ("第一版", "第二版"):
        upload = SimpleUploadedFile("t.docx", _docx_with(kind, "{{ jurisdiction }}创建办", "body"))
        client.post(reverse("bulletins:templates"), {"name": name, "file": upload, "kind": kind})
    first, second = BulletinTemplate.objects.order_by("pk")
    created = LogEntry.objects.get_for_object(second).get(action=LogEntry.Action.CREATE)
    assert created.actor == county.office_admin and created.changes_dict["name"][1] == "第二版"
    retired = LogEntry.objects.get_for_object(first).get(action=LogEntry.Action.UPDATE)
    assert retired.actor == county.office_admin and retired.changes_dict["is_active"] == ["True", "False"]
