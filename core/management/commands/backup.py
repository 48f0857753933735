from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from core import backup


class Command(BaseCommand):
    help = (
        "Back up the database (pg_dump on PostgreSQL, the online backup API on SQLite) and the uploaded files into "
        "one archive FILE with a manifest of versions, row counts and checksums (gzip when FILE ends in .gz)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--no-media", action="store_true", help="Leave the uploaded files out.")

    def handle(self, *args, **options) -> None:
        try:
            done = backup.backup(options["file"], media=not options["no_media"])
        except backup.BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"Backed up {done.rows} rows in {done.tables} tables and {done.media_files} files to {done.path}"
        )
