from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from core import backup


class Command(BaseCommand):
    help = (
        "Restore a `chuangwen backup` archive into the configured database, which must be empty, and its files into "
        "MEDIA_ROOT; every checksum is verified first and every table's row count after."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--no-media", action="store_true", help="Restore the database only.")

    def handle(self, *args, **options) -> None:
        if not options["file"].is_file():
            raise CommandError(f"No such backup: {options['file']}")
        try:
            done = backup.restore(options["file"], media=not options["no_media"])
        except backup.BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"Restored {done.rows} rows in {done.tables} tables and {done.media_files} files from {done.path}; "
            "row counts match the backup. Run `chuangwen migrate` if this version is newer than the backup's."
        )
