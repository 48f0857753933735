"""The queue page counts up to settings.CASE_COUNT_CAP: exact below it, "N+" beyond, no pages past it."""

from __future__ import annotations

from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases.models import Case, Source, State
from core.counting import CappedCount


def _cases(how_many: int, state: str = State.REPORTED, unit=None) -> None:
    now = timezone.now()
    Case.objects.bulk_create(
        Case(
            number=f"2026-{index:06d}",
            source=Source.PATROL,
            description="暴露垃圾",
            state=state,
            unit=unit,
            reported_at=now - timedelta(minutes=index),
            deadline=now + timedelta(days=3) if unit else None,
        )
        for index in range(1, how_many + 1)
    )


def _badges(response) -> dict[str, CappedCount]:
    return {name: count for name, _label, count in response.context["queues"]}


def test_it_counts_exactly_below_the_cap(county, login, settings):
    settings.CASE_COUNT_CAP = 5
    _cases(4)
    response = login(county.office_admin).get(reverse("cases:list"))
    assert response.context["page"].paginator.count == 4 and not response.context["page"].paginator.capped
    assert _badges(response)["to_accept"] == CappedCount(4, capped=False)
    page = response.content.decode()
    assert "4 cases" in page and "narrow the list" not in page


def test_it_counts_exactly_at_the_cap(county, login, settings):
    settings.CASE_COUNT_CAP = 4
    _cases(4)
    response = login(county.office_admin).get(reverse("cases:list"))
    assert (
        _badges(response)["to_accept"] == CappedCount(4, capped=False)
        and "4 cases" in response.content.decode()
    )


def test_past_the_cap_it_says_n_plus_and_asks_for_filters(county, login, settings):
    settings.CASE_COUNT_CAP = 3
    _cases(5)
    response = login(county.office_admin).get(reverse("cases:list"))
    assert _badges(response)["to_accept"] == CappedCount(3, capped=True)
    page = response.content.decode()
    assert "3+ cases — narrow the list with the filters" in page
    assert 'To accept <span class="badge text-bg-light">3+</span>' in page
    assert response.context["export_in_background"]  # "more than the cap" is a large list


def test_no_page_is_offered_past_the_cap(county, login, settings):
    settings.CASE_COUNT_CAP = 55  # 50 a page: the first 55 cases fill two pages
    _cases(60)
    client = login(county.office_admin)
    second = client.get(reverse("cases:list") + "?page=2")
    page = second.context["page"]
    assert page.paginator.num_pages == 2 and len(page.object_list) == 5 and not page.has_next()
    assert "Page 2 of 2" in second.content.decode() and "page=3" not in second.content.decode()
    assert client.get(reverse("cases:list") + "?page=3").context["page"].number == 2


def test_a_units_queue_badges_are_capped_too(county, login, settings):
    settings.CASE_COUNT_CAP = 2
    _cases(3, state=State.DISPATCHED, unit=county.town_a)
    response = login(county.handler_a).get(reverse("cases:list"))
    assert _badges(response)["to_rectify"] == CappedCount(2, capped=True)
    assert _badges(response)["overdue"] == CappedCount(0, capped=False)
    assert "2+ cases — narrow the list with the filters" in response.content.decode()


def test_each_count_stops_after_the_cap_and_the_queues_are_counted_in_one_statement(county, login, settings):
    settings.CASE_COUNT_CAP = 3
    _cases(5)
    client = login(county.office_admin)
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("cases:list"))
    sqls = [q["sql"] for q in queries.captured_queries]
    queues = [sql for sql in sqls if sql.startswith("SELECT 0, COUNT(*) FROM (SELECT")]
    page = [sql for sql in sqls if sql.startswith('SELECT COUNT(*) FROM (SELECT "cases')]
    # Five queues in one statement, and the list; none ordered (a sort would read every matching row).
    assert len(queues) == 1 and queues[0].count(" UNION ALL ") == 4 and len(page) == 1
    assert queues[0].count("LIMIT 4") == 5 and "LIMIT 4" in page[0]
    assert "ORDER BY" not in queues[0] + page[0]
