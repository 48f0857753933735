"""The inspections fixtures (a small edition with a market checklist, sites) for the lost-points and what-if tests."""

from inspections.tests.conftest import edition, make_site, market_type  # noqa: F401
