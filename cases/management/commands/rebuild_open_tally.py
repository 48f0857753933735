from django.core.management.base import BaseCommand

from cases.tally import rebuild_case_tallies


class Command(BaseCommand):
    help = (
        "Count the cases again and rewrite the tallies they keep (the open cases per unit and category, the "
        "period's cohort, the cases units hold, the history's counts), after a bulk load that skipped the case "
        "steps; it also runs nightly. Prints how many counts were wrong."
    )

    def handle(self, *args, **options) -> None:
        wrong = rebuild_case_tallies()
        self.stdout.write(f"Case tallies rebuilt: {wrong} counts corrected.")
