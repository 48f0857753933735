"""`chuangwen open311-key NAME`: issue an Open311 API key for a client system and print it (shown only once)."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from portal.actions import issue_api_key


class Command(BaseCommand):
    help = "Issue an Open311 API key for a client system and print it."

    def add_arguments(self, parser) -> None:
        parser.add_argument("name", help="the client system, e.g. '12345 hotline platform'")

    def handle(self, *args, name: str, **options) -> None:
        try:
            key, raw = issue_api_key(None, name)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        self.stdout.write(raw)
        self.stderr.write(f"Key {key.prefix}… issued for {key.name}.")
