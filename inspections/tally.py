"""The inspections' tally (inspections.models.VisitTally): what a submitted inspection or a published 暗访 round adds
to it, and its repair, counted again from the inspections. The writes keep it; what skips them, the demo's and
the benchmarks' bulk loads, calls `rebuild_visit_tally` after. It also runs nightly (inspections.tasks) and with
`chuangwen rebuild_period_facts`, and says how many counts it corrected."""

from __future__ import annotations

from core.tallies import Counts, Key, add_to_tally, kept_tally, rewrite_tally
from inspections.models import Round, Visit, VisitTally, counted_visits, visit_rows


def _add(rows: dict[Key, Counts]) -> None:
    add_to_tally(VisitTally, VisitTally.KEYS, VisitTally.COUNTERS, rows)


def count_visit(visit: Visit) -> None:
    """Add a just-submitted inspection, if it counts (points at stake; a 暗访 only once its round is published)."""
    _add(visit_rows(counted_visits().filter(pk=visit.pk)))


def count_round(round_: Round) -> None:
    """Add a 暗访 round's inspections as it is published (until then they did not count)."""
    if round_.is_hidden_kind():
        _add(visit_rows(counted_visits().filter(round=round_)))


def counted_visit_tally() -> dict[Key, Counts]:
    """VisitTally's rows counted from the inspections: what it must hold."""
    return visit_rows(counted_visits())


def kept_visits() -> dict[Key, Counts]:
    return kept_tally(VisitTally, VisitTally.KEYS, VisitTally.COUNTERS)


def rebuild_visit_tally() -> int:
    """Count the inspections again and rewrite the tally where it is wrong; returns how many counts were wrong."""
    return rewrite_tally(VisitTally, VisitTally.KEYS, VisitTally.COUNTERS, counted_visit_tally)
