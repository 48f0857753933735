"""Issue 20.28: schemathesis drives every operation of /api/v1/openapi.json with generated input (bounded, so the
suite stays quick) and no answer may be a 5xx. It signs in with an API token holding every scope, as an
integration would, so writes and steps are exercised too."""

from __future__ import annotations

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from chuangwen.api import api
from org.actions import issue_token
from org.models import ApiScope


@pytest.fixture
def bearer(county) -> dict[str, str]:
    _, raw = issue_token(county.office_admin, county.inspector, "schemathesis", list(ApiScope.values), 1)
    return {"Authorization": f"Bearer {raw}"}


# The schema /api/v1/openapi.json serves, built from code when the module is collected (schemathesis' lazy fixture
# loader does not work with this pytest); requests go to the Django app in process, inside the test's transaction.
schema = schemathesis.openapi.from_dict(api.get_openapi_schema(path_prefix="/api/v1"))
schema.app = WSGIHandler()  # chooses the in-process transport; each test passes its own app (below)


@pytest.fixture
def app():
    """Built per test, so its middleware reads the test settings (plain HTTP, no redirect to HTTPS). As Django's
    test client does, requests leave the database connection alone: closing it at the end of each request would
    close the test's transaction (on PostgreSQL)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield WSGIHandler()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_api_operation_answers_a_server_error(db, app, case, bearer):
    response = case.call_and_validate(app=app, headers=bearer, checks=[not_a_server_error])
    # Reached the endpoint as the token's person: not bounced by a redirect, nor refused as unauthenticated.
    assert response.status_code not in (301, 302, 401), response.status_code
