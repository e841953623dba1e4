"""``manage.py restore <archive> [--yes]``: put back what ``manage.py backup`` saved.

Order of work, so that a refusal changes nothing:

1. decrypt an encrypted archive (recognised by its first line, not its name) into the
   staging folder; a wrong key or a cut, damaged piece stops the restore;
2. check the manifest's HMAC against the key derived from ``BACKUP_KEY`` or
   ``SECRET_KEY`` (an unsigned archive only with ``--accept-unsigned``); then read the
   archive member by member (regular files with safe relative names only) and check each
   against the manifest's SHA-256; any unknown, missing or altered member stops the
   restore, and so does an archive that cannot be read to its end (truncated, damaged) —
   all of these with a clear message, never a traceback;
3. refuse an archive of another database vendor;
4. ask for confirmation (``--yes`` skips it);
5. restore the database — PostgreSQL with ``pg_restore --clean --if-exists --no-owner
   --single-transaction`` into the configured database (all or nothing); SQLite by
   replacing the database file after closing every connection;
6. replace the files under ``MEDIA_ROOT`` with the archive's.

Stop the portal's processes first: a restore replaces everything they see.
"""

from __future__ import annotations

import gzip
import hmac
import json
import os
import shutil
import sys
import tarfile
import tempfile
import zlib
from pathlib import Path, PurePosixPath

from cryptography.fernet import InvalidToken
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, connections
from django.db.migrations.loader import MigrationLoader

