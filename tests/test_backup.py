"""``manage.py backup`` and ``manage.py restore``: a round trip into a fresh database, and
the archives ``restore`` refuses without changing anything."""

from __future__ import annotations

import hashlib
import io
import json
import os
import secrets
import sqlite3
import subprocess
import sys
import tarfile
from pathlib import Path
from urllib.parse import quote

import psycopg2
import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from egov_portal.management.commands import backup

PROJECT = Path(settings.BASE_DIR)
TABLES = ("committees_body", "committees_seat", "committees_meeting", "resolutions_directive")
PAPER = "papers/1/round-trip"
PAPER_BYTES = "صورتجلسه ۱۴۰۳/۰۱/۱۵".encode() + b"\x00\xff binary tail"


def manage(*args: str, env: dict[str, str], timeout: int = 120) -> str:
    """Run ``manage.py`` in a subprocess on the real settings with ``env`` on top."""
    full_env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "egov_portal.settings",
        "DEBUG": "1",
        "EMAIL_URL": "locmem://",
        **env,
    }
    result = subprocess.run(
        [sys.executable, str(PROJECT / "manage.py"), *args],
        cwd=PROJECT,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    assert result.returncode == 0, f"manage.py {' '.join(args)}:\n{result.stdout}{result.stderr}"
    return result.stdout


def only_archive(folder: Path) -> Path:
    archives = list(folder.glob("*.tar.gz"))
    assert len(archives) == 1, archives
    return archives[0]


def sqlite_counts(path: Path) -> dict[str, int]:
    with sqlite3.connect(path) as db:
        return {t: db.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in TABLES}


# --- the round trip ----------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)  # PostgreSQL: pg_dump sees committed rows only
def test_backup_restores_into_a_fresh_database_with_the_same_records(tmp_path, request):
    if connection.vendor == "postgresql":
        _round_trip_postgresql(tmp_path, request)
    else:
        _round_trip_sqlite(tmp_path)


def _round_trip_sqlite(tmp_path: Path) -> None:
    """pytest-django's SQLite database is in memory: build a file database the way
    ``make run`` does, back it up and restore it into another file, all in subprocesses."""
    source, restored = tmp_path / "source.sqlite3", tmp_path / "restored.sqlite3"
    media, restored_media = tmp_path / "media", tmp_path / "restored-media"
    env = {"DATABASE_URL": f"sqlite:///{source}", "MEDIA_ROOT": str(media)}
    manage("migrate", "--no-input", "-v0", env=env)
    manage("load_structure", env=env)
    manage("seed_demo", env=env)
    (media / PAPER).parent.mkdir(parents=True, exist_ok=True)
    (media / PAPER).write_bytes(PAPER_BYTES)

    out = manage("backup", "--dir", str(tmp_path / "backups"), env=env)
    archive = only_archive(tmp_path / "backups")
    assert str(archive) in out
    with tarfile.open(archive) as tar:
        manifest = json.load(tar.extractfile("manifest.json"))
    assert manifest["database"]["vendor"] == "sqlite"
    assert "0001_initial" in manifest["migrations"]["committees"]

    restore_env = {"DATABASE_URL": f"sqlite:///{restored}", "MEDIA_ROOT": str(restored_media)}
    manage("restore", str(archive), "--yes", env=restore_env)

    before, after = sqlite_counts(source), sqlite_counts(restored)
    assert after == before and all(before.values()), (before, after)
    assert (restored_media / PAPER).read_bytes() == PAPER_BYTES
    assert sorted(p.relative_to(restored_media) for p in restored_media.rglob("*")) == sorted(
        p.relative_to(media) for p in media.rglob("*")
    )


def _pg_connect(dbname: str):
    s = connection.settings_dict
    db = psycopg2.connect(
        dbname=dbname,
        user=s["USER"] or "postgres",
        password=s["PASSWORD"] or None,
        host=s["HOST"] or None,
        port=s["PORT"] or None,
    )
    db.autocommit = True
    return db


def _pg_url(dbname: str) -> str:
    s = connection.settings_dict
    auth = quote(s["USER"] or "postgres", safe="")
    if s["PASSWORD"]:
        auth += ":" + quote(s["PASSWORD"], safe="")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{dbname}"


def _round_trip_postgresql(tmp_path: Path, request) -> None:
    """Back up the (committed) test database with pg_dump, restore it with ``manage.py
    restore`` in a subprocess into a scratch database, and compare."""
    request.getfixturevalue("gilan")  # committed data that pg_dump can see
    media = tmp_path / "media"
    settings_fixture = request.getfixturevalue("settings")
    settings_fixture.MEDIA_ROOT = media
    (media / PAPER).parent.mkdir(parents=True)
    (media / PAPER).write_bytes(PAPER_BYTES)
    with connection.cursor() as cursor:
        before = {}
        for table in TABLES:
            cursor.execute(f'SELECT count(*) FROM "{table}"')
            before[table] = cursor.fetchone()[0]
    assert all(before.values()), before

    call_command("backup", dir=str(tmp_path / "backups"), stdout=io.StringIO())
    archive = only_archive(tmp_path / "backups")

    scratch = f"egov_restore_{secrets.token_hex(6)}"
    admin = _pg_connect(connection.settings_dict["NAME"])
    try:
        with admin.cursor() as cursor:
            cursor.execute(f'CREATE DATABASE "{scratch}"')
        restored_media = tmp_path / "restored-media"
        env = {"DATABASE_URL": _pg_url(scratch), "MEDIA_ROOT": str(restored_media)}
        manage("restore", str(archive), "--yes", env=env)

        target = _pg_connect(scratch)
        try:
            with target.cursor() as cursor:
                after = {}
                for table in TABLES:
                    cursor.execute(f'SELECT count(*) FROM "{table}"')
                    after[table] = cursor.fetchone()[0]
        finally:
            target.close()
        assert after == before
        assert (restored_media / PAPER).read_bytes() == PAPER_BYTES
    finally:
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)')
        admin.close()


