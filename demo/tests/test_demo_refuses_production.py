"""Finding 21 of the probe: `chuangwen demo` loaded accounts with a published password on a production server. It
refuses with DEBUG=0 unless forced, and a forced load makes every demo account change its password first."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from demo.county import DEMO_PASSWORD
from org.models import Person


def test_the_demo_refuses_to_run_with_debug_off(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG=1"):
        call_command("demo", stdout=io.StringIO())
    assert not Person.objects.exists()


def test_a_forced_demo_forces_password_changes(db, settings, client):
    settings.DEBUG = False
    out = io.StringIO()
    call_command("demo", force=True, stdout=out)
    assert "must change their password" in out.getvalue()
    assert not Person.objects.filter(must_change_password=False).exists()
    client.post(reverse("login"), {"username": "admin", "password": DEMO_PASSWORD})
    assert client.get(reverse("home"))["Location"] == reverse("password_change")
