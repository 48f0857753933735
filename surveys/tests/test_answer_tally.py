"""The survey answers' tally (surveys.models.AnswerTally) is always a count over the answers, after any sequence of
submissions (screened ones, resubmissions, towns, communities, no unit) and a rebuild; and the period's answers
read from it equal those counted from the answers, for the month, the quarter and the year."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from core.tallies import month_start
from surveys.actions import submit_response
from surveys.models import AnswerTally, Channel, Response
from surveys.queries import counted_period_answers, period_answers
from surveys.tally import counted_answers, kept_answers, rebuild_answer_tally
from surveys.tests.conftest import submission

SUPPORT = ["A", "B", "C", ""]  # favourable, not, not, unanswered
RATING = [5, 3, None]


def _sorted(rows: list[dict]) -> list[dict]:
    return sorted(rows, key=lambda row: (row["response__town"] or 0, row["question"]))


@settings(
    max_examples=10,
    deadline=None,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    st.lists(
        st.tuples(st.integers(0, 3), st.integers(0, 3), st.integers(0, 2), st.booleans(), st.booleans()),
        min_size=1,
        max_size=15,
    )
)
def test_it_equals_a_count_over_the_answers_after_any_submissions(county, run, questionnaire, data):
    units = [county.community_a, county.community_b, county.town_a, None]
    with transaction.atomic():
        for unit, support, rating, screened, again in data:
            answer = submission(
                questionnaire,
                units[unit],
                support=SUPPORT[support],
                rating=RATING[rating],
                age=70 if screened else 30,
            )
            submit_response(run, questionnaire, answer, Channel.HOUSEHOLD, county.surveyor)
            if again:  # a resubmission after a lost reply counts once
                submit_response(run, questionnaire, answer, Channel.HOUSEHOLD, county.surveyor)
            assert kept_answers() == counted_answers()
        now = Response.objects.latest("submitted_at").submitted_at
        month = month_start(now)
        for start, end in [
            (month, month_start(month + dt.timedelta(days=32))),
            (month.replace(month=1), month.replace(year=month.year + 1, month=1)),
        ]:
            assert _sorted(period_answers(start, end)) == _sorted(counted_period_answers(start, end))
        transaction.set_rollback(True)


def test_a_rebuild_puts_right_what_went_round_submit_response(county, run, questionnaire):
    submit_response(
        run, questionnaire, submission(questionnaire, county.community_a), Channel.HOUSEHOLD, county.surveyor
    )
    assert rebuild_answer_tally() == 0
    Response.objects.update(screen_reason="手工剔除")  # a hand-made change: the tally does not follow
    assert rebuild_answer_tally() == 2  # the two rated answers' keys
    assert kept_answers() == counted_answers() == {}
    assert not AnswerTally.objects.exists()
