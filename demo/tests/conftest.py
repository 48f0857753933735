"""The demo is a development tool: its tests load it as `make run` does, with DEBUG on (the refusal with DEBUG off
has its own test)."""

import io

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings

from demo.county import demo_logins


@pytest.fixture(autouse=True)
def _debug_on(settings) -> None:
    settings.DEBUG = True


@pytest.fixture(scope="module")
def demo_county(django_db_setup, django_db_blocker):
    """The demo county, built once for the module (about 45 s on PostgreSQL) and rolled back after it; each test
    runs in a savepoint inside it (ask for `db` too), so what one test changes the next does not see. Yields the
    demo's logins."""
    # The demo refuses DEBUG=0 (its accounts share a published password); tests run with DEBUG off.
    with django_db_blocker.unblock(), transaction.atomic(), override_settings(DEBUG=True):
        call_command("demo", stdout=io.StringIO())
        yield [login.username for login in demo_logins()]
        transaction.set_rollback(True)
