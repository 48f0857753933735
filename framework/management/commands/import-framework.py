from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.excel import open_workbook
from framework.csv_loader import load_csv
from framework.excel import import_edition


class Command(BaseCommand):
    help = (
        "Import a framework edition from an Excel file (the documented template) or from a CSV in the layout of "
        "the shipped 2016 data. Prints what it did; the last line is the new edition's id."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("file")
        parser.add_argument("--name", default="", help="the edition's name (default: from the file)")
        parser.add_argument("--year", type=int, default=None)

    def handle(self, *args, file: str, name: str, year: int | None, **options) -> None:
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        if path.suffix.lower() == ".csv":
            report = load_csv(path.read_text(encoding="utf-8"), name=name or path.stem, year=year or 2016)
            for line in report.lines():
                self.stdout.write(line)
            edition = report.edition
        else:
            with path.open("rb") as handle:
                try:
                    workbook = open_workbook(handle)
                except Exception as error:
                    raise CommandError("; ".join(getattr(error, "messages", [str(error)]))) from error
            result = import_edition(workbook, name=name, year=year)
            if not result.ok:
                for problem in result.problems:
                    self.stderr.write(str(problem))
                raise CommandError(f"{len(result.problems)} problem(s); nothing was imported.")
            edition = result.created[0]
        self.stdout.write(f"Imported “{edition.name}”: {edition.criteria.count()} criteria.")
        self.stdout.write(str(edition.pk))
