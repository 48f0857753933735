"""Issue 20.23: `chuangwen backup` then `chuangwen restore` into an empty database gives back every row and file.

The restore runs as its own process against a fresh database (a new SQLite file, or a new PostgreSQL database when
the suite runs on PostgreSQL), the way an operator would run it; the test then reads that database directly.
"""

from __future__ import annotations

import io
import os
import sqlite3
import subprocess
import sys
import tarfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.db import connection

from core import backup

pytestmark = pytest.mark.django_db(transaction=True)


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


class Target:
    """An empty database of the suite's vendor, readable without Django."""

    def __init__(self, tmp_path: Path) -> None:
        db = settings.DATABASES["default"]
        self.vendor = connection.vendor
        if self.vendor == "sqlite":
            self.file = tmp_path / "restored.sqlite3"
            self.url = f"sqlite:///{self.file}"
            return
        import psycopg

        self.name = f"{db['NAME']}_restored"
        self.conninfo: dict[str, Any] = dict(
            host=db["HOST"] or None, port=db["PORT"] or None, user=db["USER"] or None
        )
        if db.get("PASSWORD"):
            self.conninfo["password"] = db["PASSWORD"]
        with psycopg.connect(dbname="postgres", autocommit=True, **self.conninfo) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {_quote(self.name)}")
            admin.execute(f"CREATE DATABASE {_quote(self.name)}")
        auth = f"{db['USER']}:{db['PASSWORD']}@" if db.get("PASSWORD") else f"{db['USER']}@"
        self.url = f"postgres://{auth}{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{self.name}"

    def query(self, sql: str) -> list[tuple]:
        if self.vendor == "sqlite":
            with sqlite3.connect(self.file) as db:
                return db.execute(sql).fetchall()
        import psycopg

        with psycopg.connect(dbname=self.name, **self.conninfo) as db:
            return db.execute(sql).fetchall()

    def drop(self) -> None:
        if self.vendor == "sqlite":
            return
        import psycopg

        with psycopg.connect(dbname="postgres", autocommit=True, **self.conninfo) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {_quote(self.name)}")


@pytest.fixture
def target(tmp_path) -> Iterator[Target]:
    made = Target(tmp_path)
    yield made
    made.drop()


def _restore(archive: Path, target: Target, media: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": target.url, "MEDIA_ROOT": str(media)}
    command = [sys.executable, "-m", "chuangwen.cli", "restore", str(archive)]
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=300, check=False)


def _table_counts() -> dict[str, int]:
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
        counts = {}
        for table in tables:
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")
            counts[table] = cursor.fetchone()[0]
    return counts


def test_backup_then_restore_into_an_empty_database_gives_back_every_row_and_file(county, tmp_path, target):
    default_storage.save("photos/2026/before.jpg", ContentFile(b"\xff\xd8 a photo " * 1000))
    default_storage.save("templates/round.docx", ContentFile("通报模板".encode()))
    archive = tmp_path / "chuangwen.tar.gz"

    call_command("backup", str(archive))

    source_counts = _table_counts()
    assert source_counts["org_person"] == 9
    with tarfile.open(archive) as opened:
        manifest = backup.read_manifest(opened)
    assert manifest["tables"] == source_counts
    assert manifest["database"]["vendor"] == connection.vendor
    assert manifest["migrations"]["org"]
    assert set(manifest["files"]) >= {"media/photos/2026/before.jpg", "media/templates/round.docx"}

    restored_media = tmp_path / "restored-media"
    done = _restore(archive, target, restored_media)
    assert done.returncode == 0, done.stderr
    assert "row counts match" in done.stdout

    for table, count in source_counts.items():
        assert target.query(f"SELECT COUNT(*) FROM {_quote(table)}") == [(count,)], table
    people = sorted(get_user_model().objects.values_list("username", "password", "unit__name"))
    restored = target.query(
        "SELECT p.username, p.password, u.name FROM org_person p JOIN org_unit u ON u.id = p.unit_id"
    )
    assert sorted(restored) == people
    original_media = Path(settings.MEDIA_ROOT)
    for relative in ("photos/2026/before.jpg", "templates/round.docx"):
        assert backup.sha256_of(restored_media / relative) == backup.sha256_of(original_media / relative)


def test_restore_refuses_a_database_that_is_not_empty(county, tmp_path, target):
    archive = tmp_path / "chuangwen.tar"
    call_command("backup", str(archive), "--no-media")
    assert _restore(archive, target, tmp_path / "m").returncode == 0

    again = _restore(archive, target, tmp_path / "m")

    assert again.returncode != 0
    assert "not empty" in again.stderr


def test_restore_refuses_a_damaged_backup_before_touching_the_database(county, tmp_path, target):
    archive = tmp_path / "chuangwen.tar"
    call_command("backup", str(archive), "--no-media")
    with tarfile.open(archive) as opened:
        members = {m.name: opened.extractfile(m).read() for m in opened.getmembers() if m.isfile()}  # type: ignore[union-attr]
    damaged = tmp_path / "damaged.tar"
    with tarfile.open(damaged, "w") as out:
        for name, body in members.items():
            if name.startswith("database"):
                body = body[:-10] + b"0123456789"
            info = tarfile.TarInfo(name)
            info.size = len(body)
            out.addfile(info, io.BytesIO(body))

    done = _restore(damaged, target, tmp_path / "m")

    assert done.returncode != 0
    assert "Checksum mismatch" in done.stderr
    assert target.query(
        "SELECT COUNT(*) FROM sqlite_master WHERE type='table'"
        if target.vendor == "sqlite"
        else "SELECT COUNT(*) FROM pg_tables WHERE schemaname='public'"
    ) == [(0,)]


def test_restore_refuses_members_outside_the_archive_root(tmp_path):
    evil = tmp_path / "evil.tar"
    with tarfile.open(evil, "w") as out:
        body = (
            b'{"format": 1, "files": {"../escape.txt": "x"}, "database": {"vendor": "sqlite", "file": "d"}}'
        )
        info = tarfile.TarInfo(backup.MANIFEST)
        info.size = len(body)
        out.addfile(info, io.BytesIO(body))
        info = tarfile.TarInfo("../escape.txt")
        info.size = 1
        out.addfile(info, io.BytesIO(b"x"))

    with pytest.raises(backup.BackupError, match="Unexpected member"):
        backup._unpack(evil, tmp_path / "into")
    assert not (tmp_path / "escape.txt").exists()


def test_backup_command_reports_an_unsupported_storage(settings, tmp_path):
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "storages.backends.s3.S3Storage"}}
    with pytest.raises(CommandError, match="--no-media"):
        call_command("backup", str(tmp_path / "x.tar"))
