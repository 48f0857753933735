"""Demo sites: hundreds, every site type, every town, located in the grid recorded, idempotent and deterministic."""

from __future__ import annotations

import pytest
from django.db.models import Count

from cases.categories import load_categories
from cases.models import Case, Source
from demo.county import build_demo_county
from demo.framework import build_demo_edition
from demo.inspections import build_demo_history, build_demo_round, build_demo_sites
from framework.models import SiteType
from inspections.models import Finding, Round, RoundKind, Site, Visit
from inspections.queries import rollup
from org.models import Unit, UnitKind
from org.queries import grid_of_point


@pytest.fixture
def demo_sites(db):
    build_demo_county()
    return build_demo_sites()


def test_it_has_hundreds_of_sites_of_every_type_in_every_town(demo_sites):
    assert demo_sites == Site.objects.count() >= 300
    assert (
        Site.objects.values("site_type").distinct().count()
        == SiteType.objects.filter(active=True).count()
        == 29
    )
    assert Site.objects.values("town").distinct().count() == Unit.objects.filter(kind=UnitKind.TOWN).count()
    for site in Site.objects.select_related("keeper").order_by("?")[:30]:
        assert grid_of_point(site.lon, site.lat) == site.grid
        assert site.keeper.parent_id == site.town_id


def test_it_is_idempotent_and_deterministic(demo_sites):
    first = list(Site.objects.order_by("pk").values_list("name", "lon", "lat"))
    assert build_demo_sites() == 0
    Site.objects.all().delete()
    build_demo_sites()
    assert list(Site.objects.order_by("pk").values_list("name", "lon", "lat")) == first


def test_an_open_round_samples_one_site_per_checked_type_per_town(demo_sites):
    build_demo_edition()
    round_ = build_demo_round()
    assert round_ is not None and round_.visits.count() > 0
    assert round_.visits.filter(inspector__isnull=True).count() == 0
    per_group = round_.visits.values("site__town", "site__site_type").annotate(n=Count("id"))
    assert {row["n"] for row in per_group} == {1}
    assert build_demo_round() is None


def test_four_quarters_of_rounds_have_results_cases_and_an_unpublished_secret_visit(demo_sites):
    import datetime as dt

    load_categories()
    build_demo_edition()
    now = dt.datetime(2026, 11, 29, 10, tzinfo=dt.UTC)
    assert build_demo_history(now) == 12
    rounds = Round.objects.all()
    assert set(rounds.values_list("kind", flat=True)) == set(RoundKind.values)
    assert all(r.ends_on < now.date() for r in rounds)
    secret = rounds.filter(kind=RoundKind.SECRET).order_by("starts_on")
    assert [r.is_published() for r in secret] == [True, True, True, False]
    assert not Visit.objects.exclude(status=Visit.Status.SUBMITTED).exists()
    failed = Finding.objects.filter(verdict="fail")
    assert failed.count() > 100 and not failed.filter(case=None).exists()
    finding = failed.select_related("case", "visit__site")[0]
    assert finding.case is not None and finding.case.source == Source.INSPECTION
    assert finding.case.unit_id in (None, finding.visit.site.keeper_id)
    assert Case.objects.filter(source=Source.INSPECTION).count() == failed.count()
    towns = rollup(Visit.objects.all(), "town")
    best, worst = towns[-1].score_rate, towns[0].score_rate
    assert best is not None and worst is not None
    assert best - worst > 0.05  # towns differ, so the ranking means something
    assert build_demo_history(now) == 0
