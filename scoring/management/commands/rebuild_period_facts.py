from django.core.management.base import BaseCommand

from cases.tally import rebuild_case_tallies
from inspections.tally import rebuild_visit_tally
from surveys.tally import rebuild_answer_tally


class Command(BaseCommand):
    help = (
        "Count the period facts the score sheets and the 大屏 read again and rewrite their kept tallies where they "
        "are wrong: the cases' (open cases, the cohort, the cases units hold, the history's counts), the survey answers', the "
        "inspections'. After a bulk load that skipped the writes that keep them; each also runs nightly. Prints "
        "how many counts were wrong in each."
    )

    def handle(self, *args, **options) -> None:
        for name, rebuild in (
            ("cases", rebuild_case_tallies),
            ("survey answers", rebuild_answer_tally),
            ("inspections", rebuild_visit_tally),
        ):
            self.stdout.write(f"{name}: {rebuild()} counts corrected")
