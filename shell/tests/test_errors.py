"""Error pages: the right status, in the person's language, and nothing about what failed inside."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from django.contrib.staticfiles import finders
from django.test import Client
from django.urls import reverse
from django.utils import translation

from shell import views

# The language switch names the other language in that language: the one English word a Chinese page shows.
LANGUAGE_SWITCH = "English"


class _VisibleText(HTMLParser):
    """The text a reader sees: the title and the body's text, not scripts, styles or attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in {"script", "style"}:
            self._hidden += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in {"script", "style"}:
            self._hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self._hidden and data.strip():
            self.parts.append(data.strip())


def visible_text(html: bytes) -> str:
    parser = _VisibleText()
    parser.feed(html.decode())
    return " ".join(parser.parts)


def english_words(html: bytes) -> list[str]:
    return [word for word in re.findall(r"[A-Za-z]{2,}", visible_text(html)) if word != LANGUAGE_SWITCH]


@pytest.fixture
def chinese(settings):
    settings.LANGUAGE_CODE = "zh-hans"


@pytest.fixture
def person(county):
    """A handler with a Chinese name: the navbar shows it on error pages too."""
    county.handler_a.full_name = "王小明"
    county.handler_a.save()
    return county.handler_a


def test_a_missing_page_is_a_chinese_404(chinese, client, person):
    client.force_login(person)
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "页面不存在" in visible_text(response.content)
    assert english_words(response.content) == []
    assert "no-such-page" not in visible_text(response.content)


def test_a_page_outside_ones_units_reads_like_a_missing_one(chinese, county, client, person):
    client.force_login(person)
    response = client.get(reverse("org:unit_detail", kwargs={"pk": county.town_b.pk}))
    assert response.status_code == 404
    assert "页面不存在" in visible_text(response.content)
    assert "柳河镇" not in response.content.decode()


def test_a_refused_page_is_a_chinese_403(chinese, client, person):
    client.force_login(person)
    response = client.get(reverse("audit_log"))
    assert response.status_code == 403
    assert "无权" in visible_text(response.content)
    assert english_words(response.content) == []


def test_a_bad_request_is_a_chinese_400(chinese, db, client):
    response = client.get("/", HTTP_HOST="attacker.example")
    assert response.status_code == 400
    assert "请求有误" in visible_text(response.content)
    assert english_words(response.content) == []
    assert "attacker" not in response.content.decode()


def test_a_form_without_its_token_gets_a_chinese_page(chinese, db):
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("login"), {"username": "x", "password": "y"})
    assert response.status_code == 403
    assert "表单已过期" in visible_text(response.content)
    assert english_words(response.content) == []
    assert "CSRF" not in visible_text(response.content) and "not set" not in response.content.decode()


def test_a_server_error_is_a_chinese_page_without_the_request(chinese, rf):
    with translation.override("zh-hans"):
        response = views.server_error(rf.get("/"))
    assert response.status_code == 500
    assert "系统出错" in visible_text(response.content)
    assert english_words(response.content) == []


HANDLERS = {400: views.bad_request, 403: views.permission_denied, 404: views.page_not_found}


@pytest.mark.parametrize("status", [400, 403, 404])
def test_error_pages_are_english_for_an_english_reader(db, rf, status):
    with translation.override("en"):
        response = HANDLERS[status](rf.get("/"), Exception("inner detail"))
    assert response.status_code == status
    assert "inner detail" not in response.content.decode()
    assert not re.search(r"[\u4e00-\u9fff]", visible_text(response.content).replace("中文", ""))


@pytest.fixture
def production(settings):
    """As deployed: DEBUG off, so Django's own technical pages never show."""
    settings.DEBUG = False


def test_a_citizen_with_a_mistyped_code_gets_a_search_box(chinese, production, db, client):
    response = client.get("/track/NOPE1234/")
    assert response.status_code == 404
    text = visible_text(response.content)
    assert "未找到该查询码" in text
    html = response.content.decode()
    assert 'role="search"' in html and 'name="code"' in html and 'value="NOPE1234"' in html
    assert english_words(response.content) == [w for w in english_words(response.content) if w == "NOPE"]
    assert 'name="viewport"' in html


def test_a_mistyped_code_in_english(production, db, client):
    response = client.get("/track/NOPE1234/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 404
    assert "Tracking code not found" in visible_text(response.content)


def test_a_citizen_on_a_missing_page_is_told_where_to_go(chinese, production, db, client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert 'data-testid="error-links"' in html
    for name in ("portal:report", "portal:track_lookup", "login"):
        assert f'href="{reverse(name)}"' in html
    assert english_words(response.content) == []
    assert 'name="viewport"' in html


def test_the_server_error_page_fits_a_phone_and_tells_where_to_go(chinese, rf):
    with translation.override("zh-hans"):
        html = views.server_error(rf.get("/")).content.decode()
    assert 'name="viewport"' in html and 'rel="icon"' in html
    assert f'href="{reverse("portal:track_lookup")}"' in html


def test_there_is_a_favicon(db, client):
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    assert response["Location"].endswith("favicon.ico")
    path = finders.find("favicon.ico")
    assert isinstance(path, str)
    with open(path, "rb") as icon:
        assert icon.read(4) == b"\x00\x00\x01\x00"  # an ICO file
    assert 'rel="icon"' in client.get(reverse("login")).content.decode()
