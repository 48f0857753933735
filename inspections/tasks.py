"""Celery wrappers: the nightly repair of the inspections' tally (inspections.models.VisitTally)."""

from __future__ import annotations

from celery import shared_task

from core import periodic
from inspections.tally import rebuild_visit_tally

# Once a day, as the cases' tallies: the writes keep it, so this finds nothing unless a write went round them.
TALLY_REPAIR_SECONDS = 24 * 3600


@shared_task(name="inspections.repair_visit_tally")
def repair_visit_tally() -> str:
    return f"inspections' tally: {rebuild_visit_tally()} counts corrected"


periodic.register("inspections-tally-repair", repair_visit_tally, seconds=TALLY_REPAIR_SECONDS)
