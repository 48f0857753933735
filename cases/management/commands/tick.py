from django.core.management.base import BaseCommand

from cases.pressure import run_tick


class Command(BaseCommand):
    help = "Send reminders before case deadlines, mark overdue cases and escalate to unit heads (idempotent; for cron)."

    def handle(self, *args, **options) -> None:
        self.stdout.write(str(run_tick()))
