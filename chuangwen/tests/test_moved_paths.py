"""Paths of the old `reports` app answer with a permanent redirect that keeps the method and the query string."""

from __future__ import annotations

import pytest
from django.test import Client


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("/reports/bulletins/7/", "/bulletins/7/"),
        ("/reports/rounds/3/", "/bulletins/rounds/3/"),
        ("/reports/templates/", "/bulletins/templates/"),
        ("/reports/templates/default.docx", "/bulletins/templates/default.docx"),
        ("/reports/templates/round-default.docx", "/bulletins/templates/round-default.docx"),
        ("/reports/jobs/12/", "/jobs/12/"),
        ("/reports/jobs/12/download/", "/jobs/12/download/"),
        ("/reports/dashboard/", "/screen/"),
        ("/dashboard/", "/screen/"),
        ("/reports/case-export/", "/cases/export/"),
    ],
)
def test_an_old_path_redirects_to_its_new_home(db, old: str, new: str) -> None:
    response = Client().get(old)
    assert (response.status_code, response["Location"]) == (308, new)


def test_a_post_keeps_its_method_and_query(db) -> None:
    response = Client().post("/reports/case-export/?state=open", {"query": "q"})
    assert (response.status_code, response["Location"]) == (308, "/cases/export/?state=open")


def test_the_portal_keeps_the_citizen_reports_path(db) -> None:
    assert Client().get("/reports/").status_code == 200
