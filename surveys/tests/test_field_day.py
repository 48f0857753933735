"""A surveyor's home: today's share of the run's quotas, what they did today, and the next respondent to find (the
community furthest behind its quota), one tap from the questionnaire."""

from __future__ import annotations

from django.urls import reverse

from surveys.actions import submit_response
from surveys.models import Channel
from surveys.queries import field_day
from surveys.tests.conftest import submission


def test_todays_share_and_the_community_furthest_behind(county, run, questionnaire):
    # Quotas: community A 3, town B 2 (5 in all); six days left counting today; one surveyor.
    submit_response(
        run, questionnaire, submission(questionnaire, county.community_a), Channel.HOUSEHOLD, county.surveyor
    )
    day = field_day(run, county.surveyor)
    assert (day.done_today, day.target_today, day.left) == (1, 1, 4)  # ceil(5 needed this morning / 6 days)
    # Town B has nothing yet (0 of 2) and community A one of three: a community of town B is next.
    assert (day.next_unit, day.next_left, day.questionnaire) == (county.community_b, 2, questionnaire)


def test_the_surveyor_opens_on_it_and_starts_the_next_one_in_one_tap(county, run, questionnaire, login):
    page = login(county.surveyor).get(reverse("home"))
    assert [d.run for d in page.context["field_days"]] == [run]
    html = page.content.decode()
    assert 'data-testid="next-respondent"' in html and "case_cards" not in page.context
    start = reverse("surveys:fill", args=[run.pk, questionnaire.pk]) + f"?unit={county.community_a.pk}"
    assert start in html  # community A (0 of 3) is the furthest behind before anyone answered
    form = login(county.surveyor).get(start)
    assert form.context["form"]["unit"].value() == str(county.community_a.pk)


def test_a_surveyor_not_on_the_run_sees_no_field_day(county, run, login):
    run.surveyors.clear()
    page = login(county.surveyor).get(reverse("home"))
    assert page.context["field_days"] == [] and b'data-testid="next-respondent"' not in page.content
