"""Issue 20.25: API tokens for integrations: per person, scoped, expiring, hashed at rest, revocable, shown once,
every use recorded; the JSON API accepts them as `Authorization: Bearer`."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from cases import actions as cases_actions
from cases.conftest import IN_GRID_A, IN_GRID_B
from cases.models import Case
from org import actions
from org.models import ApiScope, ApiToken, ApiTokenEvent

READ, FILE, STEPS = ApiScope.READ.value, ApiScope.FILE.value, ApiScope.STEPS.value


def bearer(raw: str) -> Client:
    # CSRF enforced as in production: a token needs none, a session would.
    return Client(enforce_csrf_checks=True, headers={"Authorization": f"Bearer {raw}"})


def post(client: Client, path: str, data: dict):
    return client.post(path, json.dumps(data), content_type="application/json")


@pytest.fixture
def issue(county):
    def _issue(person=None, scopes=(READ,), days=30) -> tuple[ApiToken, str]:
        person = person or county.inspector
        return actions.issue_token(county.office_admin, person, "12345平台", list(scopes), days)

    return _issue


def test_a_token_is_shown_once_and_only_its_digest_is_kept(county, login):
    client = login(county.inspector)
    response = client.post(
        "/org/tokens/",
        {"person": county.inspector.pk, "name": "12345平台", "scopes": [READ, FILE], "days": 90},
    )
    assert response.status_code == 200
    raw = response.context["raw"]
    assert raw.startswith("cw_") and len(raw) > 40
    assert raw in response.content.decode()
    token = ApiToken.objects.get()
    stored = [str(value) for value in ApiToken.objects.values_list().get()]
    assert raw not in stored and not any(raw[3:] in value for value in stored)
    assert token.token_hash == ApiToken.digest(raw) and token.prefix == raw[:8]
    assert sorted(token.scopes) == sorted([READ, FILE])
    assert token.events.get().action == ApiTokenEvent.Action.ISSUED
    listing = client.get("/org/tokens/").content.decode()
    assert token.prefix in listing and raw not in listing


def dispatched(county, case: Case, unit) -> Case:
    case = cases_actions.accept_case(county.inspector, case)
    return cases_actions.dispatch_case(county.inspector, case, unit, None, "")


def test_bearer_reads_the_cases_its_person_may_see_and_each_use_is_recorded(county, new_case, issue):
    mine = dispatched(county, new_case(at=IN_GRID_A), county.town_a)
    token, raw = issue(person=county.handler_a)
    dispatched(county, new_case(at=IN_GRID_B), county.town_b)  # town B's: not the handler's

    response = bearer(raw).get("/api/v1/cases", REMOTE_ADDR="203.0.113.9")

    assert response.status_code == 200
    assert [row["id"] for row in response.json()["items"]] == [mine.pk]
    token.refresh_from_db()
    assert token.last_used_at is not None and token.last_used_from == "203.0.113.9"
    use = token.events.get(action=ApiTokenEvent.Action.USED)
    assert (
        use.actor == county.handler_a and use.data["path"] == "/api/v1/cases" and use.data["method"] == "GET"
    )


def test_bearer_is_scoped_to_its_person(county, new_case, issue):
    other = dispatched(county, new_case(at=IN_GRID_B), county.town_b)
    _, raw = issue(person=county.handler_a)
    assert bearer(raw).get(f"/api/v1/cases/{other.pk}").status_code == 404
    ids = [row["id"] for row in bearer(raw).get("/api/v1/cases").json()["items"]]
    assert other.pk not in ids


def test_filing_needs_the_file_scope_and_no_csrf(county, issue, rubbish):
    _, read_only = issue(scopes=[READ])
    case = {"source": "hotline_12345", "description": "井盖缺失", "lon": IN_GRID_A[0], "lat": IN_GRID_A[1]}

    refused = post(bearer(read_only), "/api/v1/cases", case)

    assert refused.status_code == 403 and "cases:file" in refused.json()["detail"]
    assert not Case.objects.exists()
    assert ApiTokenEvent.objects.filter(action=ApiTokenEvent.Action.REFUSED).count() == 1

    _, filer = issue(scopes=[FILE])
    filed = post(bearer(filer), "/api/v1/cases", case)
    assert filed.status_code == 201
    assert Case.objects.get().events.get().actor == county.inspector


def test_steps_need_the_steps_scope(county, new_case, issue):
    case = new_case()
    _, reader = issue(scopes=[READ, FILE])
    assert post(bearer(reader), f"/api/v1/cases/{case.pk}/accept", {}).status_code == 403
    _, stepper = issue(scopes=[STEPS])
    assert post(bearer(stepper), f"/api/v1/cases/{case.pk}/accept", {}).status_code == 200


@pytest.mark.parametrize("spoil", ["revoked", "expired", "disabled", "unknown"])
def test_a_revoked_expired_unknown_or_orphaned_token_is_refused(county, issue, spoil):
    token, raw = issue()
    if spoil == "revoked":
        actions.revoke_token(county.office_admin, token)
    elif spoil == "expired":
        ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    elif spoil == "disabled":
        county.inspector.is_active = False
        county.inspector.save()
    else:
        raw = raw[:-4] + "AAAA"

    response = bearer(raw).get("/api/v1/cases")

    assert response.status_code == 401
    assert not ApiTokenEvent.objects.filter(action=ApiTokenEvent.Action.USED).exists()


def test_a_session_still_needs_csrf_to_write(county, login):
    client = login(county.inspector)
    client.handler.enforce_csrf_checks = True
    assert post(client, "/api/v1/cases", {"source": "media", "description": "x"}).status_code in (401, 403)


def test_only_the_person_or_an_office_admin_issues_and_revokes(county, login, issue):
    handler = login(county.handler_a)
    response = handler.post(
        "/org/tokens/", {"person": county.inspector.pk, "name": "x", "scopes": [READ], "days": 30}
    )
    assert response.status_code == 200 and "raw" not in response.context
    assert not ApiToken.objects.exists()

    theirs, _ = issue(person=county.inspector)
    assert handler.get(f"/org/tokens/{theirs.pk}/").status_code == 404
    assert handler.post(f"/org/tokens/{theirs.pk}/revoke/").status_code == 404
    assert ApiToken.objects.get(pk=theirs.pk).revoked_at is None

    admin = login(county.office_admin)
    assert admin.post(f"/org/tokens/{theirs.pk}/revoke/").status_code == 302
    revoked = ApiToken.objects.get(pk=theirs.pk)
    assert revoked.revoked_at is not None
    assert revoked.events.filter(action=ApiTokenEvent.Action.REVOKED, actor=county.office_admin).exists()


def test_the_token_page_shows_its_uses(county, login, issue):
    token, raw = issue()
    bearer(raw).get("/api/v1/me")
    page = login(county.inspector).get(f"/org/tokens/{token.pk}/").content.decode()
    assert "/api/v1/me" in page and "GET" in page


@pytest.mark.parametrize("days", [0, 367])
def test_a_token_must_expire_within_a_year(county, issue, days):
    with pytest.raises(Exception, match="1 to 366"):
        issue(days=days)


def test_the_openapi_schema_offers_bearer_auth(county, login):
    schema = login(county.inspector).get("/api/v1/openapi.json").json()
    assert any(s.get("scheme") == "bearer" for s in schema["components"]["securitySchemes"].values())
