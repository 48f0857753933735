"""The materials fixtures (an edition asking for materials, a period, issued requests) for the materials
component's tests; they replace the inspections edition of scoring's own conftest here."""

from materials.tests.conftest import (  # noqa: F401
    ads,
    ads_a,
    breakdown,
    deadline,
    edition,
    issued,
    period,
    report_a,
    report_criterion,
)
