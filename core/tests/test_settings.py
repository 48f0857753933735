"""Production settings are checked: `check --deploy` is clean with a production-like environment."""

from __future__ import annotations

import os
import subprocess
import sys

PRODUCTION_ENV = {
    "DEBUG": "0",
    "SECRET_KEY": "k" * 20 + "production-secret-key-with-enough-entropy-9f3a7c1e",
    "ALLOWED_HOSTS": "cw.example.gov.cn",
    "DATABASE_URL": "postgres://chuangwen@127.0.0.1:5432/chuangwen",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
}


# Variables the surrounding run may set (CI sets some); the check must see only the environment under test.
SETTINGS_VARIABLES = {
    "DATABASE_URL",
    "REDIS_URL",
    "DEBUG",
    "SECRET_KEY",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
    "CELERY_TASK_ALWAYS_EAGER",
    "CELERY_BROKER_URL",
    "ALLOWED_HOSTS",
    "SECURE_COOKIES",
}


def _check_deploy(env: dict[str, str]) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in SETTINGS_VARIABLES}
    return subprocess.run(
        [sys.executable, "-m", "chuangwen.cli", "check", "--deploy", "--fail-level", "WARNING"],
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_in_production():
    result = _check_deploy(PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr


def test_check_deploy_refuses_the_development_defaults():
    env = {k: v for k, v in PRODUCTION_ENV.items() if k not in {"SECRET_KEY", "DATABASE_URL", "REDIS_URL"}}
    result = _check_deploy(env)
    assert result.returncode != 0
    for code in ("chuangwen.E001", "chuangwen.E002", "chuangwen.E003"):
        assert code in result.stderr + result.stdout
