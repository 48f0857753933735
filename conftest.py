"""Shared test fixtures: the named personas of a small county, and browser settings for Playwright."""

from __future__ import annotations

import os
from dataclasses import dataclass
from importlib import import_module
from pathlib import Path

import hypothesis
import pytest
from django.conf import settings
from django.core.cache import cache
from django.test.utils import override_settings

from addresses.queries import forget_road_names
from core.forms import forget_held_choices
from framework.models import SiteType
from org.models import Grid, Person, Role, Unit, UnitKind
from org.queries import forget_grid_index

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
# Property tests judge results, not speed: on a loaded CI machine a 200 ms deadline fails correct code.
hypothesis.settings.register_profile("chuangwen", deadline=None)
hypothesis.settings.load_profile("chuangwen")
PASSWORD = "Test@2026x"


def square(lon: float, lat: float, size: float = 0.01) -> dict:
    ring = [[lon, lat], [lon + size, lat], [lon + size, lat + size], [lon, lat + size], [lon, lat]]
    return {"type": "Polygon", "coordinates": [ring]}


@dataclass
class County:
    office: Unit
    command: Unit
    department: Unit
    town_a: Unit
    community_a: Unit
    town_b: Unit
    community_b: Unit
    grid_a: Grid
    grid_b: Grid
    office_admin: Person
    inspector: Person
    leader: Person
    surveyor: Person
    handler_a: Person
    head_a: Person
    community_handler_a: Person
    handler_b: Person
    department_handler: Person


def _person(username: str, role: str, unit: Unit) -> Person:
    person = Person(username=username, full_name=username, role=role, unit=unit, must_change_password=False)
    person.set_password(PASSWORD)
    person.save()
    return person


@pytest.fixture(scope="session", autouse=True)
def _plain_http_settings(worker_id):
    """The test client and the live server speak plain HTTP and serve static files from the source tree.

    Session-wide, so it is in place before the (session-wide) live server builds its middleware.
    """
    override = override_settings(
        SECURE_SSL_REDIRECT=False,
        SESSION_COOKIE_SECURE=False,
        CSRF_COOKIE_SECURE=False,
        SECURE_HSTS_SECONDS=0,
        STORAGES={
            **settings.STORAGES,
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        },
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        CACHES=_cache_per_worker(settings.CACHES, worker_id),
    )
    override.enable()
    yield
    override.disable()


def _cache_per_worker(caches: dict, worker_id: str) -> dict:
    """Each xdist worker gets its own Redis database, so clearing the cache in one test touches no other worker."""
    default = caches["default"]
    if not default["BACKEND"].endswith("RedisCache"):
        return caches
    number = 10 + (int(worker_id[2:]) if worker_id.startswith("gw") else 0)
    base = default["LOCATION"].rsplit("/", 1)[0]
    return {**caches, "default": {**default, "LOCATION": f"{base}/{number}"}}


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path) -> None:
    # Assertions read English messages; tests of the Chinese UI ask for it (Accept-Language or the browser locale).
    settings.LANGUAGE_CODE = "en"
    settings.MEDIA_ROOT = tmp_path / "media"
    # Rate-limit counters live in the cache; each test starts with none.
    cache.clear()
    forget_grid_index()  # the grids kept in memory for intake are the last test's, rolled back since
    forget_road_names()  # likewise the road names the address search keeps
    forget_held_choices()  # and the option lists of units, grids and categories (core.forms.hold_choices)


@pytest.fixture
def county(db) -> County:
    office = Unit.objects.create(name="创建办", kind=UnitKind.OFFICE)
    command = Unit.objects.create(name="指挥部", kind=UnitKind.COMMAND_POST)
    department = Unit.objects.create(name="县城管局", kind=UnitKind.DEPARTMENT)
    town_a = Unit.objects.create(name="城关街道", kind=UnitKind.TOWN, division_code="370999001000")
    community_a = Unit.objects.create(name="新华社区", kind=UnitKind.COMMUNITY, parent=town_a)
    town_b = Unit.objects.create(name="柳河镇", kind=UnitKind.TOWN, division_code="370999002000")
    community_b = Unit.objects.create(name="王庄村", kind=UnitKind.COMMUNITY, parent=town_b)
    grid_a = Grid.objects.create(
        code="37099900100101", name="新华第1网格", unit=community_a, boundary=square(117.00, 35.50)
    )
    grid_b = Grid.objects.create(
        code="37099900200101", name="王庄第1网格", unit=community_b, boundary=square(117.01, 35.50)
    )
    return County(
        office=office,
        command=command,
        department=department,
        town_a=town_a,
        community_a=community_a,
        town_b=town_b,
        community_b=community_b,
        grid_a=grid_a,
        grid_b=grid_b,
        office_admin=_person("admin", Role.OFFICE_ADMIN, office),
        inspector=_person("inspector", Role.INSPECTOR, office),
        leader=_person("leader", Role.LEADER, command),
        surveyor=_person("surveyor", Role.SURVEYOR, office),
        handler_a=_person("handler_a", Role.UNIT_HANDLER, town_a),
        head_a=_person("head_a", Role.UNIT_HEAD, town_a),
        community_handler_a=_person("community_a", Role.UNIT_HANDLER, community_a),
        handler_b=_person("handler_b", Role.UNIT_HANDLER, town_b),
        department_handler=_person("dept", Role.UNIT_HANDLER, department),
    )


@pytest.fixture
def login(client):
    def _login(person: Person):
        client.force_login(person)
        return client

    return _login


# --- Playwright: Debian's Chromium, Chinese locale ---------------------------------------------


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": "/usr/bin/chromium",
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-quic",
            "--lang=zh-CN",  # the browser's own words (a file input's button) in Chinese, as on a Chinese user's phone
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "zh-CN"}


@pytest.fixture(autouse=True)
def _shipped_site_types(request) -> None:
    """Live-server tests run in transactional mode, which empties every table afterwards, the rows of data
    migrations included. Put the shipped site types back for the database tests that follow."""
    if not {"db", "transactional_db", "live_server"} & set(request.fixturenames):
        return
    # Autouse fixtures run first: open the database the way the test will.
    transactional = "live_server" in request.fixturenames or "transactional_db" in request.fixturenames
    request.getfixturevalue("transactional_db" if transactional else "db")
    if not SiteType.objects.exists():
        shipped = import_module("framework.migrations.0002_fill_site_types").SITE_TYPES
        SiteType.objects.bulk_create(
            [
                SiteType(code=code, name=name, sort_order=order)
                for order, (code, name) in enumerate(shipped, start=1)
            ]
        )


def pytest_addoption(parser):
    parser.addoption(
        "--doc-screenshots",
        metavar="DIR",
        default=None,
        help="where the tests that draw the documentation's screenshots save them (`make screenshots`)",
    )


@pytest.fixture
def doc_screenshots(request, tmp_path) -> Path:
    """The folder for the documentation's screenshots: --doc-screenshots, else a throw-away one (the pages are still
    drawn and checked)."""
    folder = request.config.getoption("--doc-screenshots")
    if folder is None:
        return tmp_path
    Path(folder).mkdir(parents=True, exist_ok=True)
    return Path(folder)


def pytest_collection_modifyitems(items):
    """Browser tests drive a real Chromium against a threaded server; on a loaded machine one step can miss its
    timeout. Such a test gets one more try; a real failure fails twice and is reported. A test that says its own
    number of tries (the axe crawl: none) keeps it."""
    for item in items:
        if "live_server" in getattr(item, "fixturenames", ()) and not item.get_closest_marker("flaky"):
            item.add_marker(pytest.mark.flaky(reruns=1, reruns_delay=2))
