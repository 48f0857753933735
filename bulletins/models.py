"""The office's Word templates for bulletins (考核通报) and round reports (督查通报)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from org.models import Person


class TemplateKind(models.TextChoices):
    BULLETIN = "bulletin", _("Score bulletin (考核通报)")
    ROUND = "round", _("Inspection round report (督查通报)")


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
