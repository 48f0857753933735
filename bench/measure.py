"""What both benchmarks share: timings, turns with a reference, the printed figures, and filling (the demo county,
rows by COPY)."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Sequence

from django.core.management import call_command
from django.db import connection
from django.db.models import Model

from demo.county import build_demo_county
from org.models import Person


class Figures(dict[str, float]):
    """A run's figures, each printed as a `name: value` line as it comes."""

    def __init__(self, say: Callable[[str], None]) -> None:
        super().__init__()
        self.say = say

    def report(self, name: str, value: float) -> None:
        self[name] = value
        self.say(f"{name}: {value:.3f}" if isinstance(value, float) else f"{name}: {value}")


def demo_county() -> Person:
    """The demo county's units and people, and the problem categories; returns the office's admin."""
    build_demo_county()
    call_command("load_categories", verbosity=0)
    return Person.objects.get(username="admin")


def copy_rows(model: type[Model], rows: Sequence[Model]) -> None:
    """PostgreSQL's COPY for any model (ten times faster than INSERTs at a million rows; ids from the
    sequence); bulk_create elsewhere."""
    if connection.vendor != "postgresql":
        model._default_manager.bulk_create(rows, batch_size=5000)
        return
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {model._meta.db_table} ({columns}) FROM STDIN") as copy,
    ):
        for row in rows:
            copy.write_row([f.get_db_prep_save(f.pre_save(row, True), connection) for f in fields])


def timed(function: Callable[[], object], repeat: int) -> list[float]:
    durations = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        durations.append(time.perf_counter() - start)
    return durations


def interleaved(
    ours: Callable[[], object], reference: Callable[[], object], requests: int
) -> tuple[float, float]:
    """Median seconds per request of each side, taking turns request by request: on a shared machine a burst of
    load then slows both sides alike instead of whichever happened to run during it."""
    mine, theirs = [], []
    for _ in range(requests):
        mine += timed(ours, 1)
        theirs += timed(reference, 1)
    return statistics.median(mine), statistics.median(theirs)
