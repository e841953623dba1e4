"""Files kept for a refused form are cleaned when nobody came back for them."""

from __future__ import annotations

import io
import os
import time

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_root")]


def test_clean_upload_tmp_removes_stale_held_files_only():
    stale = default_storage.save("held/stale", ContentFile(b"%PDF-1.4 old"))
    fresh = default_storage.save("held/fresh", ContentFile(b"%PDF-1.4 new"))
    two_days_ago = time.time() - 48 * 3600
    os.utime(default_storage.path(stale), (two_days_ago, two_days_ago))
    out = io.StringIO()
    call_command("clean_upload_tmp", stdout=out)
    assert not default_storage.exists(stale)
    assert default_storage.exists(fresh)
    assert "۱ پرونده نگه‌داشته" in out.getvalue()
