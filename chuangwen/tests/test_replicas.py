"""Read replicas against a real PostgreSQL streaming replica (scripts/replica-cluster.sh; .ci/run starts it).

Run with the pair's URLs, e.g.:
    scripts/replica-cluster.sh start
    DATABASE_URL=postgres://postgres@127.0.0.1:5441/chuangwen \\
    DATABASE_REPLICA_URLS=postgres://postgres@127.0.0.1:5442/chuangwen .venv/bin/pytest -n 0 chuangwen/tests/test_replicas.py
Replay on the replica is paused to tell its answers from the primary's: a row written on the primary then is
missing only from the replica.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from django.conf import settings
from django.db import connections, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core import replicas
from jobs.models import GeneratedFile
from org.models import Unit, UnitKind

pytestmark = [
    pytest.mark.replica,
    pytest.mark.skipif(
        not settings.DATABASE_REPLICAS,
        reason="no read replica configured: start one with scripts/replica-cluster.sh and set DATABASE_URL and "
        "DATABASE_REPLICA_URLS to the URLs it prints (.ci/run does)",
    ),
    pytest.mark.django_db(transaction=True, databases="__all__"),
]


@pytest.fixture
def replica(settings) -> Iterator[str]:
    alias = settings.DATABASE_REPLICAS[0]
    settings.REPLICA_MAX_LAG_SECONDS = 3600  # a paused replica still serves, unless a test says otherwise
    replicas.forget_checks()
    yield alias
    _replay(alias, pause=False)
    replicas.forget_checks()


def _replay(alias: str, *, pause: bool) -> None:
    with connections[alias].cursor() as cursor:
        cursor.execute("SELECT pg_wal_replay_pause()" if pause else "SELECT pg_wal_replay_resume()")


def _wait_for(alias: str, name: str) -> None:
    """Until the replica has replayed the unit named `name` (streaming takes a few milliseconds)."""
    for _ in range(100):
        if Unit.objects.using(alias).filter(name=name).exists():
            return
        time.sleep(0.05)
    raise AssertionError(f"the replica never received {name}")


def _written_while_paused(alias: str, name: str) -> Unit:
    """Replay paused, then a unit written on the primary: present there, missing on the replica."""
    Unit.objects.create(name="before", kind=UnitKind.TOWN)
    _wait_for(alias, "before")
    _replay(alias, pause=True)
    return Unit.objects.create(name=name, kind=UnitKind.TOWN)


def test_it_reads_inside_reading_from_the_replica_and_elsewhere_from_the_primary(replica):
    _written_while_paused(replica, "new town")
    with replicas.reading():
        assert not Unit.objects.filter(name="new town").exists()  # the replica has not replayed it
    assert Unit.objects.filter(name="new town").exists()


def test_it_never_writes_to_the_replica(replica):
    with replicas.reading(), CaptureQueriesContext(connections[replica]) as on_replica:
        unit = Unit.objects.create(name="written while reading", kind=UnitKind.TOWN)
        Unit.objects.filter(pk=unit.pk).update(name="renamed while reading")
        Unit.objects.filter(kind=UnitKind.TOWN).count()
    assert Unit.objects.get(pk=unit.pk).name == "renamed while reading"  # the primary took both writes
    sql = " ".join(query["sql"].upper() for query in on_replica.captured_queries)
    assert "INSERT" not in sql and "UPDATE" not in sql
    assert "SELECT" in sql  # the read inside did go there


def test_it_reads_inside_a_transaction_from_the_primary(replica):
    _written_while_paused(replica, "in a transaction")
    with replicas.reading(), transaction.atomic():
        assert Unit.objects.filter(name="in a transaction").exists()


def test_it_serves_the_dashboard_data_from_the_replica_and_a_writer_from_the_primary(replica, county, login):
    client = login(county.office_admin)
    url = reverse("dashboard:default_panel_key", args=["figures"])
    with CaptureQueriesContext(connections[replica]) as on_replica:
        assert client.get(url).status_code == 200
    assert on_replica.captured_queries, "the dashboard's reads went to the primary"

    client.post(reverse("set_language"), {"language": "en", "next": "/"})  # any write marks this browser
    assert replicas.WROTE_COOKIE in client.cookies
    with CaptureQueriesContext(connections[replica]) as on_replica:
        assert client.get(url).status_code == 200
    assert on_replica.captured_queries == []  # read-your-own-write: the primary


def test_it_goes_back_to_the_replica_once_the_write_is_old(replica, county, login, settings):
    client = login(county.office_admin)
    client.cookies[replicas.WROTE_COOKIE] = f"{time.time() - settings.REPLICA_STICKY_SECONDS - 1:.3f}"
    with CaptureQueriesContext(connections[replica]) as on_replica:
        assert client.get(reverse("dashboard:default_panel_key", args=["figures"])).status_code == 200
    assert on_replica.captured_queries


def test_it_skips_a_replica_lagging_behind(replica, settings):
    _written_while_paused(replica, "lagging")
    time.sleep(1.5)  # the replica's last replayed transaction is now more than a second old
    for _ in range(50):  # until the replica has received (not replayed) the new WAL
        if (replicas.lag_seconds(replica) or 0) > 1:
            break
        time.sleep(0.1)
    assert (replicas.lag_seconds(replica) or 0) > 1

    settings.REPLICA_MAX_LAG_SECONDS = 1
    replicas.forget_checks()
    with replicas.reading():
        assert replicas.replica_for_read() is None
        assert Unit.objects.filter(name="lagging").exists()  # so the primary answered

    _replay(replica, pause=False)
    _wait_for(replica, "lagging")
    replicas.forget_checks()
    with replicas.reading():
        assert replicas.replica_for_read() == replica


def test_it_skips_a_replica_that_does_not_answer(replica, settings):
    connection = connections[replica]
    connection.close()
    port, connection.settings_dict["PORT"] = connection.settings_dict["PORT"], 1  # nothing listens there
    try:
        replicas.forget_checks()
        with replicas.reading():
            assert replicas.replica_for_read() is None
    finally:
        connection.close()
        connection.settings_dict["PORT"] = port


def test_a_job_reads_from_a_replica_only_once_it_holds_the_job(replica, county):
    job = GeneratedFile.objects.create(created_by=county.office_admin, kind="test", params={})
    for _ in range(100):
        if GeneratedFile.objects.using(replica).filter(pk=job.pk).exists():
            break
        time.sleep(0.05)
    with replicas.reading_caught_up(GeneratedFile, job.pk) as alias:
        assert alias == replica

    _replay(replica, pause=True)
    later = GeneratedFile.objects.create(created_by=county.office_admin, kind="test", params={})
    with replicas.reading_caught_up(GeneratedFile, later.pk) as alias:
        assert alias == "default"
        assert Unit.objects.filter(pk=county.office.pk).exists()


def test_relations_of_a_row_read_from_the_replica_are_read_from_the_primary_outside(replica, county):
    _wait_for(replica, county.town_a.name)
    with replicas.reading():
        town = Unit.objects.get(pk=county.town_a.pk)
    assert town._state.db == replica
    _replay(replica, pause=True)
    Unit.objects.create(name="new community", kind=UnitKind.COMMUNITY, parent=county.town_a)
    assert town.children.filter(name="new community").exists()  # the primary, not where the town came from
