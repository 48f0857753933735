"""The 等保 level-2 baseline: password rules, lockout, idle timeout, first-login password change."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from captcha.models import CaptchaStore
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from conftest import PASSWORD
from core.passwords import temporary_password


@pytest.mark.parametrize("password", ["short1A", "alllowercase", "lowerand123", "ALLUPPER99"])
def test_it_refuses_weak_passwords(password):
    with pytest.raises(ValidationError):
        validate_password(password)


@pytest.mark.parametrize("password", ["Good2026pass", "good-2026-pass", "GOOD#pass#word"])
def test_it_accepts_passwords_with_three_classes(password):
    validate_password(password)


def test_temporary_passwords_meet_the_rules():
    for _ in range(20):
        validate_password(temporary_password())


def solved_captcha() -> dict:
    """A captcha and its answer: after a few failures the form asks one (org.signin)."""
    key = CaptchaStore.generate_key()
    return {"captcha_0": key, "captcha_1": CaptchaStore.objects.get(hashkey=key).response}


def _sign_in(client, username: str, password: str, **extra):
    return client.post(
        reverse("login"), {"username": username, "password": password, **solved_captcha()}, **extra
    )


def test_it_locks_an_account_after_five_failures(county, client):
    for _ in range(5):
        response = _sign_in(client, "handler_a", "wrong-Password1")
    assert response.status_code == 429
    response = _sign_in(client, "handler_a", PASSWORD)
    assert response.status_code == 429, "the right password must not open a locked account"
    assert "_auth_user_id" not in client.session
    assert "15" in response.content.decode()


def test_the_lock_opens_fifteen_minutes_after_the_last_failure(county, client):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        for _ in range(5):
            _sign_in(client, "handler_a", "wrong-Password1")
    with time_machine.travel(start + timedelta(minutes=14), tick=False):
        assert _sign_in(client, "handler_a", PASSWORD).status_code == 429
    # Trying while locked counts as a failure, so the lock runs from the attempt at minute 14.
    with time_machine.travel(start + timedelta(minutes=28), tick=False):
        assert _sign_in(client, "handler_a", PASSWORD).status_code == 429
    with time_machine.travel(start + timedelta(minutes=44), tick=False):
        response = _sign_in(client, "handler_a", PASSWORD)
        assert response.status_code == 302
        assert client.session["_auth_user_id"] == str(county.handler_a.pk)


def test_four_failures_do_not_lock(county, client):
    for _ in range(4):
        _sign_in(client, "handler_a", "wrong-Password1")
    assert _sign_in(client, "handler_a", PASSWORD).status_code == 302


def test_the_lockout_is_per_account(county, client):
    for _ in range(5):
        _sign_in(client, "handler_a", "wrong-Password1")
    assert _sign_in(client, "handler_b", PASSWORD).status_code == 302


def test_it_signs_out_after_thirty_idle_minutes(county, client):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        assert _sign_in(client, "handler_a", PASSWORD).status_code == 302
        assert client.get(reverse("home")).status_code == 200
    with time_machine.travel(start + timedelta(minutes=29), tick=False):
        assert client.get(reverse("home")).status_code == 200, "activity renews the session"
    with time_machine.travel(start + timedelta(minutes=58), tick=False):
        assert client.get(reverse("home")).status_code == 200
    with time_machine.travel(start + timedelta(minutes=89), tick=False):
        response = client.get(reverse("home"))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_the_session_is_renewed_at_most_once_a_minute(county, client):
    """A renewal writes the session row: a person clicking through the queue writes it once a minute, not on every
    page (issue 20.26)."""
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        assert _sign_in(client, "handler_a", PASSWORD).status_code == 302
        client.get(reverse("home"))
    for seconds, writes in ((10, 0), (50, 0), (61, 1), (90, 0)):
        with time_machine.travel(start + timedelta(seconds=seconds), tick=False):
            with CaptureQueriesContext(connection) as context:
                assert client.get(reverse("home")).status_code == 200
            updates = [
                q for q in context.captured_queries if q["sql"].startswith("UPDATE") and "session" in q["sql"]
            ]
            assert len(updates) == writes, seconds


def test_background_polls_do_not_count_as_activity(county, client):
    """Finding 15 of the probe: a page polling its job (or the dashboard refreshing) kept the session alive past
    the idle timeout. Polls send X-Background-Poll and renew nothing."""
    poll = {"headers": {"X-Background-Poll": "1"}}
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        assert _sign_in(client, "handler_a", PASSWORD).status_code == 302
        assert client.get(reverse("home")).status_code == 200
    for minutes in (10, 20, 29):
        with time_machine.travel(start + timedelta(minutes=minutes), tick=False):
            assert client.get(reverse("home"), **poll).status_code == 200, "still signed in"
    with time_machine.travel(start + timedelta(minutes=31), tick=False):
        response = client.get(reverse("home"), **poll)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_a_created_account_must_change_its_password_first(county, client):
    county.handler_a.must_change_password = True
    county.handler_a.save()
    _sign_in(client, "handler_a", PASSWORD)
    response = client.get(reverse("org:unit_list"))
    assert response.status_code == 302 and response["Location"] == reverse("password_change")
    assert client.get("/api/v1/units").status_code == 403
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": "simple", "new_password2": "simple"},
    )
    assert response.status_code == 200 and response.context["form"].errors
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": "Mine#2026ok", "new_password2": "Mine#2026ok"},
    )
    assert response.status_code == 302
    county.handler_a.refresh_from_db()
    assert county.handler_a.must_change_password is False
    assert client.get(reverse("org:unit_list")).status_code == 200


def test_anonymous_visitors_are_sent_to_sign_in(client, db):
    for name in ["home", "org:unit_list", "org:person_list", "org:grid_list", "audit_log"]:
        response = client.get(reverse(name))
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
