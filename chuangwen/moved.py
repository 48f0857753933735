"""Permanent redirects for paths that moved, keeping the method (308) and the query string."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse


def moved(prefix: str) -> Callable[..., HttpResponse]:
    """A view sending `<old path>` to `prefix + rest` (the part of the old path the URL pattern captured)."""

    def view(request: HttpRequest, rest: str = "") -> HttpResponse:
        query = request.META.get("QUERY_STRING", "")
        response = HttpResponse(status=308)
        response["Location"] = prefix + rest + (f"?{query}" if query else "")
        return response

    return view
