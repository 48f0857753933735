"""The inspections fixtures (a small edition with a market checklist, sites) and a helper that inspects sites in
2026 Q2, for the field, lost-points and what-if tests."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from framework.queries import checklist_for
from inspections.actions import Answer, create_round, submit_visit
from inspections.models import Round, RoundKind
from inspections.tests.conftest import edition, make_site, market_type  # noqa: F401

IN_Q2 = dt.datetime(2026, 6, 10, 2, tzinfo=dt.UTC)


@pytest.fixture
def inspect(county, edition, market_type):  # noqa: F811
    """inspect({site: ["pass", "fail", "na"]}, kind=...) → the round; lines are worth 1, 0.5 and 2 points."""

    def _inspect(verdicts_by_site: dict, kind: str = RoundKind.OPEN, name: str = "明查") -> Round:
        round_ = create_round(
            county.office_admin,
            name=name,
            kind=kind,
            edition=edition,
            starts_on=dt.date(2026, 6, 1),
            ends_on=dt.date(2026, 6, 30),
            site_types=[market_type],
            seed=1,
            inspectors=[county.inspector],
        )
        items = list(checklist_for(market_type, edition))
        with time_machine.travel(IN_Q2):
            for site, verdicts in verdicts_by_site.items():
                answers = [Answer(item=i, verdict=v) for i, v in zip(items, verdicts, strict=True)]
                submit_visit(county.inspector, round_.visits.get(site=site), answers)
        return round_

    return _inspect
