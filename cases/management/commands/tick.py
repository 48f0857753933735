from django.core.management.base import BaseCommand

from cases.pressure import run_tick
from materials.pressure import run_tick as run_materials_tick


class Command(BaseCommand):
    help = (
        "Send reminders before case and material deadlines, mark overdue cases and material requests and escalate "
        "to unit heads (idempotent; for cron)."
    )

    def handle(self, *args, **options) -> None:
        self.stdout.write(str(run_tick()))
        self.stdout.write(str(run_materials_tick()))
