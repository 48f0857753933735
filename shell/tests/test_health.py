"""Item 24 of issue 20: /healthz and /readyz for the load balancer, /metrics for Prometheus, JSON logs."""

from __future__ import annotations

import json
import logging

from django.db import OperationalError, connection

from core.logformat import JsonFormatter


def test_healthz_answers_without_asking_anything(db, client):
    def database_down(*args):
        raise OperationalError("down")

    with connection.execute_wrapper(database_down):
        response = client.get("/healthz")
    assert response.status_code == 200 and response.content == b"ok"


def test_readyz_checks_every_service(db, client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {
        "ready": True,
        "checks": {"database": "ok", "migrations": "ok", "cache": "ok", "broker": "ok", "storage": "ok"},
    }


def test_readyz_says_503_and_what_failed_when_the_database_is_down(db, client):
    def database_down(*args):
        raise OperationalError("connection refused")

    with connection.execute_wrapper(database_down):
        response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["ready"] is False and "connection refused" in body["checks"]["database"]
    assert body["checks"]["cache"] == "ok"


def test_metrics_count_requests_and_read_the_job_and_delivery_gauges(db, client):
    client.get("/healthz")
    text = client.get("/metrics").content.decode()  # the test client comes from 127.0.0.1
    assert 'chuangwen_http_requests_total{method="GET",route="healthz",status="2xx"}' in text
    assert "chuangwen_http_request_seconds_bucket" in text
    for gauge in ("jobs_waiting", "jobs_failed", "deliveries_pending", "deliveries_failed"):
        assert f"chuangwen_{gauge} 0.0" in text


def test_metrics_are_refused_to_others_and_need_the_token_when_set(db, client, settings):
    assert client.get("/metrics", REMOTE_ADDR="203.0.113.5").status_code == 403
    settings.METRICS_TOKEN = "scrape-token-1"
    assert client.get("/metrics").status_code == 403  # the token is then asked of everyone
    headers = {"Authorization": "Bearer scrape-token-1"}
    assert client.get("/metrics", headers=headers, REMOTE_ADDR="203.0.113.5").status_code == 200


def test_logs_are_json_lines():
    record = logging.LogRecord("chuangwen.sms", logging.WARNING, __file__, 1, "短信 to %s", ("139…",), None)
    entry = json.loads(JsonFormatter().format(record))
    assert (
        entry["level"] == "WARNING"
        and entry["logger"] == "chuangwen.sms"
        and entry["message"] == "短信 to 139…"
    )
