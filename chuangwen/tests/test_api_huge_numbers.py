"""Found by schemathesis on PostgreSQL (issue 20.28): `GET /api/v1/cases?offset=1e37` overflowed bigint and answered
500. Every id and the offset the API takes are bounded: a number past bigint is a 422 on every database."""

from __future__ import annotations

import json

import pytest

HUGE = str(2**63)


@pytest.mark.parametrize(
    "path",
    [
        f"/api/v1/cases?offset={10**37}",
        f"/api/v1/cases?unit_id={HUGE}",
        f"/api/v1/cases/{HUGE}",
        f"/api/v1/units/{HUGE}",
        f"/api/v1/grids/{HUGE}",
        f"/api/v1/framework/criteria/{HUGE}",
        f"/api/v1/framework/site-types/{HUGE}/checklist",
        "/api/v1/cases?limit=100000",
    ],
)
def test_a_number_past_bigint_is_refused_not_a_server_error(county, login, path):
    assert login(county.inspector).get(path).status_code == 422


def test_a_huge_id_in_a_body_is_refused(county, login):
    client = login(county.inspector)
    body = {"source": "media", "description": "x", "category_id": 2**63}
    response = client.post("/api/v1/cases", json.dumps(body), content_type="application/json")
    assert response.status_code == 422


def test_ordinary_paging_still_works(county, login):
    response = login(county.inspector).get("/api/v1/cases?limit=5&offset=0")
    assert response.status_code == 200 and response.json()["count"] == 0
