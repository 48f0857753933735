"""Finding 12 of the probe: anyone could lock any account (five wrong passwords from anywhere), and one try each
against 59 accounts was never throttled. The lockout is per account and address, a captcha comes after a few
failures, an address is throttled across accounts, and an office admin unlocks an account."""

from __future__ import annotations

from auditlog.models import LogEntry
from django.urls import reverse

from conftest import PASSWORD
from core.tests.test_security_baseline import solved_captcha

ATTACKER = {"REMOTE_ADDR": "203.0.113.66"}
OWNER = {"REMOTE_ADDR": "198.51.100.7"}


def _post(client, username, password, captcha=True, **extra):
    data = {"username": username, "password": password, **(solved_captcha() if captcha else {})}
    return client.post(reverse("login"), data, **extra)


def test_lockout_cannot_be_triggered_against_an_account_from_another_address(county, client):
    for _ in range(6):
        _post(client, "handler_a", "wrong-Password1", **ATTACKER)
    assert _post(client, "handler_a", PASSWORD, **ATTACKER).status_code == 429  # locked for the attacker
    assert _post(client, "handler_a", PASSWORD, **OWNER).status_code == 302  # not for the owner


def test_a_captcha_is_asked_after_three_failures_and_the_password_is_not_checked_without_it(county, client):
    for _ in range(2):
        assert (
            "captcha"
            not in _post(client, "handler_a", "wrong-Password1", captcha=False, **ATTACKER)
            .context["form"]
            .fields
        )
    third = _post(client, "handler_a", "wrong-Password1", captcha=False, **ATTACKER)
    assert "captcha" in third.context["form"].fields and 'data-testid="captcha"' in third.content.decode()
    # From anywhere, the account now asks the captcha; the right password alone does not sign in, and says nothing.
    response = _post(client, "handler_a", PASSWORD, captcha=False, **OWNER)
    assert response.status_code == 200 and "_auth_user_id" not in client.session
    assert not response.context["form"].non_field_errors()
    assert _post(client, "handler_a", PASSWORD, **OWNER).status_code == 302


def test_one_try_each_against_many_accounts_is_throttled_per_address(county, client, settings):
    settings.LOGIN_FAILURES_PER_IP = "20/15m"
    for n in range(20):
        assert _post(client, f"nobody{n}", "wrong-Password1", **ATTACKER).status_code == 200
    response = _post(client, "handler_a", PASSWORD, **ATTACKER)
    assert response.status_code == 429 and "_auth_user_id" not in client.session
    assert _post(client, "handler_a", PASSWORD, **OWNER).status_code == 302  # other addresses are not held


def test_an_office_admin_unlocks_an_account(county, client, login):
    for _ in range(5):
        _post(client, "handler_a", "wrong-Password1", **OWNER)
    assert _post(client, "handler_a", PASSWORD, **OWNER).status_code == 429
    admin = login(county.office_admin)
    page = admin.get(reverse("org:person_edit", args=[county.handler_a.pk]))
    assert 'data-testid="unlock"' in page.content.decode()
    assert login(county.handler_b).post(
        reverse("org:person_unlock", args=[county.handler_a.pk])
    ).status_code in (403, 404)
    admin = login(county.office_admin)
    assert admin.post(reverse("org:person_unlock", args=[county.handler_a.pk])).status_code == 302
    entry = LogEntry.objects.get_for_object(county.handler_a).latest("timestamp")
    assert (
        entry.changes_dict == {"sign-in lockout": ["locked", "unlocked"]}
        and entry.actor == county.office_admin
    )
    admin.logout()
    assert _post(client, "handler_a", PASSWORD, **OWNER).status_code == 302
