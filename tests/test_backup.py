"""``manage.py backup`` and ``manage.py restore``: a round trip into a fresh database (plain
and encrypted), and the archives ``restore`` refuses without changing anything: altered,
unsigned or re-signed, cut short, damaged, or encrypted with another key."""

from __future__ import annotations

import gzip
import hashlib
import hmac
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

from egov_portal.management.commands import backup, restore

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
        raw_manifest = tar.extractfile("manifest.json").read()
        signature = json.load(tar.extractfile("manifest.sig"))
    manifest = json.loads(raw_manifest)
    assert manifest["database"]["vendor"] == "sqlite"
    # Signed with the key derived from SECRET_KEY, which the subprocess shares with us.
    assert signature["algorithm"] == "HMAC-SHA256" and signature["key"] == "SECRET_KEY"
    assert hmac.compare_digest(signature["hmac"], backup.manifest_signature(raw_manifest))
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
    path: Path,
    members: dict[str, bytes],
    *,
    vendor: str,
    recorded: dict | None = None,
    signature: bytes | None = None,
    signed: bool = True,
) -> Path:
    """An archive shaped like ``backup``'s holding ``members``; its manifest records the
    checksums of ``recorded`` (by default the members themselves) and is signed with the
    configured key, unless ``signature`` (the bytes of manifest.sig) is given or ``signed``
    is false."""
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
    manifest_bytes = json.dumps(manifest).encode()
    head = {"manifest.json": manifest_bytes}
    if signed:
        head["manifest.sig"] = signature or backup.signature_document(manifest_bytes)
    with tarfile.open(path, "w:gz") as tar:
        for name, data in {**head, **members}.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return path


@pytest.fixture
def media(settings, tmp_path, monkeypatch) -> Path:
    root = tmp_path / "media"
    (root / "papers").mkdir(parents=True)
    (root / "papers" / "kept").write_bytes(b"still here")
    settings.MEDIA_ROOT = root
    # These tests run restore in-process: should a refusal fail, the configured database
    # (outside the test database) must not be replaced.
    for step in ("_restore_postgresql", "_restore_sqlite", "_restore_media"):
        monkeypatch.setattr(restore.Command, step, _must_not_restore)
    return root


def _must_not_restore(*args, **kwargs):
    raise AssertionError("restore went past its checks")


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


# --- cut short or damaged: one clear message, never a traceback --------------------------

UNREADABLE = "Cannot read the archive .* it is truncated or damaged"


def _sizeable_archive(tmp_path: Path) -> Path:
    """A genuine, signed archive of about 100 KB of incompressible data, so that a cut can
    land in the manifest, in a member's header, inside a member or in gzip's trailer."""
    database = backup.DATABASE_MEMBER[_own_vendor()]
    members = {database: secrets.token_bytes(60_000), "media/papers/x": secrets.token_bytes(40_000)}
    return write_archive(tmp_path / "whole.tar.gz", members, vendor=_own_vendor())


def _cut(archive: Path, length: int) -> Path:
    cut = archive.with_name(f"cut-{length}-{archive.name}")
    cut.write_bytes(archive.read_bytes()[:length])
    return cut


@pytest.mark.parametrize("keep", [0, 1, 10, 200, 600, 5_000, 0.5, 0.9, -100, -9, -4, -1])
def test_restore_refuses_a_truncated_archive_with_the_unreadable_message(tmp_path, media, keep):
    archive = _sizeable_archive(tmp_path)
    size = archive.stat().st_size
    length = int(size * keep) if isinstance(keep, float) else keep % size if keep < 0 else keep
    _refused(_cut(archive, length), media, UNREADABLE)


@pytest.mark.parametrize("position", [2, 0.5, -6])
def test_restore_refuses_a_damaged_archive_with_a_clear_message(tmp_path, media, position):
    """A flipped byte in gzip's header (the compression method), in a member's data or in
    gzip's CRC: refused as
    unreadable or as a checksum mismatch, whichever shows first; both say "damaged"."""
    archive = _sizeable_archive(tmp_path)
    data = bytearray(archive.read_bytes())
    data[int(len(data) * position) if isinstance(position, float) else position] ^= 0xFF
    archive.write_bytes(bytes(data))
    _refused(archive, media, "the archive is damaged or altered|it is truncated or damaged")


@pytest.mark.parametrize(
    "content", [b"", b"not an archive at all", gzip.compress(b"a gzip file, not a tar" * 50)]
)
def test_restore_refuses_other_files_with_the_unreadable_message(tmp_path, media, content):
    archive = tmp_path / "a.tar.gz"
    archive.write_bytes(content)
    _refused(archive, media, UNREADABLE)


