"""Requests of signed-in people, for the type checker.

django-stubs types `request.user` as `Person | AnonymousUser`; behind `login_required` it is always a Person, and
ninja's `django_auth` puts that Person in `request.auth`. Views and endpoints annotate their request with these
classes instead of narrowing the user in every function.
"""

from django.http import HttpRequest

from core.http import HtmxRequest
from org.models import Person


class PersonRequest(HtmxRequest):
    """A request behind `login_required`."""

    user: Person


class ApiRequest(HttpRequest):
    """A request to the JSON API, authenticated by the session or a bearer token (`org.apiauth`)."""

    auth: Person
