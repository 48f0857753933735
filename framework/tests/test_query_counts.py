"""Lists and the tree take a fixed number of queries, whatever the size of the edition or the breakdown."""

from __future__ import annotations

from datetime import date

from django.urls import reverse

from framework import actions
from framework.csv_loader import load_csv


def test_the_tree_of_the_whole_2016_edition_takes_a_few_queries(
    county, shipped_csv, login, django_assert_max_num_queries
):
    edition = load_csv(shipped_csv.read_text(encoding="utf-8"), name="2016").edition
    client = login(county.handler_a)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("framework:edition_tree", args=[edition.pk]))
    assert response.context["roots"][0].node.code == "Ⅰ-1"


def test_lists_do_not_grow_queries_with_tasks(county, edition, login, django_assert_max_num_queries):
    criteria = list(edition.criteria.all())
    for index in range(6):
        actions.assign_task(
            county.office_admin,
            criterion=criteria[index % 2],
            lead_unit=county.town_a,
            responsible_units=[county.town_b, county.department],
            deadline=date(2026, 12, index + 1),
            reason="按月分批",  # the same criteria again, deliberately
        )
    office = login(county.office_admin)
    with django_assert_max_num_queries(14):
        office.get(reverse("framework:task_list"))
    town = login(county.handler_a)
    with django_assert_max_num_queries(10):
        town.get(reverse("framework:my_tasks"))
