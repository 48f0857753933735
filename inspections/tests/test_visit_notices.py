"""Inspectors hear of the visits a new round gives them, once each; nobody else does."""

from __future__ import annotations

from django.urls import reverse

from notify.models import Notification


def test_each_inspector_hears_of_their_visits_once(county, open_round):
    round_ = open_round()
    notes = Notification.objects.filter(kind="visits-assigned")
    assert [n.recipient for n in notes] == [county.inspector]
    assert notes.get().title.startswith(f"{round_.visits.count()} visits for you in 六月督查")
    assert notes.get().url == reverse("inspections:my_visits")
