"""Large uploads go to the portal's own temporary directory, and what killed workers leave
there is cleaned by ``manage.py clean_upload_tmp``."""

from __future__ import annotations

import io
import os
import stat
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from django.core.files.uploadedfile import (
    InMemoryUploadedFile,
    SimpleUploadedFile,
    TemporaryUploadedFile,
)
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import RequestFactory

from egov_portal.uploads import ShortNameTemporaryFileUploadHandler

ROOT = Path(__file__).resolve().parent.parent
MB = 1024 * 1024
HOUR = 60 * 60


@pytest.fixture
def upload_dir(settings, tmp_path) -> Path:
    """A temporary-upload directory that does not exist yet."""
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path / "state" / "upload-tmp")
    return Path(settings.FILE_UPLOAD_TEMP_DIR)


def _posted_file(size: int):
    upload = SimpleUploadedFile("گزارش.pdf", b"%PDF-" + b"x" * size, "application/pdf")
    return RequestFactory().post("/", {"evidence": upload}).FILES["evidence"]


def test_a_large_upload_is_written_to_the_portals_own_directory(upload_dir):
    upload = _posted_file(MB + 1)
    assert isinstance(upload, TemporaryUploadedFile)
    assert Path(upload.temporary_file_path()).parent == upload_dir
    # Made on first use, for the portal's user alone.
    assert stat.S_IMODE(upload_dir.stat().st_mode) & 0o077 == 0
    upload.close()
    assert list(upload_dir.iterdir()) == []


def test_a_request_up_to_one_megabyte_keeps_its_file_in_memory(upload_dir):
    assert isinstance(_posted_file(MB // 2), InMemoryUploadedFile)
    assert not upload_dir.exists()


def _settings_of(env: dict[str, str]) -> list[str]:
    code = (
        "from django.conf import settings as s; "
        "print(s.FILE_UPLOAD_TEMP_DIR); print(s.FILE_UPLOAD_MAX_MEMORY_SIZE)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        env={
            "PATH": "/usr/bin:/bin",
            "DEBUG": "1",
            "DJANGO_SETTINGS_MODULE": "egov_portal.settings",
            **env,
        },
        capture_output=True,
        text=True,
        cwd=str(ROOT),
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.split()


def test_the_directory_is_beside_media_root_unless_set():
    assert _settings_of({"MEDIA_ROOT": "/var/lib/egov-portal/media"}) == [
        "/var/lib/egov-portal/upload-tmp",
        str(MB),
    ]
    env = {"MEDIA_ROOT": "/srv/media", "FILE_UPLOAD_TEMP_DIR": "/var/tmp/egov-uploads"}
    assert _settings_of(env)[0] == "/var/tmp/egov-uploads"
    assert _settings_of({})[0] != tempfile.gettempdir()


def test_start_up_makes_the_directory_that_djangos_check_requires(tmp_path):
    target = tmp_path / "state" / "upload-tmp"
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        env={
            "PATH": "/usr/bin:/bin",
            "DEBUG": "1",
            "DJANGO_SETTINGS_MODULE": "egov_portal.settings",
            "FILE_UPLOAD_TEMP_DIR": str(target),
        },
        capture_output=True,
        text=True,
        cwd=str(ROOT),
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr  # no files.E001
    assert target.is_dir()
    assert stat.S_IMODE(target.stat().st_mode) & 0o077 == 0


def _left_behind(upload_dir: Path, *, hours_ago: float) -> Path:
    """The temporary file of an upload whose worker was killed ``hours_ago``."""
    handler = ShortNameTemporaryFileUploadHandler()
    handler.new_file("evidence", "گزارش.pdf", "application/pdf", 2 * MB)
    handler.receive_data_chunk(b"%PDF-1.4 half of it", 0)
    path = Path(handler.file.temporary_file_path())
    # A killed worker never closes (and so never deletes) it: keep it from being collected.
    os.link(path, path.with_name(path.name + ".kept"))
    handler.file.close()
    os.rename(path.with_name(path.name + ".kept"), path)
    then = time.time() - hours_ago * HOUR
    os.utime(path, (then, then))
    return path


def _clean(*args: str) -> str:
    out = io.StringIO()
    call_command("clean_upload_tmp", *args, stdout=out)
    return out.getvalue()


def test_clean_upload_tmp_removes_only_stale_upload_files(upload_dir):
    stale = _left_behind(upload_dir, hours_ago=30)
    recent = _left_behind(upload_dir, hours_ago=2)  # perhaps a request still being read
    other = upload_dir / "notes.txt"  # not Django's: a directory shared by mistake
    other.write_text("keep")
    old = time.time() - 100 * HOUR
    os.utime(other, (old, old))
    folder = upload_dir / "tmpabcdefgh.upload"
    folder.mkdir()
    os.utime(folder, (old, old))

    out = _clean()

    assert not stale.exists()
    assert recent.exists() and other.exists() and folder.exists()
    assert "۱ پرونده موقت کهنه‌تر از ۲۴ ساعت" in out
    assert str(upload_dir) in out


def test_clean_upload_tmp_takes_the_age_in_hours(upload_dir):
    recent = _left_behind(upload_dir, hours_ago=2)
    assert "۰ پرونده" in _clean("--hours", "3")
    assert recent.exists()
    assert "۱ پرونده" in _clean("--hours", "1")
    assert not recent.exists()


def test_clean_upload_tmp_refuses_less_than_an_hour(upload_dir):
    recent = _left_behind(upload_dir, hours_ago=0.1)
    with pytest.raises(CommandError, match="دست‌کم ۱"):
        _clean("--hours", "0")
    assert recent.exists()


def test_clean_upload_tmp_without_the_directory_removes_nothing(upload_dir):
    assert "۰ پرونده" in _clean()
    assert not upload_dir.exists()
