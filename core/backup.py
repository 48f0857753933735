"""Backup and restore: the database and the uploaded files in one archive, with a manifest of checksums.

An archive is a tar file (gzip when its name ends in .gz or .tgz) holding:
- `manifest.json`: when and from what it was made (versions, the database vendor, the last migration of each app),
  the row count of every table, and the SHA-256 of every other member;
- `database.dump` (PostgreSQL, `pg_dump --format=custom`) or `database.sqlite3` (SQLite, the online backup API);
- `media/…`: every file under `MEDIA_ROOT`.

On PostgreSQL the row counts are taken in the very snapshot `pg_dump` dumps (an exported snapshot), so a backup
made while people work is consistent and a restore can be checked against it row for row. A restore goes into an
empty database only (it never merges), checks every checksum before it touches anything, and after loading
compares every table's count with the manifest.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import platform
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path, PurePosixPath
from typing import Any

import django
from django.conf import settings
from django.db import connection

FORMAT = 1
MANIFEST = "manifest.json"
PG_DUMP = "database.dump"
SQLITE_COPY = "database.sqlite3"
MEDIA_PREFIX = "media/"
CHUNK = 1 << 20


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why, for the operator."""


@dataclass
class Outcome:
    path: Path
    tables: int
    rows: int
    media_files: int


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while block := stream.read(CHUNK):
            digest.update(block)
    return digest.hexdigest()


def _vendor() -> str:
    if connection.vendor not in ("postgresql", "sqlite"):
        raise BackupError(f"Backups support PostgreSQL and SQLite, not {connection.vendor}.")
    return connection.vendor


def _media_root() -> Path:
    backend = settings.STORAGES["default"]["BACKEND"]
    if backend != "django.core.files.storage.FileSystemStorage":
        raise BackupError(
            f"Uploads are kept by {backend}: back that storage up with its own tools and pass --no-media."
        )
    return Path(settings.MEDIA_ROOT)


def _media_files(root: Path) -> Iterator[tuple[str, Path]]:
    if not root.is_dir():
        return
    for path in sorted(root.rglob("*")):
        if path.is_file() and not path.is_symlink():
            yield path.relative_to(root).as_posix(), path


def _latest_migrations(cursor: Any) -> dict[str, str]:
    cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
    latest: dict[str, str] = {}
    for app, name in cursor.fetchall():
        latest[app] = name
    return latest


def _count_rows(cursor: Any, tables: list[str], quote: Any) -> dict[str, int]:
    counts = {}
    for table in sorted(tables):
        cursor.execute(f"SELECT COUNT(*) FROM {quote(table)}")  # names come from the catalogue
        counts[table] = cursor.fetchone()[0]
    return counts


def _pg_env(db: Mapping[str, Any]) -> tuple[list[str], dict[str, str]]:
    """Connection arguments for pg_dump/pg_restore; the password goes by environment, never the command line."""
    args = [f"--dbname={db['NAME']}"]
    if db.get("HOST"):
        args.append(f"--host={db['HOST']}")
    if db.get("PORT"):
        args.append(f"--port={db['PORT']}")
    if db.get("USER"):
        args.append(f"--username={db['USER']}")
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return args, env


def _run(command: list[str], env: dict[str, str]) -> None:
    if shutil.which(command[0]) is None:
        raise BackupError(f"{command[0]} is not installed (the PostgreSQL client tools, same major version).")
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise BackupError(f"{command[0]} failed: {done.stderr.strip()[-2000:]}")


def _dump_postgresql(target: Path) -> tuple[dict[str, int], dict[str, str]]:
    """pg_dump in the snapshot the counts are read in, so counts and dump agree even under writes."""
    connection.ensure_connection()
    raw = connection.connection
    assert raw is not None
    saved_autocommit = raw.autocommit
    raw.autocommit = False
    try:
        with raw.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            cursor.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename"
            )
            tables = [row[0] for row in cursor.fetchall()]
            counts = _count_rows(cursor, tables, connection.ops.quote_name)
            migrations = _latest_migrations(cursor)
            args, env = _pg_env(settings.DATABASES["default"])
            _run(
                [
                    "pg_dump",
                    "--format=custom",
                    "--no-owner",
                    f"--snapshot={snapshot}",
                    f"--file={target}",
                    *args,
                ],
                env,
            )
        raw.rollback()
    finally:
        raw.autocommit = saved_autocommit
    return counts, migrations


def _sqlite_tables(db: sqlite3.Connection) -> list[str]:
    rows = db.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
    return [row[0] for row in rows]


def _sqlite_quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _dump_sqlite(target: Path) -> tuple[dict[str, int], dict[str, str]]:
    """The online backup API copies a consistent image while others write; counts are read from the copy."""
    connection.ensure_connection()
    source = connection.connection
    assert source is not None
    copy = sqlite3.connect(target)
    try:
        source.backup(copy)
        cursor = copy.cursor()
        counts = _count_rows(cursor, _sqlite_tables(copy), _sqlite_quote)
        migrations = _latest_migrations(cursor)
    finally:
        copy.close()
    return counts, migrations


def _versions() -> dict[str, str]:
    return {
        "chuangwen": metadata.version("chuangwen"),
        "django": django.get_version(),
        "python": platform.python_version(),
    }


