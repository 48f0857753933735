"""Loading the shipped 2016 district framework reproduces the counts stated beside the data."""

from __future__ import annotations

from framework.csv_loader import load_csv, match_site_types
from framework.models import Criterion, MethodKind, Node, NodeLevel, Requirement, SiteType


def _load(path):
    return load_csv(path.read_text(encoding="utf-8"), name="南开区 2016")


def test_it_reads_the_row_counts_stated_beside_the_data(db, shipped_csv):
    report = _load(shipped_csv)
    assert report.rows_read == 357
    assert report.rows_by_method == {
        ("city", "网上申报"): 206,
        ("city", "实地考察"): 62,
        ("city", "问卷调查"): 21,
        ("minors", "网上申报"): 48,
        ("minors", "实地考察"): 10,
        ("minors", "问卷调查"): 10,
    }


def test_it_builds_the_tree_with_the_stated_codes(db, shipped_csv):
    edition = _load(shipped_csv).edition
    nodes = Node.objects.filter(edition=edition)
    projects = set(nodes.filter(level=NodeLevel.PROJECT).values_list("code", flat=True))
    assert {code for code in projects if code.startswith("Ⅰ-")} == {f"Ⅰ-{n}" for n in range(1, 13) if n != 8}
    assert {code for code in projects if not code.startswith("Ⅰ-")} == {"1", "2", "3", "4", "5"}
    city = nodes.filter(code__startswith="Ⅱ-").values_list("code", flat=True).distinct()
    assert len(set(city)) == 38
    assert len(set(nodes.filter(code__startswith="Ⅲ-").values_list("code", flat=True))) == 83


def test_it_skips_the_three_duplicates_and_keeps_every_other_row(db, shipped_csv):
    report = _load(shipped_csv)
    assert sorted(report.duplicates, key=int) == ["63", "146", "414"]
    requirements = Requirement.objects.filter(criterion__edition=report.edition)
    assert requirements.count() == 357 - 3
    field_like = requirements.filter(kind__in=[MethodKind.FIELD, MethodKind.SIMULATION]).count()
    assert field_like == 62 + 10 - 1  # row 63 is a duplicate field row
    assert requirements.filter(kind=MethodKind.SURVEY).count() == 21 + 10
    assert requirements.filter(kind=MethodKind.MATERIAL).count() == 206 + 48 - 2


def test_it_reports_each_oddity(db, shipped_csv):
    report = _load(shipped_csv)
    text = "\n".join(report.lines())
    assert "row 63: exact duplicate of row 61; skipped." in text
    assert "row 119: no indicator (Ⅱ) in the source; kept directly under Ⅰ-5." in text
    assert "row 421: no standard text of its own" in text
    assert "TAB characters" in text
    assert "loaded as a simulation" in text
    # An empty Ⅱ leaves the Ⅲ node directly under its project.
    content = Node.objects.get(edition=report.edition, code="Ⅲ-31")
    assert content.parent is not None and content.parent.code == "Ⅰ-5"


def test_it_reads_survey_targets_and_graded_tiers(db, shipped_csv):
    edition = _load(shipped_csv).edition
    graded = Criterion.objects.get(edition=edition, requirements__source_row="441")
    assert graded.rule_kind == "graded"
    assert graded.rule == {"tiers": [["0.8", "1"], ["0.75", "0.5"]]}
    assert str(Requirement.objects.get(source_row="426").target_rate) == "0.9000"


def test_it_matches_site_type_labels():
    types = [SiteType(code="09", name="主次干道、商业大街"), SiteType(code="03", name="社区")]
    assert [t.code for t in match_site_types("主次干道、商业大街", types)] == ["09"]
    assert [t.code for t in match_site_types("城市社区", types)] == ["03"]
    assert match_site_types("医院", types) == []


def test_it_orders_projects_by_code_city_first(db, shipped_csv):
    edition = _load(shipped_csv).edition
    projects = Node.objects.filter(edition=edition, parent=None).order_by("sort_order")
    codes = list(projects.values_list("code", flat=True))
    assert codes == [f"Ⅰ-{n}" for n in range(1, 13) if n != 8] + ["1", "2", "3", "4", "5"]
