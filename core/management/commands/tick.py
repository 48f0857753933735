from django.core.management.base import BaseCommand

from cases.tasks import tick


class Command(BaseCommand):
    help = (
        "Send reminders before case and material deadlines, mark overdue cases and material requests, escalate "
        "to unit heads and, from CASE_DIGEST_HOUR on, send each unit its daily digest (idempotent; for cron)."
    )

    def handle(self, *args, **options) -> None:
        self.stdout.write(tick())
