"""`chuangwen bench load`'s clients against a live server: they get their CSRF cookie, file real reports, read the
office's pages, and every report they count as acknowledged is in the database once. (The whole command, with
gunicorn on PostgreSQL, is run by hand: docs/performance.md.)"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from django.db import connection
from django.test import Client

from bench import load
from cases.actions import open_case
from cases.conftest import IN_GRID_A, categories, rubbish  # noqa: F401
from cases.models import Source
from portal.models import CitizenReport, PublicService

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_load_clients_file_reports_and_none_is_lost(live_server, county, rubbish, settings):  # noqa: F811
    settings.PORTAL_REPORTS_PER_IP = "10000/h"
    settings.PORTAL_REPORTS_PER_PHONE = "10000/h"
    service = PublicService.objects.create(service_code="rubbish", category=rubbish, name="暴露垃圾")
    case = open_case(
        county.inspector,
        category=rubbish,
        lon=IN_GRID_A[0],
        lat=IN_GRID_A[1],
        source=Source.INSPECTION,
        description="路边垃圾",
    )
    office = Client()
    office.force_login(county.office_admin)
    address = urlsplit(live_server.url)
    target = load.Target(
        host=address.hostname or "127.0.0.1",
        port=address.port or 80,
        session=office.cookies["sessionid"].value,
        service=service.pk,
        point=IN_GRID_A,
        case_ids=[case.pk],
    )

    # The test database on SQLite is in memory, shared by the live server's threads, which lock it: one client.
    clients = 2 if connection.vendor == "postgresql" else 1
    tally = load.drive(target, clients=clients, seconds=3, step=load.Visitor.mixed)
    reports = load.drive(target, clients=clients, seconds=2, step=load.Visitor.report)

    assert tally.errors == [] and reports.errors == []
    acknowledged = tally.acknowledged + reports.acknowledged
    assert len(acknowledged) >= 2 and len(set(acknowledged)) == len(acknowledged)
    stored = set(CitizenReport.objects.values_list("tracking_code", flat=True))
    assert set(acknowledged) <= stored
    assert len(tally.latencies) > len(tally.acknowledged), "the office's pages were read too"


def test_percentiles():
    values = [float(n) for n in range(1, 101)]
    assert load.percentile(values, 0.5) == 51 and load.percentile(values, 0.95) == 96
    assert load.percentile([], 0.5) == 0


def test_the_throughput_ratio_is_the_median_of_alternating_rounds(monkeypatch):
    """A slow spell on the machine spoils one round, not one side: the rounds alternate and the median drops it."""
    driven: list[tuple[str, float]] = []
    # Per round: reports acknowledged, then bare inserts answered. Round 2 met a slow spell during its intake.
    answers = iter([60, 100, 10, 100, 62, 100, 64, 100])

    def drive(target, clients, seconds, step):
        driven.append((step.__name__, seconds))
        tally, count = load.Tally(), next(answers)
        for n in range(count):
            tally.add(0.01, code=f"R{n}" if step is load.Visitor.report else "")
        return tally

    monkeypatch.setattr(load, "drive", drive)

    def drain(seconds: float = 180) -> int:
        driven.append(("drain", 0))
        return 0

    monkeypatch.setattr(load, "drain", drain)
    result = load.throughput_rounds(target=None, clients=4, phase=10)  # type: ignore[arg-type]

    # The worker files each intake round's reports before the bare round: its filing never meets the reference.
    assert [name for name, _ in driven] == ["report", "drain", "bare_insert"] * 4
    assert all(seconds == 2.5 for name, seconds in driven if name != "drain")
    assert result.ratios == [0.6, 0.1, 0.62, 0.64]
    assert result.median == pytest.approx(0.61)
    assert result.intake_rps == pytest.approx(196 / 10) and result.bare_rps == pytest.approx(40)
