"""Files kept on the server for a form that was refused, so the user need not choose them again.

When a form with a file field is refused (a missing narrative, a wrong percentage, one bad
file among several), the page comes back with everything that was typed; the files that
passed their own checks are *held*: stored privately under ``held/`` and remembered in the
user's session for that form (``key``, e.g. ``"report:42"``). The form then lists them as
«پرونده نگه داشته شد: name — حذف»; on the next submission the held files the user kept are
added to the ones he chose, and all are released once the form is accepted.

A held file belongs to one session and one form: another user, or the same user on another
form, cannot name it. Files held longer than ``HOLD_HOURS`` are removed by
``manage.py clean_upload_tmp`` (run it from cron with the other daily commands).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from egov_portal.uploads import clean_file_name, inspect_upload

SESSION_KEY = "held_uploads"
HOLD_HOURS = 24
#: the POST fields of the form's list of held files.
KEEP_FIELD = "held_keep"
REMOVE_FIELD = "held_remove"


@dataclass(frozen=True)
class HeldFile:
    id: str
    name: str
    size: int


def _entries(request, key: str) -> list[dict]:
    return list(request.session.get(SESSION_KEY, {}).get(key, []))


def _save_entries(request, key: str, entries: list[dict]) -> None:
    held = dict(request.session.get(SESSION_KEY, {}))
    if entries:
        held[key] = entries
    else:
        held.pop(key, None)
    request.session[SESSION_KEY] = held


def held_files(request, key: str) -> list[HeldFile]:
    """The files held for the form ``key`` of this session, in the order they came."""
    return [HeldFile(e["id"], e["name"], e["size"]) for e in _entries(request, key)]


def hold(request, key: str, files) -> list[str]:
    """Keep the files of a refused submission that pass their own checks; returns the
    Persian reasons of those that do not (they are not kept)."""
    entries = _entries(request, key)
    refused: list[str] = []
    for uploaded in files:
        try:
            inspect_upload(uploaded)
        except ValidationError as error:
            refused.extend(error.messages)
            continue
        uploaded.seek(0)
        file_id = uuid.uuid4().hex
        name = clean_file_name(uploaded.name) or file_id
        path = default_storage.save(f"held/{file_id}", uploaded)
        entries.append(
            {
                "id": file_id,
                "name": name,
                "size": uploaded.size,
                "path": path,
                "content_type": getattr(uploaded, "content_type", "") or "",
                "at": timezone.now().isoformat(),
            }
        )
    _save_entries(request, key, entries)
    return refused


def apply_choices(request, key: str) -> None:
    """Forget the held files the user removed (or no longer listed) on this submission."""
    keep = set(request.POST.getlist(KEEP_FIELD)) - set(request.POST.getlist(REMOVE_FIELD))
    entries = _entries(request, key)
    for entry in entries:
        if entry["id"] not in keep:
            default_storage.delete(entry["path"])
    _save_entries(request, key, [e for e in entries if e["id"] in keep])


def kept_files(request, key: str) -> list[SimpleUploadedFile]:
    """The held files still chosen, as uploaded files the services can check and store."""
    files = []
    for entry in _entries(request, key):
        if not default_storage.exists(entry["path"]):
            continue
        with default_storage.open(entry["path"], "rb") as stored:
            content = stored.read()
        files.append(SimpleUploadedFile(entry["name"], content, entry["content_type"] or None))
    return files


def release(request, key: str) -> None:
    """The form was accepted: delete its held files."""
    for entry in _entries(request, key):
        default_storage.delete(entry["path"])
    _save_entries(request, key, [])


def submitted_files(request, key: str, field: str) -> list:
    """The files of this submission: the held ones the user kept, then the ones he chose."""
    apply_choices(request, key)
    return [*kept_files(request, key), *request.FILES.getlist(field)]


def remove_stale_held(*, older_than: timedelta | None = None) -> int:
    """Delete held files older than ``older_than`` (``HOLD_HOURS``); returns how many.
    Sessions that still name them find them gone and simply show nothing."""
    older_than = older_than or timedelta(hours=HOLD_HOURS)
    cutoff = timezone.now() - older_than
    removed = 0
    try:
        _dirs, names = default_storage.listdir("held")
    except FileNotFoundError:
        return 0
    for name in names:
        path = f"held/{name}"
        if default_storage.get_modified_time(path) < cutoff:
            default_storage.delete(path)
            removed += 1
    return removed
