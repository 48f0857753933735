"""The office's Word templates for bulletins (考核通报) and round reports (督查通报)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from org.models import Person


class TemplateKind(models.TextChoices):
    BULLETIN = "bulletin", _("Score bulletin (考核通报)")
    ROUND = "round", _("Inspection round report (督查通报)")
    SURVEY = "survey", _("Survey report (问卷调查情况报告)")


class BulletinTemplate(models.Model):
    """A Word template (docxtpl) the office edited and uploaded; the newest active one of its kind is used."""

    kind = models.CharField(
        _("kind"), max_length=20, choices=TemplateKind.choices, default=TemplateKind.BULLETIN
    )
    name = models.CharField(_("name"), max_length=100)
    file = models.FileField(_("Word template (.docx)"), upload_to="templates/")
    is_active = models.BooleanField(_("active"), default=True)
    uploaded_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("bulletin template")
        verbose_name_plural = _("bulletin templates")
        ordering = ["-uploaded_at"]

    def __str__(self) -> str:
        return self.name


class DocumentKind(models.TextChoices):
    """The kinds of official document (公文) the office issues; each has its own number sequence a year."""

    BULLETIN = "bulletin", _("Score bulletin (考核通报)")
    ROUND = "round", _("Inspection round report (督查通报)")
    SURVEY = "survey", _("Survey report (问卷调查情况报告)")


class NumberSequence(models.Model):
    """An office's document numbers (文号) of one kind in one year: `last` is the last number given out. Numbers
    are given when a document is issued, never to a draft, and never twice."""

    office = models.CharField(_("issuing office"), max_length=100)
    kind = models.CharField(_("kind"), max_length=20, choices=DocumentKind.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    prefix = models.CharField(_("prefix"), max_length=20, help_text=_("The office's code, e.g. 示创办."))
    last = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("document number sequence")
        verbose_name_plural = _("document number sequences")
        constraints = [
            models.UniqueConstraint(fields=["office", "kind", "year"], name="number_sequence_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.prefix}〔{self.year}〕{self.last}"


class IssuedDocument(models.Model):
    """The register of issued documents (发文登记): number, title, date, who issued it, and the files."""

    office = models.CharField(_("issuing office"), max_length=100)
    kind = models.CharField(_("kind"), max_length=20, choices=DocumentKind.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    serial = models.PositiveIntegerField(_("serial"))
    number = models.CharField(_("document number"), max_length=50, unique=True)
    title = models.CharField(_("title"), max_length=300)
    source = models.JSONField(default=dict, blank=True)  # what it was made from: {"publication": id} …
    docx = models.FileField(_("Word file"), upload_to="issued/%Y/")
    pdf = models.FileField(_("PDF file"), upload_to="issued/%Y/")
    filename = models.CharField(max_length=250)  # without the extension
    issued_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    issued_at = models.DateTimeField(_("issued at"))

    class Meta:
        verbose_name = _("issued document")
        verbose_name_plural = _("issued documents")
        ordering = ["-issued_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["office", "kind", "year", "serial"], name="issued_document_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"
