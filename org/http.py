"""Requests as the views see them, for the type checker.

django-stubs types `request.user` as `Person | AnonymousUser`; behind `login_required` it is always a Person, and
ninja's `django_auth` puts that Person in `request.auth`. Views and endpoints annotate their request with these
classes instead of narrowing the user in every function.
"""

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails

from org.models import Person


class PersonRequest(HttpRequest):
    """A request behind `login_required`: a signed-in person, with django-htmx's details."""

    user: Person
    htmx: HtmxDetails


class ApiRequest(HttpRequest):
    """A request to the JSON API, authenticated by the session (`ninja.security.django_auth`)."""

    auth: Person
