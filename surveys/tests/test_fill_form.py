"""Issue 19.7: the fieldwork form keeps the way of asking and the community between respondents, lists the
communities under their towns, and shows the surveyor's own count and the community's quota."""

from __future__ import annotations

import json
import re

from django.urls import reverse

from surveys.models import Channel
from surveys.tests.test_views import _form


def test_communities_are_grouped_by_town(county, run, questionnaire, login):
    page = (
        login(county.surveyor).get(reverse("surveys:fill", args=[run.pk, questionnaire.pk])).content.decode()
    )
    select = re.search(r'<select name="unit".*?</select>', page, re.S)
    assert select is not None
    groups = dict(re.findall(r'<optgroup label="([^"]+)">(.*?)</optgroup>', select.group(), re.S))
    assert "新华社区" in groups["城关街道"] and "新华社区" not in groups.get("柳河镇", "")


def test_a_plain_post_keeps_the_channel_and_the_community_for_the_next_respondent(
    county, run, questionnaire, login
):
    client = login(county.surveyor)
    url = reverse("surveys:fill", args=[run.pk, questionnaire.pk])
    data = _form(questionnaire, county.community_a, channel=Channel.STREET)
    reply = client.post(url, data)
    assert reply.status_code == 302
    page = client.get(reply["Location"]).content.decode()
    assert re.search(rf'<option value="{Channel.STREET}" selected>', page)
    assert re.search(rf'<option value="{county.community_a.pk}" selected>', page)


def test_the_form_shows_the_surveyors_count_and_the_quota_and_a_reply_updates_them(
    county, run, questionnaire, login
):
    client = login(county.surveyor)
    url = reverse("surveys:fill", args=[run.pk, questionnaire.pk])
    page = client.get(url, headers={"Accept-Language": "zh-hans"}).content.decode()
    assert re.search(r'您今天已录入 <strong data-mine="today">0</strong>', page)
    data = re.search(r'id="survey-quotas"[^>]*>(.*?)</script>', page)
    assert data is not None
    quotas = json.loads(data.group(1))
    assert quotas[str(county.community_a.pk)] == {"name": "新华社区", "filled": 0, "target": 3}
    # A community without its own quota counts towards its town's.
    assert quotas[str(county.community_b.pk)] == {"name": "柳河镇", "filled": 0, "target": 2}
    reply = client.post(url, _form(questionnaire, county.community_b), HTTP_X_REQUESTED_WITH="fetch").json()
    assert reply["mine"] == {"today": 1, "total": 1}
    assert reply["quota"] == {"name": "柳河镇", "filled": 1, "target": 2}