# --- signed manifests ------------------------------------------------------------------------


def test_restore_refuses_content_changed_together_with_its_manifest(tmp_path, media):
    """Whoever alters a member and rewrites the manifest's checksums to match cannot make
    the signature without the key: the old manifest.sig no longer matches."""
    database = backup.DATABASE_MEMBER[_own_vendor()]
    genuine = {database: b"dump", "media/papers/x": b"original"}
    original = write_archive(tmp_path / "genuine.tar.gz", genuine, vendor=_own_vendor())
    with tarfile.open(original) as tar:
        genuine_signature = tar.extractfile("manifest.sig").read()

    forged = {database: b"dump", "media/papers/x": b"forged!!"}
    archive = write_archive(
        tmp_path / "forged.tar.gz", forged, vendor=_own_vendor(), signature=genuine_signature
    )
    _refused(archive, media, "signature does not match its manifest")


def test_restore_refuses_an_archive_signed_with_another_key(tmp_path, media, settings):
    database = backup.DATABASE_MEMBER[_own_vendor()]
    settings.BACKUP_KEY = "another-installation-" + secrets.token_urlsafe(40)
    archive = write_archive(tmp_path / "a.tar.gz", {database: b"d"}, vendor=_own_vendor())
    settings.BACKUP_KEY = ""
    _refused(
        archive, media, "made with another key .it names BACKUP_KEY, this server uses SECRET_KEY"
    )


def test_restore_refuses_an_unsigned_archive_unless_told_to_accept_it(tmp_path, media):
    other = "sqlite" if _own_vendor() == "postgresql" else "postgresql"
    archive = write_archive(
        tmp_path / "a.tar.gz", {backup.DATABASE_MEMBER[other]: b"d"}, vendor=other, signed=False
    )
    _refused(archive, media, "The archive is not signed")
    # Accepted, it is still checked to the end: here it stops at the vendor, changing nothing.
    with pytest.raises(CommandError, match=f"holds a {other} database"):
        call_command("restore", str(archive), yes=True, accept_unsigned=True, stdout=io.StringIO())
    assert (media / "papers" / "kept").read_bytes() == b"still here"


@pytest.mark.parametrize(
    ("signature", "match"),
    [
        (b"not json", "manifest.sig is not valid"),
        (b'{"key": "SECRET_KEY"}', "manifest.sig is not valid"),
        ('{"hmac": "امضا"}'.encode(), "signature does not match"),
        (b'{"hmac": "' + b"0" * 64 + b'"}', "signature does not match"),
    ],
)
def test_restore_refuses_a_bad_signature_even_when_accepting_unsigned(
    tmp_path, media, signature, match
):
    database = backup.DATABASE_MEMBER[_own_vendor()]
    archive = write_archive(
        tmp_path / "a.tar.gz", {database: b"d"}, vendor=_own_vendor(), signature=signature
    )
    with pytest.raises(CommandError, match=match):
        call_command("restore", str(archive), yes=True, accept_unsigned=True, stdout=io.StringIO())
    assert (media / "papers" / "kept").read_bytes() == b"still here"


def test_signing_key_comes_from_backup_key_when_set(settings):
    manifest = b'{"format": 2}'
    from_secret = backup.manifest_signature(manifest)
    settings.BACKUP_KEY = "a-separate-backup-key-" + "k" * 40
    from_backup_key = backup.manifest_signature(manifest)
    assert from_backup_key != from_secret
    settings.SECRET_KEY = "a-rotated-secret-key-" + "s" * 40
    assert backup.manifest_signature(manifest) == from_backup_key


# --- encrypted archives ----------------------------------------------------------------------


def _encrypted(tmp_path: Path, members: dict[str, bytes], vendor: str) -> Path:
    plain = write_archive(tmp_path / "plain.tar.gz", members, vendor=vendor)
    archive = tmp_path / "a.tar.gz.enc"
    backup.encrypt_file(plain, archive)
    plain.unlink()
    return archive


def test_restore_decrypts_an_encrypted_archive_before_checking_it(tmp_path, media):
    """Decrypted and verified, the archive of the other vendor reaches the vendor check."""
    other = "sqlite" if _own_vendor() == "postgresql" else "postgresql"
    archive = _encrypted(tmp_path, {backup.DATABASE_MEMBER[other]: b"secret data"}, other)
    assert archive.read_bytes().startswith(backup.ENCRYPTED_MAGIC)
    assert b"secret data" not in archive.read_bytes()
    _refused(archive, media, f"holds a {other} database")


