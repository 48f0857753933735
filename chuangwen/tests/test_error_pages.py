"""The project answers errors with the shell's pages, and a failing page shows nothing of what failed."""

from __future__ import annotations

from django.test import Client, override_settings
from django.urls import get_resolver

from shell import views


def test_the_project_uses_the_shells_handlers(settings):
    resolver = get_resolver()
    handlers: dict[int, object] = {
        code: resolver.resolve_error_handler(code) for code in (400, 403, 404, 500)
    }
    assert handlers == {
        400: views.bad_request,
        403: views.permission_denied,
        404: views.page_not_found,
        500: views.server_error,
    }
    assert settings.CSRF_FAILURE_VIEW == "shell.views.csrf_failure"


@override_settings(ROOT_URLCONF="chuangwen.tests.urls_with_a_failing_page", LANGUAGE_CODE="zh-hans")
def test_a_failing_page_shows_the_chinese_500_page_and_no_details(county):
    client = Client(raise_request_exception=False)
    client.force_login(county.handler_a)
    response = client.get("/fail/")
    assert response.status_code == 500
    page = response.content.decode()
    assert "系统出错" in page
    assert "hunter2" not in page and "RuntimeError" not in page and "Traceback" not in page
