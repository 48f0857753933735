"""Issue 19.12: the file page's heading and the tab's title say where the job is, and follow it as it polls."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from jobs.models import GeneratedFile

Status = GeneratedFile.Status


@pytest.mark.parametrize(
    ("status", "heading"),
    [
        (Status.QUEUED, "正在生成文件"),
        (Status.RUNNING, "正在生成文件"),
        (Status.DONE, "文件已准备好"),
        (Status.FAILED, "文件未能生成"),
    ],
)
def test_the_heading_and_title_follow_the_jobs_state(county, login, status, heading):
    job = GeneratedFile.objects.create(
        kind="note", created_by=county.office_admin, status=status, filename="a.xlsx"
    )
    client = login(county.office_admin)
    url = reverse("jobs:job", args=[job.pk])
    page = client.get(url, headers={"Accept-Language": "zh-hans"}).content.decode()
    poll = client.get(url, headers={"HX-Request": "true", "Accept-Language": "zh-hans"}).content.decode()
    for html in (page, poll):  # the first load, and what the page's poll swaps in (htmx takes its <title>)
        assert re.search(rf"<title>\s*{heading} · ", html), html
        assert re.search(rf'data-testid="job-heading">\s*{heading}\s*</h1>', html), html
