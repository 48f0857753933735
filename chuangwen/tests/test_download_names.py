"""Every file a Chinese user downloads arrives with a Chinese name (RFC 6266 `filename*`), never `points.xlsx` or
`task-breakdown.xlsx`: a clerk's downloads folder is read in Chinese."""

from __future__ import annotations

import re
from urllib.parse import unquote

import pytest
from django.urls import reverse

from surveys.tests.conftest import questionnaire, run  # noqa: F401

CJK = re.compile("[\u4e00-\u9fff]")


def _name(response) -> str:
    header = response["Content-Disposition"]
    assert header.startswith("attachment;"), header
    match = re.search(r"filename\*=utf-8''([^;]+)", header)
    assert match, f"no RFC 6266 filename*: {header}"
    return unquote(match.group(1))


@pytest.mark.parametrize(
    "url",
    [
        ("cases:export", []),
        ("framework:edition_template", []),
        ("org:import_template", ["units"]),
        ("org:import_template", ["people"]),
        ("inspections:site_import_template", []),
        ("addresses:import_template", []),
        ("portal:points_export", []),
        ("bulletins:default_template", []),
        ("bulletins:default_round_template", []),
        ("bulletins:default_survey_template", []),
        ("surveys:run_export", ["run"]),
        ("surveys:questionnaire_export", ["questionnaire"]),
    ],
)
def test_every_download_has_a_chinese_name(county, login, url, run, questionnaire):  # noqa: F811
    name, args = url
    objects = {"run": run.pk, "questionnaire": questionnaire.pk}
    path = reverse(name, args=[objects.get(a, a) for a in args])
    response = login(county.office_admin).get(path, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 200, name
    filename = _name(response)
    assert CJK.search(filename.rsplit(".", 1)[0]), filename
    assert "/" not in filename and "\\" not in filename
