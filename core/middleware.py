"""Request middleware of the security baseline."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING, cast

import auditlog.middleware
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from core.http import client_address
from core.text import XML_ILLEGAL, clean_text

if TYPE_CHECKING:
    from django.http.request import _ImmutableQueryDict

# A page polling in the background (a job's progress, the dashboard's refresh) sends this header: its requests are
# not the person's activity.
BACKGROUND_POLL_HEADER = "X-Background-Poll"

# Paths a person who must change their password can still reach.
_EXEMPT_NAMES = ("password_change", "logout", "set_language")


class RequestSizeLimitMiddleware:
    """Answer 413 to a body declared larger than MAX_REQUEST_BYTES before any of it is read: Django caps form fields
    (DATA_UPLOAD_MAX_MEMORY_SIZE) but streams any number of file bytes to disk. nginx's client_max_body_size does
    the same at the edge; this holds where the app is reached without it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return HttpResponse(status=400)
        if declared > settings.MAX_REQUEST_BYTES:
            return HttpResponse(status=413)
        return self.get_response(request)


class CleanTextMiddleware:
    """Every query parameter and form field without XML-illegal characters (core.text), before any view reads it:
    one boundary for every form, the public report, Open311 and the survey link. Files are left as they came."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.GET = _cleaned(request.GET)
        if request.method == "POST" and request.content_type in _FORM_TYPES:
            request.POST = _cleaned(request.POST)
        return self.get_response(request)


_FORM_TYPES = {"application/x-www-form-urlencoded", "multipart/form-data"}


def _cleaned(data: _ImmutableQueryDict) -> _ImmutableQueryDict:
    """`data` itself when it holds nothing to clean (nearly always), else a cleaned read-only copy."""
    if not any(XML_ILLEGAL.search(value) for values in data.lists() for value in values[1]):
        return data
    copy = data.copy()
    for key, values in data.lists():
        copy.setlist(key, [clean_text(value) for value in values])
    copy._mutable = False  # read-only again, as Django hands it to views
    return cast("_ImmutableQueryDict", copy)


class PasswordChangeRequiredMiddleware:
    """Send an account created by the office to the password form until its owner has chosen a password."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        person = getattr(request, "user", None)
        if person is not None and person.is_authenticated and getattr(person, "must_change_password", False):
            exempt = {reverse(name) for name in _EXEMPT_NAMES}
            if request.path not in exempt and not request.path.startswith("/static/"):
                if request.path.startswith("/api/"):
                    return HttpResponse(
                        status=403,
                        content=b'{"detail": "password change required"}',
                        content_type="application/json",
                    )
                return redirect("password_change")
        return self.get_response(request)


class AuditlogMiddleware(auditlog.middleware.AuditlogMiddleware):
    """django-auditlog's middleware recording the address core.http.client_address finds: its own takes the first
    X-Forwarded-For entry whether or not a proxy is there, which any client can write."""

    @staticmethod
    def _get_remote_addr(request: HttpRequest) -> str:
        return client_address(request)


class IdleTimeoutMiddleware:
    """Renew a signed-in session on the person's own requests only. A page left open and polling would otherwise
    keep its session alive for ever: the session expires SESSION_IDLE_MINUTES after the last request that is not a
    background poll (SESSION_SAVE_EVERY_REQUEST is off; this marks the session to save instead).

    A renewal is a write (an UPDATE of the session row, in a transaction): it is done at most once every
    RENEW_SECONDS, so a person clicking through the queue does not write on every page; the session then ends
    between SESSION_IDLE_MINUTES less RENEW_SECONDS and SESSION_IDLE_MINUTES after the last request."""

    RENEW_SECONDS = 60
    RENEWED_KEY = "_renewed_at"  # epoch seconds of the last renewal, in the session itself

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        person = getattr(request, "user", None)
        if person is not None and person.is_authenticated and not is_background_poll(request):
            now = int(time.time())
            if now - request.session.get(self.RENEWED_KEY, 0) >= self.RENEW_SECONDS:
                request.session[self.RENEWED_KEY] = (
                    now  # marks the session modified: it is saved, expiry renewed
                )
        return response


def is_background_poll(request: HttpRequest) -> bool:
    return request.headers.get(BACKGROUND_POLL_HEADER) == "1"
