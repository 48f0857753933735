"""What the load balancer and the monitoring ask: is each service this process needs reachable, are the migrations
applied, and the campaign's own gauges (jobs waiting and failed, deliveries pending and failed)."""

from __future__ import annotations

from collections.abc import Callable

from celery import current_app
from django.conf import settings
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from prometheus_client import CollectorRegistry, Gauge, generate_latest
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import REGISTRY

from jobs.models import GeneratedFile
from notify.models import Delivery


def _database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def _migrations() -> None:
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if plan:
        raise RuntimeError(f"{len(plan)} migrations not applied")


def _cache() -> None:
    cache.set("readyz", "1", 10)
    if cache.get("readyz") != "1":
        raise RuntimeError("the cache did not keep a value")


def _broker() -> None:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return  # no broker: jobs run in the web process
    with current_app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=2)


def _storage() -> None:
    name = default_storage.save("readyz/probe.txt", ContentFile(b"ok"))
    default_storage.delete(name)


CHECKS: dict[str, Callable[[], None]] = {
    "database": _database,
    "migrations": _migrations,
    "cache": _cache,
    "broker": _broker,
    "storage": _storage,
}


def readiness() -> dict[str, str]:
    """Each check's "ok", or what failed (the exception's type and text: for the operator, not the public)."""
    results = {}
    for name, check in CHECKS.items():
        try:
            check()
        except Exception as exc:  # any failure makes the process not ready; the answer says which
            results[name] = f"{type(exc).__name__}: {exc}"[:200]
        else:
            results[name] = "ok"
    return results


def metrics_text() -> bytes:
    """The process's (or with PROMETHEUS_MULTIPROC_DIR every worker's) metrics and the campaign's gauges."""
    registry = CollectorRegistry()
    if settings.PROMETHEUS_MULTIPROC_DIR:
        MultiProcessCollector(registry)
        out = generate_latest(registry)
    else:
        out = generate_latest(REGISTRY)
    gauges = CollectorRegistry()
    waiting = GeneratedFile.objects.filter(
        status__in=[GeneratedFile.Status.QUEUED, GeneratedFile.Status.RUNNING]
    )
    values = {
        "chuangwen_jobs_waiting": ("Background jobs queued or running", waiting.count()),
        "chuangwen_jobs_failed": (
            "Background jobs that failed",
            GeneratedFile.objects.filter(status=GeneratedFile.Status.FAILED).count(),
        ),
        "chuangwen_deliveries_pending": (
            "Notifications waiting to be sent",
            Delivery.objects.filter(status=Delivery.Status.PENDING).count(),
        ),
        "chuangwen_deliveries_failed": (
            "Notifications given up after their retries",
            Delivery.objects.filter(status=Delivery.Status.FAILED).count(),
        ),
    }
    for name, (text, value) in values.items():
        Gauge(name, text, registry=gauges).set(value)
    return out + generate_latest(gauges)