# --- what restore refuses, changing nothing ----------------------------------------------


def write_archive(
    path: Path, members: dict[str, bytes], *, vendor: str, recorded: dict | None = None
) -> Path:
    """An archive shaped like ``backup``'s holding ``members``; its manifest records the
    checksums of ``recorded`` (by default the members themselves)."""
    recorded = members if recorded is None else recorded
    manifest = {
        "format": 1,
        "created_at": "2025-03-21T08:00:00+00:00",
        "database": {"vendor": vendor, "member": backup.DATABASE_MEMBER[vendor]},
        "migrations": {},
        "files": {
            "count": len(recorded),
            "members": {
                name: {"size": len(data), "sha256": hashlib.sha256(data).hexdigest()}
                for name, data in recorded.items()
            },
        },
    }
    with tarfile.open(path, "w:gz") as tar:
        for name, data in {"manifest.json": json.dumps(manifest).encode(), **members}.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return path


@pytest.fixture
def media(settings, tmp_path) -> Path:
    root = tmp_path / "media"
    (root / "papers").mkdir(parents=True)
    (root / "papers" / "kept").write_bytes(b"still here")
    settings.MEDIA_ROOT = root
    return root


def _own_vendor() -> str:
    return connection.vendor


def _refused(archive: Path, media: Path, match: str) -> None:
    with pytest.raises(CommandError, match=match):
        call_command("restore", str(archive), yes=True, stdout=io.StringIO())
    assert (media / "papers" / "kept").read_bytes() == b"still here"


def test_restore_refuses_an_altered_member(tmp_path, media):
    database = backup.DATABASE_MEMBER[_own_vendor()]
    original = {database: b"dump", "media/papers/x": b"original"}
    altered = {database: b"dump", "media/papers/x": b"altered!"}
    archive = write_archive(tmp_path / "a.tar.gz", altered, vendor=_own_vendor(), recorded=original)
    _refused(archive, media, "Checksum mismatch for media/papers/x")


def test_restore_refuses_an_archive_of_the_other_database_vendor(tmp_path, media):
    other = "sqlite" if _own_vendor() == "postgresql" else "postgresql"
    archive = write_archive(
        tmp_path / "a.tar.gz", {backup.DATABASE_MEMBER[other]: b"data"}, vendor=other
    )
    _refused(archive, media, f"holds a {other} database but the configured database is")


@pytest.mark.parametrize("name", ["../escaped", "/etc/cron.d/evil", "media/../../escaped"])
def test_restore_refuses_member_names_outside_the_archive(tmp_path, media, name):
    archive = write_archive(tmp_path / "a.tar.gz", {name: b"x"}, vendor=_own_vendor())
    _refused(archive, media, "Unsafe member name")
    assert not (tmp_path / "escaped").exists()


def test_restore_refuses_a_member_missing_from_the_archive(tmp_path, media):
    database = backup.DATABASE_MEMBER[_own_vendor()]
    archive = write_archive(
        tmp_path / "a.tar.gz",
        {database: b"d"},
        vendor=_own_vendor(),
        recorded={database: b"d", "media/papers/lost": b"lost"},
    )
    _refused(archive, media, "Missing members")


def test_restore_refuses_a_member_the_manifest_does_not_list(tmp_path, media):
    database = backup.DATABASE_MEMBER[_own_vendor()]
    archive = write_archive(
        tmp_path / "a.tar.gz",
        {database: b"d", "media/papers/smuggled": b"x"},
        vendor=_own_vendor(),
        recorded={database: b"d"},
    )
    _refused(archive, media, "Unexpected member: media/papers/smuggled")


def test_missing_postgresql_client_is_named_in_persian_and_english(monkeypatch):
    monkeypatch.setattr(backup.shutil, "which", lambda name: None)
    with pytest.raises(CommandError) as raised:
        backup.postgres_tool("pg_dump")
    message = str(raised.value)
    assert "postgresql-client" in message and "کارخواه PostgreSQL" in message
    assert "pg_dump was not found" in message
