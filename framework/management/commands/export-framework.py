from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from framework.excel import export_edition
from framework.models import Edition


class Command(BaseCommand):
    help = (
        "Export a framework edition (EDITION = id or name) to an Excel file in the import template's layout."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("edition")
        parser.add_argument("file")

    def handle(self, *args, edition: str, file: str, **options) -> None:
        found = Edition.objects.filter(pk=int(edition)) if edition.isdigit() else Edition.objects.none()
        found = found or Edition.objects.filter(name=edition)
        if not found:
            raise CommandError(f"No edition with id or name “{edition}”.")
        Path(file).write_bytes(export_edition(found[0]))
        self.stdout.write(f"Exported “{found[0].name}” to {file}.")
