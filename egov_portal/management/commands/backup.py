"""``manage.py backup``: the database and the uploaded files in one timestamped archive.

The archive (``egov-portal-<vendor>-<UTC time>.tar.gz``) holds

* ``manifest.json`` — when, which database vendor, the applied migrations per app, and the
  size and SHA-256 of every other member;
* ``database.dump`` (PostgreSQL: ``pg_dump --format=custom``) or ``database.sqlite3``
  (SQLite: a consistent copy made with SQLite's online backup API);
* ``media/…`` — every file under ``MEDIA_ROOT``.

``manage.py restore`` verifies and restores it. The helpers below are shared with it.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections import defaultdict
from pathlib import Path

import django
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder

MANIFEST = "manifest.json"
MEDIA_PREFIX = "media"
DATABASE_MEMBER = {"postgresql": "database.dump", "sqlite": "database.sqlite3"}
FORMAT_VERSION = 1

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
        "پشتیبان پایگاه داده و پرونده‌های بارگذاری‌شده در یک بایگانی tar.gz / "
        "Back up the database and the uploaded files into one .tar.gz archive."
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
        archive = self._free_name(target_dir, vendor, created)

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
            manifest_file = staging / MANIFEST
            manifest_file.write_text(
                json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8"
            )

            # Written beside the target and renamed at the end: a half-written archive
            # never carries the final name.
            partial = archive.with_name(f".{archive.name}.partial")
            try:
                with tarfile.open(partial, "w:gz") as tar:
                    tar.add(manifest_file, arcname=MANIFEST)
                    for name, path in members.items():
                        tar.add(path, arcname=name, recursive=False)
                os.replace(partial, archive)
            finally:
                partial.unlink(missing_ok=True)

        self.stdout.write(
            self.style.SUCCESS(
                f"پشتیبان ساخته شد / Backup written: {archive}\n"
                f"  {vendor}, {len(members) - 1} uploaded files, sha256 {sha256_of(archive)}"
            )
        )

    @staticmethod
    def _free_name(target_dir: Path, vendor: str, created: datetime.datetime) -> Path:
        stem = f"egov-portal-{vendor}-{created:%Y%m%dT%H%M%SZ}"
        archive, n = target_dir / f"{stem}.tar.gz", 1
        while archive.exists():
            n += 1
            archive = target_dir / f"{stem}-{n}.tar.gz"
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
