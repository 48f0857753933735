"""The inspections fixtures (a small edition with a market checklist, two sites, an open round) for the round
report tests."""

from inspections.tests.conftest import edition, make_site, market_a, market_b, market_type, open_round  # noqa: F401
