"""`chuangwen bench cases` keeps working: a tiny run prints every figure and the three ratios."""

from __future__ import annotations

import pytest

from bench import addresses as address_bench
from bench import cases as bench
from bench import exports as exports_bench
from cases.models import Case


@pytest.mark.django_db(transaction=True)  # as the bench runs: in autocommit, TRUNCATE included
def test_a_tiny_bench_prints_the_three_ratios(settings):
    settings.ROOT_URLCONF = "bench.cases"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    lines: list[str] = []
    figures = bench.run(total=300, requests=3, say=lines.append)
    names = [line.split(":")[0] for line in lines]
    assert names[-3:] == ["intake_ratio", "metrics_ratio", "queue_ratio"]
    assert figures["cases"] == 300 and all(figures[name] > 0 for name in names[-3:])
    assert not Case.objects.exists()  # the queue page was measured again on empty tables


@pytest.mark.django_db(transaction=True)
def test_a_tiny_exports_bench_prints_speed_and_memory_for_both_sizes():
    lines: list[str] = []
    figures = exports_bench.run([60, 600], say=lines.append)
    names = [line.split(":")[0] for line in lines]
    assert names[1:] == [
        "rows_per_second_60",
        "reference_rows_per_second_60",
        "speed_ratio_60",
        "peak_memory_mb_60",
        "rows_per_second_600",
        "reference_rows_per_second_600",
        "speed_ratio_600",
        "peak_memory_mb_600",
        "memory_growth",
    ]
    assert all(figures[name] > 0 for name in names)


@pytest.mark.django_db(transaction=True)
def test_a_tiny_address_bench_prints_both_figures():
    lines: list[str] = []
    figures = address_bench.run(total=400, requests=20, say=lines.append)
    names = [line.split(":")[0] for line in lines]
    assert names[-2:] == ["search_p95_ms", "reverse_p95_ms"]
    assert figures["doorplates"] == 400 and figures["search_p95_ms"] > 0 and figures["reverse_p95_ms"] > 0
