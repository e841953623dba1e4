"""``manage.py backup``: the database and the uploaded files in one timestamped archive.

The archive (``egov-portal-<vendor>-<UTC time>.tar.gz``) holds

* ``manifest.json`` — when, which database vendor, the applied migrations per app, and the
  size and SHA-256 of every other member;
* ``manifest.sig`` — an HMAC-SHA256 of ``manifest.json`` with a key derived from
  ``BACKUP_KEY`` (or ``SECRET_KEY`` when it is empty), so an archive whose members were
  changed together with its manifest is refused;
* ``database.dump`` (PostgreSQL: ``pg_dump --format=custom``) or ``database.sqlite3``
  (SQLite: a consistent copy made with SQLite's online backup API);
* ``media/…`` — every file under ``MEDIA_ROOT``.

With ``BACKUP_ENCRYPT=1`` the archive is then encrypted (``….tar.gz.enc``): a magic line
followed by Fernet tokens (AES-128-CBC with HMAC-SHA256, from ``cryptography``) of 4 MiB
pieces, each carrying its index and whether it is the last, so a piece cut off, reordered
or repeated is noticed. The Fernet key is derived from the same secret as the signature's
(HKDF-SHA256, another purpose).

``manage.py restore`` verifies and restores it. The helpers below are shared with it.
"""

from __future__ import annotations

import base64
import datetime
import hashlib
import hmac
import json
import os
import shutil
import sqlite3
import struct
import subprocess
import tarfile
import tempfile
from collections import defaultdict
from pathlib import Path

import django
from cryptography.fernet import Fernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder

MANIFEST = "manifest.json"
SIGNATURE = "manifest.sig"
MEDIA_PREFIX = "media"
DATABASE_MEMBER = {"postgresql": "database.dump", "sqlite": "database.sqlite3"}
FORMAT_VERSION = 2

# The encrypted form: this line, then for each piece a 4-byte length and a Fernet token of
# (8-byte index, 1-byte "last piece" flag, up to ENCRYPTED_PIECE bytes of the .tar.gz).
ENCRYPTED_MAGIC = b"egov-portal backup, Fernet pieces, v1\n"
ENCRYPTED_PIECE = 4 * 1024 * 1024
TOKEN_LENGTH = struct.Struct(">I")
PIECE_HEADER = struct.Struct(">Q?")

# libpq reads these from the environment; the password never appears on a command line.
_PG_OPTION_ENV = {
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "passfile": "PGPASSFILE",
    "service": "PGSERVICE",
    "connect_timeout": "PGCONNECT_TIMEOUT",
}


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1024 * 1024), b""):
            digest.update(block)
    return digest.hexdigest()


# --- signing and encryption -----------------------------------------------------------------


def backup_key_name() -> str:
    """The setting the backup keys come from: ``BACKUP_KEY`` when set, else ``SECRET_KEY``."""
    return "BACKUP_KEY" if settings.BACKUP_KEY else "SECRET_KEY"


def derived_key(purpose: str) -> bytes:
    """32 bytes for ``purpose`` ("signing" or "encryption"), derived with HKDF-SHA256 from
    ``BACKUP_KEY`` or ``SECRET_KEY``; each purpose gets an unrelated key."""
    secret = (settings.BACKUP_KEY or settings.SECRET_KEY).encode()
    info = f"egov-portal backup {purpose} v1".encode()
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info).derive(secret)


def manifest_signature(manifest: bytes) -> str:
    """The HMAC-SHA256 (hex) of the manifest's exact bytes."""
    return hmac.new(derived_key("signing"), manifest, hashlib.sha256).hexdigest()


def signature_document(manifest: bytes) -> bytes:
    """The content of ``manifest.sig``; ``key`` only names the setting, as a hint."""
    document = {
        "algorithm": "HMAC-SHA256",
        "key": backup_key_name(),
        "hmac": manifest_signature(manifest),
    }
    return json.dumps(document, indent=2).encode()


def backup_fernet() -> Fernet:
    return Fernet(base64.urlsafe_b64encode(derived_key("encryption")))


