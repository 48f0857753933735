"""The request as views see it, for the type checker: django-htmx's middleware adds `request.htmx` to every one."""

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails


class HtmxRequest(HttpRequest):
    htmx: HtmxDetails
