"""Finding 20 of the probe: the phone identity (points, ranking, the per-phone limit) was keyed on SECRET_KEY. It has
its own key, PHONE_HASH_KEY, refused in production when left at the default or equal to SECRET_KEY, and a rotation:
`chuangwen rehash-phones` rewrites every stored identity with a new key."""

from __future__ import annotations

from django.core.management import call_command

from cases.actions import accept_case
from portal.conftest import SECRET_PHONE
from portal.models import CitizenReport, PointsAward, phone_hash
from portal.points import award_points
from portal.tests.test_points import report


def test_the_phone_identity_is_keyed_on_phone_hash_key_not_secret_key(settings):
    before = phone_hash(SECRET_PHONE)
    settings.SECRET_KEY = "another-secret-key-entirely-different-0123456789"
    assert phone_hash(SECRET_PHONE) == before
    settings.PHONE_HASH_KEY = "a-new-phone-key"
    assert phone_hash(SECRET_PHONE) != before


def test_rotating_phone_hash_key_rewrites_every_identity_and_its_points(service, county, settings, capsys):
    first = report(service)
    accept_case(county.inspector, first.case)
    award_points()
    settings.PHONE_HASH_KEY = "the-rotated-phone-key-6c1f"
    call_command("rehash-phones")
    assert "1 phone identities rewritten." in capsys.readouterr().out
    first.refresh_from_db()
    assert first.phone_hash == phone_hash(SECRET_PHONE) == PointsAward.objects.get(report=first).phone_hash
    second = report(service)  # the same phone, reported after the rotation: the same identity
    assert CitizenReport.objects.get(pk=second.pk).phone_hash == first.phone_hash
    call_command("rehash-phones")
    assert "0 phone identities rewritten." in capsys.readouterr().out
