"""``manage.py restore <archive> [--yes]``: put back what ``manage.py backup`` saved.

Order of work, so that a refusal changes nothing:

1. read the archive member by member (regular files with safe relative names only) and
   check each against the manifest's SHA-256; any unknown, missing or altered member
   stops the restore;
2. refuse an archive of another database vendor;
3. ask for confirmation (``--yes`` skips it);
4. restore the database — PostgreSQL with ``pg_restore --clean --if-exists --no-owner
   --single-transaction`` into the configured database (all or nothing); SQLite by
   replacing the database file after closing every connection;
5. replace the files under ``MEDIA_ROOT`` with the archive's.

Stop the portal's processes first: a restore replaces everything they see.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import tarfile
import tempfile
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, connections
from django.db.migrations.loader import MigrationLoader

from egov_portal.management.commands.backup import (
    DATABASE_MEMBER,
    MANIFEST,
    MEDIA_PREFIX,
    postgres_env,
    postgres_tool,
    run_tool,
    sha256_of,
    sqlite_path,
    supported_vendor,
)


def _safe_name(name: str) -> PurePosixPath:
    path = PurePosixPath(name)
    if not name or path.is_absolute() or ".." in path.parts or "\\" in name:
        raise CommandError(
            f"نام نامجاز در بایگانی: {name!r} / Unsafe member name in the archive: {name!r}"
        )
    return path


def verified_extract(archive: Path, into: Path) -> dict:
    """Extract ``archive`` into ``into`` after checking every member; return the manifest."""
    try:
        tar = tarfile.open(archive, "r:gz")  # noqa: SIM115 (closed by the with below)
    except (OSError, tarfile.TarError) as error:
        raise CommandError(
            f"بایگانی خوانده نشد: {archive} / Cannot read the archive: {error}"
        ) from error
    with tar:
        try:
            manifest = json.load(tar.extractfile(MANIFEST))
        except (KeyError, AttributeError, ValueError) as error:
            raise CommandError(
                "بایگانی فهرست (manifest.json) درستی ندارد. / "
                "The archive has no valid manifest.json."
            ) from error
        expected = manifest.get("files", {}).get("members", {})
        seen = set()
        for member in tar:
            if member.name == MANIFEST:
                continue
            if member.isdir():
                continue
            relative = _safe_name(member.name)
            if not member.isreg() or member.name not in expected:
                raise CommandError(
                    f"عضو ناشناخته در بایگانی: {member.name} / Unexpected member: {member.name}"
                )
            destination = into.joinpath(*relative.parts)
            destination.parent.mkdir(parents=True, exist_ok=True)
            with tar.extractfile(member) as source, destination.open("wb") as target:
                shutil.copyfileobj(source, target)
            if sha256_of(destination) != expected[member.name]["sha256"]:
                raise CommandError(
                    f"چکیده {member.name} با فهرست نمی‌خواند؛ بایگانی آسیب دیده یا دستکاری شده است. / "
                    f"Checksum mismatch for {member.name}: the archive is damaged or altered."
                )
            seen.add(member.name)
    missing = sorted(set(expected) - seen)
    if missing:
        raise CommandError(
            f"این اعضا در بایگانی نیستند: {', '.join(missing)} / Missing members: {missing}"
        )
    return manifest


class Command(BaseCommand):
    help = (
        "بازگردانی پایگاه داده و پرونده‌ها از بایگانی manage.py backup / "
        "Restore the database and the uploaded files from a manage.py backup archive."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", help="the .tar.gz written by manage.py backup")
        parser.add_argument(
            "--yes", action="store_true", help="do not ask before replacing everything"
        )

    def handle(self, *args, archive: str, yes: bool, **options):
        vendor = supported_vendor()
        archive_path = Path(archive)
        if not archive_path.is_file():
            raise CommandError(f"بایگانی پیدا نشد: {archive} / Archive not found: {archive}")
        media_root = self._media_root()

        with tempfile.TemporaryDirectory(prefix="egov-restore-") as staging_name:
            staging = Path(staging_name)
            manifest = verified_extract(archive_path, staging)
            archived = manifest.get("database", {}).get("vendor")
            if archived != vendor:
                raise CommandError(
                    f"این پشتیبان از پایگاه داده {archived} است و پایگاه داده پیکربندی‌شده "
                    f"{vendor}؛ بازگردانی انجام نشد. / The archive holds a {archived} database "
                    f"but the configured database is {vendor}; nothing was restored."
                )
            self._confirm(yes, vendor, media_root)

            database_file = staging / DATABASE_MEMBER[vendor]
            if vendor == "postgresql":
                self._restore_postgresql(database_file)
            else:
                self._restore_sqlite(database_file)
            count = self._restore_media(staging / MEDIA_PREFIX, media_root)

        self.stdout.write(
            self.style.SUCCESS(
                f"بازگردانی انجام شد / Restored: {vendor} database of "
                f"{manifest.get('created_at')}, {count} uploaded files into {media_root}"
            )
        )
        self._report_migrations(manifest.get("migrations", {}))

    # --- steps -------------------------------------------------------------------------

    @staticmethod
    def _media_root() -> Path:
        root = Path(settings.MEDIA_ROOT).resolve()
        base = Path(settings.BASE_DIR).resolve()
        if root == Path(root.anchor) or root == Path.home() or root in (base, *base.parents):
            raise CommandError(
                f"MEDIA_ROOT={root} برای جایگزینی امن نیست. / "
                f"MEDIA_ROOT={root} is not a folder that can safely be replaced."
            )
        return root

    def _confirm(self, yes: bool, vendor: str, media_root: Path) -> None:
        if yes:
            return
        name = connection.settings_dict["NAME"]
        question = (
            f"پایگاه داده {vendor} «{name}» و پرونده‌های {media_root} جایگزین می‌شوند.\n"
            f"This replaces the {vendor} database {name} and the files in {media_root}.\n"
            "Type 'yes' to continue: "
        )
        if not sys.stdin.isatty():
            raise CommandError(
                "برای اجرای بدون پرسش --yes بدهید. / Not a terminal: pass --yes to restore."
            )
        if input(question).strip().lower() != "yes":
            raise CommandError("بازگردانی لغو شد. / Restore cancelled.")

    @staticmethod
    def _restore_postgresql(dump: Path) -> None:
        pg_restore = postgres_tool("pg_restore")
        connections.close_all()
        env = postgres_env(connection.settings_dict)
        command = [
            pg_restore,
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            "--no-password",
            f"--dbname={connection.settings_dict['NAME']}",
            str(dump),
        ]
        run_tool(command, env=env, what="pg_restore")

    @staticmethod
    def _restore_sqlite(copy: Path) -> None:
        target = sqlite_path(connection.settings_dict)
        connections.close_all()
        target.parent.mkdir(parents=True, exist_ok=True)
        incoming = target.with_name(f".{target.name}.restoring")
        shutil.copyfile(copy, incoming)
        for suffix in ("-wal", "-shm", "-journal"):
            Path(f"{target}{suffix}").unlink(missing_ok=True)
        os.replace(incoming, target)

    @staticmethod
    def _restore_media(source: Path, media_root: Path) -> int:
        """Make ``media_root`` hold exactly the archived files (the folder itself stays, as
        it may be a mounted volume)."""
        media_root.mkdir(parents=True, exist_ok=True)
        for entry in media_root.iterdir():
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry)
            else:
                entry.unlink()
        count = 0
        if source.is_dir():
            for path in sorted(p for p in source.rglob("*") if p.is_file()):
                destination = media_root / path.relative_to(source)
                destination.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(path, destination)
                count += 1
        return count

    def _report_migrations(self, archived: dict[str, list[str]]) -> None:
        on_disk = MigrationLoader(None, ignore_no_migrations=True).disk_migrations
        in_archive = {(app, name) for app, names in archived.items() for name in names}
        newer_code = sorted(key for key in on_disk if key not in in_archive)
        if newer_code:
            self.stdout.write(
                "کد از پشتیبان تازه‌تر است؛ اجرا کنید / The code is newer than the backup; run:"
                " manage.py migrate"
            )