def test_restore_refuses_an_encrypted_archive_with_a_wrong_key(tmp_path, media, settings):
    database = backup.DATABASE_MEMBER[_own_vendor()]
    archive = _encrypted(tmp_path, {database: b"d"}, _own_vendor())
    settings.BACKUP_KEY = "not-the-key-it-was-made-with-" + secrets.token_urlsafe(40)
    _refused(archive, media, "cannot be decrypted with the key from BACKUP_KEY")


@pytest.fixture
def small_pieces(monkeypatch):
    monkeypatch.setattr(backup, "ENCRYPTED_PIECE", 4096)


def _pieces(archive: Path) -> tuple[bytes, list[bytes]]:
    data = archive.read_bytes()
    position, pieces = len(backup.ENCRYPTED_MAGIC), []
    while position < len(data):
        (length,) = backup.TOKEN_LENGTH.unpack_from(data, position)
        end = position + backup.TOKEN_LENGTH.size + length
        pieces.append(data[position:end])
        position = end
    return data[: len(backup.ENCRYPTED_MAGIC)], pieces


@pytest.mark.parametrize("keep", [10, 100, 0.5, -1, "without the last piece"])
def test_restore_refuses_a_truncated_encrypted_archive(tmp_path, media, small_pieces, keep):
    database = backup.DATABASE_MEMBER[_own_vendor()]
    archive = _encrypted(tmp_path, {database: secrets.token_bytes(20_000)}, _own_vendor())
    magic, pieces = _pieces(archive)
    assert len(pieces) > 2
    if keep == "without the last piece":
        archive.write_bytes(magic + b"".join(pieces[:-1]))
    else:
        size = archive.stat().st_size
        length = int(size * keep) if isinstance(keep, float) else keep % size
        archive = _cut(archive, length)
    _refused(archive, media, UNREADABLE)


def test_restore_refuses_an_encrypted_archive_with_pieces_out_of_order(
    tmp_path, media, small_pieces
):
    database = backup.DATABASE_MEMBER[_own_vendor()]
    archive = _encrypted(tmp_path, {database: secrets.token_bytes(20_000)}, _own_vendor())
    magic, pieces = _pieces(archive)
    pieces[1], pieces[2] = pieces[2], pieces[1]
    archive.write_bytes(magic + b"".join(pieces))
    _refused(archive, media, UNREADABLE)


def test_encrypted_backup_restores_into_a_fresh_database(tmp_path):
    """``BACKUP_ENCRYPT=1``: the archive on disk shows nothing of the files or the database,
    and ``restore`` with the same ``BACKUP_KEY`` brings both back (SQLite, subprocesses)."""
    key = "backup-key-kept-offsite-" + secrets.token_urlsafe(40)
    source, restored = tmp_path / "source.sqlite3", tmp_path / "restored.sqlite3"
    media, restored_media = tmp_path / "media", tmp_path / "restored-media"
    env = {"DATABASE_URL": f"sqlite:///{source}", "MEDIA_ROOT": str(media), "BACKUP_KEY": key}
    manage("migrate", "--no-input", "-v0", env=env)
    (media / PAPER).parent.mkdir(parents=True, exist_ok=True)
    (media / PAPER).write_bytes(PAPER_BYTES)

    out = manage("backup", "--dir", str(tmp_path / "backups"), env={**env, "BACKUP_ENCRYPT": "1"})
    archives = list((tmp_path / "backups").glob("*.tar.gz.enc"))
    assert len(archives) == 1 and str(archives[0]) in out and "encrypted" in out
    data = archives[0].read_bytes()
    assert data.startswith(backup.ENCRYPTED_MAGIC)
    assert PAPER_BYTES not in data and b"manifest.json" not in data and b"SQLite" not in data

    restore_env = {
        "DATABASE_URL": f"sqlite:///{restored}",
        "MEDIA_ROOT": str(restored_media),
        "BACKUP_KEY": key,
    }
    manage("restore", str(archives[0]), "--yes", env=restore_env)
    with sqlite3.connect(source) as before, sqlite3.connect(restored) as after:
        query = "SELECT app, name FROM django_migrations ORDER BY id"
        assert after.execute(query).fetchall() == before.execute(query).fetchall()
    assert (restored_media / PAPER).read_bytes() == PAPER_BYTES
