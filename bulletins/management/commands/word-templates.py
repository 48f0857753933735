"""`chuangwen word-templates`: write the shipped Word templates (bulletins/layout.py) where they ship, after the
layout changed. The office's own uploaded templates are not touched."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from bulletins import layout
from bulletins.bulletin import TEMPLATES


class Command(BaseCommand):
    help = "Rebuild the shipped 公文 Word templates (bulletin, round report, survey report) from bulletins/layout.py."

    def handle(self, *args, **options) -> None:
        for name, build in (
            ("bulletin.docx", layout.bulletin_template),
            ("round_report.docx", layout.round_template),
            ("survey_report.docx", layout.survey_template),
        ):
            path = TEMPLATES / name
            path.write_bytes(build())
            self.stdout.write(str(path))
