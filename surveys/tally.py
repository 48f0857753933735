"""The survey answers' tally (surveys.models.AnswerTally): what a response adds to it, and its repair, counted again
from the answers. `submit_response` keeps it; what skips that, the demo's and the benchmarks' bulk loads, calls
`rebuild_answer_tally` after. It also runs nightly (surveys.tasks) and with `chuangwen rebuild_period_facts`, and
says how many counts it corrected."""

from __future__ import annotations

from django.db.models import Count, Q
from django.db.models.functions import Coalesce

from core.tallies import Counts, Key, add_to_tally, kept_tally, month_in_sql, month_of, rewrite_tally
from surveys.models import Answer, AnswerTally, Response


def count_response(response: Response, answers: list[Answer]) -> None:
    """Add a response's rated answers to the tally, in the caller's transaction (nothing when screened out)."""
    if not response.is_valid_for_rates():
        return
    key = (response.town_id or 0, month_of(response.submitted_at))
    moves: dict[Key, Counts] = {}
    for answer in answers:
        if answer.favourable is not None:
            valid, favourable = moves.get((key[0], answer.question_id, key[1]), (0, 0))
            moves[(key[0], answer.question_id, key[1])] = (valid + 1, favourable + int(answer.favourable))
    add_to_tally(AnswerTally, AnswerTally.KEYS, AnswerTally.COUNTERS, moves)


def counted_answers() -> dict[Key, Counts]:
    """AnswerTally's rows counted from the answers: what it must hold."""
    rows = (
        Answer.objects.filter(favourable__isnull=False, response__screen_reason="")
        .annotate(town_key=Coalesce("response__town", 0), month_key=month_in_sql("response__submitted_at"))
        .values_list("town_key", "question_id", "month_key")
        .annotate(n_valid=Count("id"), n_favourable=Count("id", filter=Q(favourable=True)))
        .order_by()
    )
    return {tuple(row[:3]): tuple(row[3:]) for row in rows}


def kept_answers() -> dict[Key, Counts]:
    return kept_tally(AnswerTally, AnswerTally.KEYS, AnswerTally.COUNTERS)


def rebuild_answer_tally() -> int:
    """Count the answers again and rewrite the tally where it is wrong; returns how many counts were wrong."""
    return rewrite_tally(AnswerTally, AnswerTally.KEYS, AnswerTally.COUNTERS, counted_answers)
