"""`chuangwen bulletin --publication ID|latest --format docx|pdf|xlsx --out FILE`: a bulletin for automation,
made by the same renderer as the page (the office's active template, the same context). Prints the file's path
on the last line."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from bulletins import documents
from bulletins.models import DocumentKind
from scoring.models import Publication


class Command(BaseCommand):
    help = "Write the bulletin (通报) of a score publication as Word, PDF or Excel; print the file's path."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--publication", required=True, help="a publication's id, or 'latest'")
        parser.add_argument("--format", required=True, choices=documents.FORMATS[DocumentKind.BULLETIN])
        parser.add_argument("--out", help="the file to write (default: the document's own name, here)")

    def handle(self, *args, publication: str, format: str, out: str | None, **options) -> None:
        chosen = self._publication(publication)
        rendered = documents.render(DocumentKind.BULLETIN, chosen, format)
        path = Path(out or rendered.filename)
        if path.is_dir():
            path = path / rendered.filename
        path.write_bytes(rendered.content)
        self.stdout.write(str(path.resolve()))

    def _publication(self, value: str) -> Publication:
        publications = Publication.objects.select_related("scheme__period")
        if value == "latest":
            latest = publications.order_by("-published_at", "-pk").first()
            if latest is None:
                raise CommandError("No score publication yet.")
            return latest
        if not value.isdigit():
            raise CommandError("--publication takes an id or 'latest'.")
        try:
            return publications.get(pk=int(value))
        except Publication.DoesNotExist as exc:
            raise CommandError(f"No publication {value}.") from exc
