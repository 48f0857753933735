"""Prometheus metrics of the web process: requests by route, method and status class, and their latency. The
campaign's own gauges (jobs waiting, failures, deliveries) are read at scrape time by the /metrics view (shell)."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from prometheus_client import Counter, Histogram

REQUESTS = Counter("chuangwen_http_requests_total", "HTTP requests answered", ["route", "method", "status"])
LATENCY = Histogram(
    "chuangwen_http_request_seconds",
    "Time to answer an HTTP request",
    ["route"],
    buckets=(0.025, 0.05, 0.1, 0.2, 0.3, 0.5, 1, 2, 5, 10),
)


class RequestMetricsMiddleware:
    """Count and time every request under its URL pattern's name (not its path: ids would make a series each)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        route = (match.view_name if match else "") or "unmatched"
        LATENCY.labels(route).observe(time.perf_counter() - started)
        REQUESTS.labels(route, request.method or "", f"{response.status_code // 100}xx").inc()
        return response