from egov_portal.management.commands.backup import (
    DATABASE_MEMBER,
    ENCRYPTED_MAGIC,
    ENCRYPTED_PIECE,
    MANIFEST,
    MEDIA_PREFIX,
    PIECE_HEADER,
    SIGNATURE,
    TOKEN_LENGTH,
    backup_fernet,
    backup_key_name,
    is_encrypted,
    manifest_signature,
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


# What reading a cut or damaged .tar.gz raises, at whichever member it shows.
_UNREADABLE = (EOFError, zlib.error, gzip.BadGzipFile, tarfile.TarError)
# A Fernet token of one piece is about 4/3 of it; anything far longer is not ours.
_TOKEN_MAX = 2 * ENCRYPTED_PIECE


def unreadable(archive: Path, error: object) -> CommandError:
    """The one message for every archive that cannot be read to its end."""
    return CommandError(
        f"بایگانی خوانده نشد؛ ناقص یا آسیب‌دیده است: {archive} / "
        f"Cannot read the archive {archive}: it is truncated or damaged ({error})."
    )


def decrypt_file(archive: Path, target: Path) -> None:
    """Write the .tar.gz inside an encrypted ``archive`` to ``target``, checking that its
    pieces come in order, none is missing and nothing follows the last."""
    fernet = backup_fernet()
    with archive.open("rb") as source, target.open("wb") as out:
        if source.read(len(ENCRYPTED_MAGIC)) != ENCRYPTED_MAGIC:
            raise unreadable(archive, "not an encrypted backup")
        index = 0
        while True:
            prefix = source.read(TOKEN_LENGTH.size)
            if len(prefix) < TOKEN_LENGTH.size:
                raise unreadable(archive, f"the encrypted data ends after piece {index}")
            (length,) = TOKEN_LENGTH.unpack(prefix)
            if length > _TOKEN_MAX:
                raise unreadable(archive, f"piece {index + 1} has an impossible length")
            token = source.read(length)
            if len(token) < length:
                raise unreadable(archive, f"piece {index + 1} is cut off")
            try:
                piece = fernet.decrypt(token)
            except InvalidToken:
                if index == 0:
                    raise CommandError(
                        "بایگانی رمزگذاری‌شده با این کلید باز نمی‌شود؛ همان BACKUP_KEY یا "
                        "SECRET_KEY را که هنگام پشتیبان‌گیری بود تنظیم کنید. / "
                        f"The encrypted archive cannot be decrypted with the key from "
                        f"{backup_key_name()}: set the BACKUP_KEY or SECRET_KEY it was made "
                        "with (or the archive is damaged)."
                    ) from None
                raise unreadable(archive, f"piece {index + 1} is damaged") from None
            number, last = PIECE_HEADER.unpack_from(piece)
            if number != index:
                raise unreadable(archive, f"piece {index + 1} is out of order")
            out.write(piece[PIECE_HEADER.size :])
            if last:
                if source.read(1):
                    raise unreadable(archive, "data follows the last piece")
                return
            index += 1


def _check_signature(tar: tarfile.TarFile, manifest: bytes, *, accept_unsigned: bool) -> None:
    try:
        member = tar.extractfile(SIGNATURE)
    except KeyError:
        if accept_unsigned:
            return
        raise CommandError(
            "بایگانی امضا ندارد (manifest.sig)؛ اگر پیش از امضادار شدن پشتیبان‌ها ساخته "
            "شده است، با --accept-unsigned بازگردانید. / The archive is not signed (no "
            "manifest.sig); for an archive made before backups were signed, pass "
            "--accept-unsigned."
        ) from None
    try:
        document = json.load(member)
        recorded = str(document["hmac"])
    except (AttributeError, KeyError, TypeError, ValueError) as error:
        raise CommandError(
            "امضای بایگانی (manifest.sig) خوانا نیست. / The archive's manifest.sig is not valid."
        ) from error
    if not hmac.compare_digest(recorded.encode(), manifest_signature(manifest).encode()):
        made_with = document.get("key")
        raise CommandError(
            "امضای فهرست بایگانی نمی‌خواند: بایگانی دستکاری شده یا با کلید دیگری ساخته شده "
            "است؛ بازگردانی انجام نشد. / The archive's signature does not match its "
            "manifest: the archive was altered, or made with another key "
            f"(it names {made_with}, this server uses {backup_key_name()}); nothing was "
            "restored."
        )


def verified_extract(
    archive: Path, into: Path, *, accept_unsigned: bool = False, shown_as: Path | None = None
) -> dict:
    """Extract ``archive`` into ``into`` after checking its signature and every member;
    return the manifest. A cut or damaged archive gets :func:`unreadable`'s message, naming
    ``shown_as`` (the file the user gave, when ``archive`` is its decrypted copy)."""
    shown_as = shown_as or archive
    try:
        tar = tarfile.open(archive, "r:gz")  # noqa: SIM115 (closed by the with below)
    except (OSError, *_UNREADABLE) as error:
        raise unreadable(shown_as, error) from error
    try:
        with tar:
            manifest, seen = _verified_members(tar, into, accept_unsigned=accept_unsigned)
            # Read to the end: gzip checks its length and CRC only there, so an archive
            # cut a few bytes short is noticed too.
            while tar.fileobj.read(1024 * 1024):
                pass
    except _UNREADABLE as error:
        raise unreadable(shown_as, error) from error
    missing = sorted(set(manifest["files"]["members"]) - seen)
    if missing:
        raise CommandError(
            f"این اعضا در بایگانی نیستند: {', '.join(missing)} / Missing members: {missing}"
        )
    return manifest


def _verified_members(
    tar: tarfile.TarFile, into: Path, *, accept_unsigned: bool
) -> tuple[dict, set[str]]:
    try:
        raw = tar.extractfile(MANIFEST).read()
    except (KeyError, AttributeError) as error:
        raise CommandError(
            "بایگانی فهرست (manifest.json) درستی ندارد. / The archive has no valid manifest.json."
        ) from error
    _check_signature(tar, raw, accept_unsigned=accept_unsigned)
    try:
        manifest = json.loads(raw)
        expected = manifest["files"]["members"]
        if not isinstance(expected, dict):
            raise TypeError(expected)
    except (KeyError, TypeError, ValueError) as error:
        raise CommandError(
            "بایگانی فهرست (manifest.json) درستی ندارد. / The archive has no valid manifest.json."
        ) from error
    seen: set[str] = set()
    for member in tar:
        if member.name in (MANIFEST, SIGNATURE) or member.isdir():
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
    return manifest, seen


class Command(BaseCommand):
    help = (
        "بازگردانی پایگاه داده و پرونده‌ها از بایگانی manage.py backup / "
        "Restore the database and the uploaded files from a manage.py backup archive."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "archive", help="the .tar.gz (or encrypted .tar.gz.enc) written by manage.py backup"
        )
        parser.add_argument(
            "--yes", action="store_true", help="do not ask before replacing everything"
        )
        parser.add_argument(
            "--accept-unsigned",
            action="store_true",
            help="restore an archive without manifest.sig (made before backups were "
            "signed); its checksums are still checked",
        )

    def handle(self, *args, archive: str, yes: bool, accept_unsigned: bool, **options):
        vendor = supported_vendor()
        archive_path = Path(archive)
        if not archive_path.is_file():
            raise CommandError(f"بایگانی پیدا نشد: {archive} / Archive not found: {archive}")
        media_root = self._media_root()

        with tempfile.TemporaryDirectory(prefix="egov-restore-") as staging_name:
            staging = Path(staging_name) / "content"
            staging.mkdir()
            readable = archive_path
            if is_encrypted(archive_path):
                readable = Path(staging_name) / "archive.tar.gz"
                decrypt_file(archive_path, readable)
            manifest = verified_extract(
                readable, staging, accept_unsigned=accept_unsigned, shown_as=archive_path
            )
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
