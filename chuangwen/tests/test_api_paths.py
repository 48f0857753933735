"""Every path of the JSON API has a scoping test; this list fails when a new one arrives without one."""

from __future__ import annotations

from chuangwen.api import api


def test_it_covers_every_api_path():
    expected = {
        "/api/v1/me",
        "/api/v1/units",
        "/api/v1/units/{unit_id}",
        "/api/v1/people",
        "/api/v1/grids",
        "/api/v1/grids/locate",
        "/api/v1/grids/{grid_id}",
        # org: org/tests/test_scoping.py; framework: scoped in framework/tests/test_browse.py (test_the_api_*)
        "/api/v1/framework/editions",
        "/api/v1/framework/criteria/{pk}",
        "/api/v1/framework/site-types/{pk}/checklist",
        "/api/v1/framework/my-tasks",
        # cases/tests/test_scoping.py covers these
        "/api/v1/cases",
        "/api/v1/cases/{case_id}",
        "/api/v1/cases/{case_id}/{step}",
    }
    assert set(api.get_openapi_schema()["paths"]) == expected, "a new API path needs a scoping test here"