def encrypt_file(source: Path, target: Path) -> None:
    """Write ``source`` to ``target`` in the encrypted form, piece by piece (an archive of
    many gigabytes never sits in memory)."""
    fernet = backup_fernet()
    with source.open("rb") as plain, target.open("wb") as out:
        out.write(ENCRYPTED_MAGIC)
        index, piece = 0, plain.read(ENCRYPTED_PIECE)
        while True:
            following = plain.read(ENCRYPTED_PIECE)
            last = not following
            token = fernet.encrypt(PIECE_HEADER.pack(index, last) + piece)
            out.write(TOKEN_LENGTH.pack(len(token)))
            out.write(token)
            if last:
                return
            index, piece = index + 1, following


def is_encrypted(path: Path) -> bool:
    with path.open("rb") as stream:
        return stream.read(len(ENCRYPTED_MAGIC)) == ENCRYPTED_MAGIC


# --- the database and the files ----------------------------------------------------------


def supported_vendor() -> str:
    vendor = connection.vendor
    if vendor not in DATABASE_MEMBER:
        raise CommandError(
            f"پشتیبان‌گیری فقط برای PostgreSQL و SQLite است، نه {vendor}. / "
            f"Backups support PostgreSQL and SQLite only, not {vendor}."
        )
    return vendor


def postgres_tool(name: str) -> str:
    """The path of ``pg_dump``/``pg_restore``, or a loud error naming the package."""
    path = shutil.which(name)
    if path is None:
        raise CommandError(
            f"برنامه {name} پیدا نشد؛ بسته کارخواه PostgreSQL را نصب کنید: "
            f"sudo apt-get install postgresql-client / "
            f"{name} was not found: install the PostgreSQL client "
            f"(sudo apt-get install postgresql-client)."
        )
    return path


def postgres_env(settings_dict: dict) -> dict[str, str]:
    """The environment that points libpq tools at the configured database."""
    env = dict(os.environ)
    for key, variable in (
        ("HOST", "PGHOST"),
        ("PORT", "PGPORT"),
        ("USER", "PGUSER"),
        ("PASSWORD", "PGPASSWORD"),
        ("NAME", "PGDATABASE"),
    ):
        if settings_dict.get(key):
            env[variable] = str(settings_dict[key])
    for option, value in (settings_dict.get("OPTIONS") or {}).items():
        if option in _PG_OPTION_ENV and value not in (None, ""):
            env[_PG_OPTION_ENV[option]] = str(value)
    return env


def run_tool(command: list[str], *, env: dict[str, str], what: str) -> None:
    """Run a PostgreSQL client tool; on failure raise with its own message."""
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        detail = (result.stderr or result.stdout).strip()
        raise CommandError(f"{what} ناموفق بود / {what} failed:\n{detail}")


def sqlite_path(settings_dict: dict) -> Path:
    name = str(settings_dict["NAME"])
    if name == ":memory:" or "mode=memory" in name:
        raise CommandError(
            "پایگاه داده SQLite در حافظه است و پشتیبان ندارد. / "
            "The SQLite database is in memory; there is nothing to back up."
        )
    return Path(name)


def applied_migrations() -> dict[str, list[str]]:
    by_app: dict[str, list[str]] = defaultdict(list)
    for app, name in MigrationRecorder(connection).applied_migrations():
        by_app[app].append(name)
    return {app: sorted(names) for app, names in sorted(by_app.items())}


def media_files(root: Path) -> list[Path]:
    if not root.is_dir():
        return []
    return sorted(p for p in root.rglob("*") if p.is_file() and not p.is_symlink())


