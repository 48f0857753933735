"""Production settings are checked: `check --deploy` is clean with a production-like environment."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

PRODUCTION_ENV = {
    "DEBUG": "0",
    "SECRET_KEY": "k" * 20 + "production-secret-key-with-enough-entropy-9f3a7c1e",
    "PHONE_HASH_KEY": "p" * 20 + "production-phone-key-with-enough-entropy-4b8d2e6a",
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
    env = {
        k: v
        for k, v in PRODUCTION_ENV.items()
        if k not in {"SECRET_KEY", "PHONE_HASH_KEY", "DATABASE_URL", "REDIS_URL"}
    }
    result = _check_deploy(env)
    assert result.returncode != 0
    for code in ("chuangwen.E001", "chuangwen.E002", "chuangwen.E003", "chuangwen.E004"):
        assert code in result.stderr + result.stdout


def test_a_mistyped_rate_is_refused_at_start():
    result = _check_deploy({**PRODUCTION_ENV, "PORTAL_REPORTS_PER_IP": "30 an hour"})
    assert result.returncode != 0
    assert "PORTAL_REPORTS_PER_IP must be a rate such as 5/h" in result.stderr


def test_every_public_form_limit_and_the_proxy_are_read_from_the_environment():
    """The probe found the portal's limits fixed in code; a county must be able to loosen them for a campaign day."""
    env = {
        **PRODUCTION_ENV,
        "PORTAL_REPORTS_PER_IP": "300/h",
        "PORTAL_REPORTS_PER_PHONE": "7/h",
        "SURVEY_RESPONSES_PER_IP": "40/10m",
        "BEHIND_PROXY": "1",
        "PROXY_HOPS": "2",
    }
    clean = {k: v for k, v in os.environ.items() if k not in SETTINGS_VARIABLES}
    result = subprocess.run(
        [sys.executable, "-m", "chuangwen.cli", "diffsettings"],
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    for line in (
        "PORTAL_REPORTS_PER_IP = '300/h'",
        "PORTAL_REPORTS_PER_PHONE = '7/h'",
        "SURVEY_RESPONSES_PER_IP = '40/10m'",
        "BEHIND_PROXY = True",
        "PROXY_HOPS = 2",
        "RATELIMIT_IP_META_KEY = 'core.http.client_address'",
    ):
        assert line in result.stdout


ROOT = Path(__file__).resolve().parents[2]
# Outside settings.py only the entry points may touch the environment (to name the settings module).
ENTRY_POINTS = {
    "chuangwen/cli.py",
    "chuangwen/celery.py",
    "chuangwen/wsgi.py",
    "chuangwen/gunicorn.py",
    "conftest.py",
}
# These hand the whole environment on to a child process (pg_dump, gunicorn) without reading a setting from it.
CHILD_ENVIRONMENTS = {"core/backup.py", "bench/load.py"}


def test_every_variable_settings_reads_is_in_env_example_and_the_readme():
    read = set(re.findall(r'env_\w+\(\s*"([A-Z][A-Z0-9_]*)"', (ROOT / "chuangwen/settings.py").read_text()))
    example = (ROOT / ".env.example").read_text()
    readme = (ROOT / "README.md").read_text()
    table = readme[readme.index("## Configuration") : readme.index("## Running against PostgreSQL")]
    assert len(read) > 40
    assert sorted(name for name in read if not re.search(rf"\b{name}\b", example)) == []
    assert sorted(name for name in read if f"`{name}`" not in table) == []


def test_settings_are_read_only_in_settings_py():
    sources = [
        path
        for path in ROOT.rglob("*.py")
        if not {".venv", "tests", "migrations", "var"} & set(path.relative_to(ROOT).parts)
    ]
    readers = {
        str(path.relative_to(ROOT))
        for path in sources
        if re.search(r"os\.environ|os\.getenv|getattr\(settings\b", path.read_text())
    }
    assert readers <= ENTRY_POINTS | CHILD_ENVIRONMENTS | {"chuangwen/settings.py"}
