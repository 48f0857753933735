"""`chuangwen award-points`: give the points due to newly accepted citizen reports (run it daily, e.g. from cron;
the points page and its export also do it when opened)."""

from django.core.management.base import BaseCommand

from portal.points import award_points


class Command(BaseCommand):
    help = "Award points (积分) to citizen reports accepted since the last run."

    def handle(self, *args, **options) -> None:
        self.stdout.write(f"{award_points()} reports awarded.")