class Command(BaseCommand):
    help = (
        "پشتیبان پایگاه داده و پرونده‌های بارگذاری‌شده در یک بایگانی امضاشده tar.gz / "
        "Back up the database and the uploaded files into one signed .tar.gz archive "
        "(encrypted with BACKUP_ENCRYPT=1)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dir",
            default=str(Path(settings.BASE_DIR) / "backups"),
            help="folder for the archive (default: backups/ in the project)",
        )

    def handle(self, *args, dir: str, **options):
        vendor = supported_vendor()
        target_dir = Path(dir)
        target_dir.mkdir(parents=True, exist_ok=True)
        created = datetime.datetime.now(datetime.UTC).replace(microsecond=0)
        encrypt = settings.BACKUP_ENCRYPT
        archive = self._free_name(
            target_dir, vendor, created, suffix=".tar.gz.enc" if encrypt else ".tar.gz"
        )

        with tempfile.TemporaryDirectory(prefix="egov-backup-") as staging_name:
            staging = Path(staging_name)
            database_file = staging / DATABASE_MEMBER[vendor]
            if vendor == "postgresql":
                self._dump_postgresql(database_file)
            else:
                self._copy_sqlite(database_file)

            members: dict[str, Path] = {DATABASE_MEMBER[vendor]: database_file}
            media_root = Path(settings.MEDIA_ROOT)
            for path in media_files(media_root):
                members[f"{MEDIA_PREFIX}/{path.relative_to(media_root).as_posix()}"] = path

            manifest = {
                "format": FORMAT_VERSION,
                "created_at": created.isoformat(),
                "database": {"vendor": vendor, "member": DATABASE_MEMBER[vendor]},
                "django": django.get_version(),
                "migrations": applied_migrations(),
                "files": {
                    "count": len(members),
                    "media_count": len(members) - 1,
                    "members": {
                        name: {"size": path.stat().st_size, "sha256": sha256_of(path)}
                        for name, path in members.items()
                    },
                },
            }
            manifest_bytes = json.dumps(manifest, ensure_ascii=False, indent=2).encode()
            manifest_file = staging / MANIFEST
            manifest_file.write_bytes(manifest_bytes)
            signature_file = staging / SIGNATURE
            signature_file.write_bytes(signature_document(manifest_bytes))

            # Written beside the target and renamed at the end: a half-written archive
            # never carries the final name. Encrypted, the plain .tar.gz stays in staging.
            partial = archive.with_name(f".{archive.name}.partial")
            plain = staging / "archive.tar.gz" if encrypt else partial
            try:
                with tarfile.open(plain, "w:gz") as tar:
                    tar.add(manifest_file, arcname=MANIFEST)
                    tar.add(signature_file, arcname=SIGNATURE)
                    for name, path in members.items():
                        tar.add(path, arcname=name, recursive=False)
                if encrypt:
                    encrypt_file(plain, partial)
                os.replace(partial, archive)
            finally:
                partial.unlink(missing_ok=True)

        self.stdout.write(
            self.style.SUCCESS(
                f"پشتیبان ساخته شد / Backup written: {archive}\n"
                f"  {vendor}, {len(members) - 1} uploaded files, signed with a key from "
                f"{backup_key_name()}{', encrypted' if encrypt else ''}, "
                f"sha256 {sha256_of(archive)}"
            )
        )

    @staticmethod
    def _free_name(
        target_dir: Path, vendor: str, created: datetime.datetime, *, suffix: str
    ) -> Path:
        stem = f"egov-portal-{vendor}-{created:%Y%m%dT%H%M%SZ}"
        archive, n = target_dir / f"{stem}{suffix}", 1
        while archive.exists():
            n += 1
            archive = target_dir / f"{stem}-{n}{suffix}"
        return archive

    @staticmethod
    def _dump_postgresql(destination: Path) -> None:
        pg_dump = postgres_tool("pg_dump")
        env = postgres_env(connection.settings_dict)
        command = [pg_dump, "--format=custom", "--no-password", f"--file={destination}"]
        run_tool(command, env=env, what="pg_dump")

    @staticmethod
    def _copy_sqlite(destination: Path) -> None:
        source_path = sqlite_path(connection.settings_dict)
        if not source_path.exists():
            raise CommandError(
                f"پایگاه داده SQLite پیدا نشد: {source_path} / SQLite database not found."
            )
        # SQLite's online backup: a consistent copy even while the portal writes.
        source = sqlite3.connect(source_path)
        target = sqlite3.connect(destination)
        try:
            source.backup(target)
        finally:
            target.close()
            source.close()
