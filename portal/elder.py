"""Elder-friendly mode (适老化) of the public pages: larger text, one column, stronger contrast.

Remembered per device in a cookie rather than per account: residents who read the public pages do not sign in.
Staff pages keep their dense layout, so the mode applies only to visitors who are not signed in.
"""

from __future__ import annotations

from datetime import timedelta

from django.http import HttpRequest, HttpResponse

COOKIE = "cw_elder"
REMEMBERED_FOR = timedelta(days=365)


def is_on(request: HttpRequest) -> bool:
    # An error page may be drawn before the authentication middleware has run (a bad Host: no request.user).
    user = getattr(request, "user", None)
    return not (user and user.is_authenticated) and request.COOKIES.get(COOKIE) == "1"


def remember(request: HttpRequest, response: HttpResponse, on: bool) -> None:
    if on:
        response.set_cookie(
            COOKIE, "1", max_age=REMEMBERED_FOR, secure=request.is_secure(), httponly=True, samesite="Lax"
        )
    else:
        response.delete_cookie(COOKIE, samesite="Lax")
