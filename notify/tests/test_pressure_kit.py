"""The pressure kit's pure parts: chunks that never split a unit, and message keys per thing and deadline."""

from __future__ import annotations

import datetime as dt

from notify.pressure import Report, chunks_by_unit, dedupe_key


def test_chunks_hold_whole_units_and_close_once_they_reach_the_size():
    items = [("a", 1), ("b", 1), ("a", 2), ("c", 1), ("a", 3), ("b", 2), ("d", 1)]
    chunks = list(chunks_by_unit(items, lambda item: item[0], size=3))
    assert chunks == [[("a", 1), ("a", 2), ("a", 3)], [("b", 1), ("b", 2), ("c", 1)], [("d", 1)]]


def test_a_key_names_the_kind_the_thing_and_the_deadline_or_day():
    deadline = dt.datetime(2026, 11, 24, 10, 0, tzinfo=dt.UTC)
    assert dedupe_key("overdue", 7, deadline) == "overdue:7:2026-11-24T10:00:00+00:00"
    assert dedupe_key("materials-due", 3, dt.date(2026, 11, 24)) == "materials-due:3:2026-11-24"


def test_a_report_says_whose_it_is():
    assert str(Report(label="materials: ", marked_overdue=4)) == (
        "materials: reminders: 0, marked overdue: 4, escalations: 0"
    )
