"""How the JSON API knows who calls: a bearer token (`Authorization: Bearer cw_…`) or the signed-in session.

Each endpoint names the scope a token needs (`api_auth(ApiScope.FILE)`); a session needs none (the screens'
rights apply either way, since the token acts as its person). A token is tried first, so an integration never
needs a CSRF token; a request without one falls through to the session, which does.
"""

from __future__ import annotations

from django.http import HttpRequest
from ninja.errors import HttpError
from ninja.security import HttpBearer, django_auth

from core.http import client_address
from org import actions
from org.models import ApiScope, Person


class BearerToken(HttpBearer):
    def __init__(self, scope: ApiScope) -> None:
        self.scope = scope
        super().__init__()

    def authenticate(self, request: HttpRequest, token: str) -> Person | None:
        try:
            return actions.use_token(
                token,
                self.scope,
                address=client_address(request),
                method=request.method or "",
                path=request.path,
            )
        except actions.ScopeRefused:
            raise HttpError(403, f"this token lacks the scope {self.scope.value!r}") from None


def api_auth(scope: ApiScope) -> list:
    return [BearerToken(scope), django_auth]
