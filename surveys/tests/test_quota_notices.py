"""A unit hears of the quota set for it, and a surveyor of the run they join; nobody else does."""

from __future__ import annotations

from notify.models import Notification
from surveys import actions


def test_a_quota_tells_the_unit_and_a_new_surveyor_hears_once(county, run):
    actions.set_quotas(county.office_admin, run, [county.community_a], 25)
    told = Notification.objects.filter(kind="quota-assigned")
    assert {n.recipient for n in told} == {county.community_handler_a}
    run.surveyors.clear()
    actions.assign_surveyors(county.office_admin, run, [county.surveyor])
    actions.assign_surveyors(county.office_admin, run, [county.surveyor])  # already in: not told again
    assert {n.recipient for n in told.all()} == {county.community_handler_a, county.surveyor}
    assert told.filter(recipient=county.surveyor).count() == 1
