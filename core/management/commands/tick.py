from django.core.management.base import BaseCommand

from core import periodic


class Command(BaseCommand):
    help = (
        "Run every app's pressure job once: reminders before case and material deadlines, overdue marks, "
        "escalation to unit heads and, from CASE_DIGEST_HOUR on, each unit's daily digest (idempotent; for cron)."
    )

    def handle(self, *args, **options) -> None:
        self.stdout.write("; ".join(str(job.task()) for job in periodic.jobs() if job.in_tick))