def backup(path: Path, *, media: bool = True) -> Outcome:
    vendor = _vendor()
    media_root = _media_root() if media else None
    with tempfile.TemporaryDirectory(prefix="chuangwen-backup-") as scratch:
        dump = Path(scratch) / (PG_DUMP if vendor == "postgresql" else SQLITE_COPY)
        counts, migrations = _dump_postgresql(dump) if vendor == "postgresql" else _dump_sqlite(dump)
        members = {dump.name: dump}
        if media_root is not None:
            members.update({MEDIA_PREFIX + name: file for name, file in _media_files(media_root)})
        manifest = {
            "format": FORMAT,
            "created": datetime.now(UTC).isoformat(timespec="seconds"),
            "versions": _versions(),
            "database": {"vendor": vendor, "file": dump.name},
            "migrations": migrations,
            "tables": counts,
            "media": media_root is not None,
            "files": {name: sha256_of(file) for name, file in members.items()},
        }
        _write_archive(path, manifest, members)
    media_count = len(members) - 1
    return Outcome(path=path, tables=len(counts), rows=sum(counts.values()), media_files=media_count)


def _tar_mode(path: Path, write: bool) -> str:
    gzip = path.name.endswith((".gz", ".tgz"))
    return ("w:gz" if gzip else "w") if write else "r:*"


def _write_archive(path: Path, manifest: dict[str, Any], members: dict[str, Path]) -> None:
    """Written beside the target and renamed, so a failed backup never leaves a half archive under its name."""
    partial = path.with_name(path.name + ".partial")
    with tarfile.open(partial, _tar_mode(path, write=True)) as archive:  # type: ignore[call-overload]
        body = json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True).encode()
        info = tarfile.TarInfo(MANIFEST)
        info.size = len(body)
        info.mtime = int(datetime.now(UTC).timestamp())
        archive.addfile(info, io.BytesIO(body))
        for name, file in members.items():
            archive.add(file, arcname=name, recursive=False)
    partial.replace(path)


# --- Restore ------------------------------------------------------------------------------------


def _safe_member(name: str) -> bool:
    pure = PurePosixPath(name)
    return not pure.is_absolute() and ".." not in pure.parts and name != ""


def read_manifest(archive: tarfile.TarFile) -> dict[str, Any]:
    try:
        stream = archive.extractfile(MANIFEST)
    except KeyError:
        raise BackupError("This is not a Chuangwen backup: it has no manifest.json.") from None
    assert stream is not None
    manifest = json.loads(stream.read())
    if manifest.get("format") != FORMAT:
        raise BackupError(f"Backup format {manifest.get('format')} is not one this version reads ({FORMAT}).")
    return manifest


def _unpack(archive_path: Path, into: Path) -> dict[str, Any]:
    """Every member checked against the manifest before anything is restored; odd or unlisted members refuse."""
    with tarfile.open(archive_path, "r:*") as archive:
        manifest = read_manifest(archive)
        expected = manifest["files"]
        seen = set()
        for member in archive.getmembers():
            if member.name == MANIFEST:
                continue
            if not member.isfile() or not _safe_member(member.name) or member.name not in expected:
                raise BackupError(f"Unexpected member in the backup: {member.name!r}.")
            archive.extract(member, into, filter="data")
            if sha256_of(into / member.name) != expected[member.name]:
                raise BackupError(f"Checksum mismatch for {member.name}: the backup is damaged.")
            seen.add(member.name)
    missing = set(expected) - seen
    if missing:
        raise BackupError(
            f"The backup lacks {len(missing)} file(s) its manifest lists, e.g. {sorted(missing)[0]}."
        )
    return manifest


def _target_tables() -> list[str]:
    with connection.cursor() as cursor:
        return connection.introspection.table_names(cursor)


def _restore_postgresql(dump: Path) -> None:
    args, env = _pg_env(settings.DATABASES["default"])
    connection.close()
    _run(
        ["pg_restore", "--no-owner", "--no-acl", "--exit-on-error", "--single-transaction", *args, str(dump)],
        env,
    )


def _restore_sqlite(copy: Path) -> None:
    """Copied page by page into the configured database through the backup API (the file may be open elsewhere)."""
    connection.ensure_connection()
    target = connection.connection
    assert target is not None
    source = sqlite3.connect(copy)
    try:
        source.backup(target)
    finally:
        source.close()


def _restored_counts(tables: list[str]) -> dict[str, int]:
    present = set(_target_tables())
    with connection.cursor() as cursor:
        return {
            table: _count_rows(cursor, [table], connection.ops.quote_name)[table] if table in present else -1
            for table in tables
        }


def _place_media(unpacked: Path, manifest: dict[str, Any]) -> int:
    root = _media_root()
    placed = 0
    for name in manifest["files"]:
        if not name.startswith(MEDIA_PREFIX):
            continue
        target = root / name[len(MEDIA_PREFIX) :]
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(unpacked / name, target)
        placed += 1
    return placed


def restore(path: Path, *, media: bool = True) -> Outcome:
    vendor = _vendor()
    if _target_tables():
        raise BackupError(
            "The database is not empty: restore into a new, empty database (create it, then restore)."
        )
    with tempfile.TemporaryDirectory(prefix="chuangwen-restore-") as scratch:
        unpacked = Path(scratch)
        manifest = _unpack(path, unpacked)
        source_vendor = manifest["database"]["vendor"]
        if source_vendor != vendor:
            raise BackupError(f"This backup is of {source_vendor}; the configured database is {vendor}.")
        dump = unpacked / manifest["database"]["file"]
        _restore_postgresql(dump) if vendor == "postgresql" else _restore_sqlite(dump)
        expected: dict[str, int] = manifest["tables"]
        counts = _restored_counts(list(expected))
        wrong = {
            table: (expected[table], counts[table]) for table in expected if counts[table] != expected[table]
        }
        if wrong:
            raise BackupError(f"Restored row counts differ from the backup's (expected, found): {wrong}.")
        placed = _place_media(unpacked, manifest) if media and manifest["media"] else 0
    return Outcome(path=path, tables=len(expected), rows=sum(expected.values()), media_files=placed)
