"""The exports benchmark (`chuangwen bench exports`): the case list export, as the background job writes it, at
two sizes. It prints `rows_per_second` and `peak_memory_mb` for each: the writer streams, so the peak should not
grow with the row count (compare the two sizes; `memory_growth` is their ratio).

Speed is timed on its own, beside a reference taken in the same run: the same rows, read by the same query,
written by the writer's library used bare (XlsxWriter in constant-memory mode, `write_row`: no styles, no title,
no typing, no widths), so `speed_ratio` travels between machines where rows per second do
not; the peak is taken in a second pass under tracemalloc (Python's allocations, which is
what grows when rows are held), since tracing slows the code it measures. It runs in a throw-away database.
"""

from __future__ import annotations

import tempfile
import time
import tracemalloc
from collections.abc import Callable, Sequence

from xlsxwriter import Workbook

from bench.cases import fill_cases
from bench.measure import Figures, demo_county
from cases import exports
from cases.models import Case


def _export(rows: int) -> None:
    """The export of the first `rows` cases, written to a temporary file as the background job does."""
    cases = Case.objects.filter(number__lt=f"B{rows:09d}").order_by("number")
    with tempfile.TemporaryFile() as out:
        exports.cases_workbook(cases, can_see_contact=True).save(out)


def _reference(rows: int) -> None:
    """The same rows from the same query through bare XlsxWriter: the floor our writer's own work is measured
    against."""
    cases = Case.objects.filter(number__lt=f"B{rows:09d}").order_by("number")
    with tempfile.TemporaryFile() as out:
        workbook = Workbook(out, {"constant_memory": True, "remove_timezone": True})
        sheet = workbook.add_worksheet("cases")
        for number, values in enumerate(exports.export_rows(cases, can_see_contact=True)):
            sheet.write_row(number, 0, values)
        workbook.close()


def _label(rows: int) -> str:
    return f"{rows // 1000}k" if rows % 1000 == 0 else str(rows)


def run(sizes: Sequence[int], say: Callable[[str], None]) -> dict[str, float]:
    figures = Figures(say)
    demo_county()
    started = time.perf_counter()
    fill_cases(max(sizes))
    figures.report("fill_seconds", time.perf_counter() - started)
    peaks = []
    for rows in sizes:
        started = time.perf_counter()
        _export(rows)
        ours = time.perf_counter() - started
        figures.report(f"rows_per_second_{_label(rows)}", rows / ours)
        started = time.perf_counter()
        _reference(rows)
        reference = time.perf_counter() - started
        figures.report(f"reference_rows_per_second_{_label(rows)}", rows / reference)
        figures.report(f"speed_ratio_{_label(rows)}", reference / ours)
        tracemalloc.start()
        try:
            _export(rows)
            peak = tracemalloc.get_traced_memory()[1] / 2**20
        finally:
            tracemalloc.stop()
        figures.report(f"peak_memory_mb_{_label(rows)}", peak)
        peaks.append(peak)
    figures.report("memory_growth", peaks[-1] / peaks[0])
    return figures
