"""Writes of the approved minutes' archived file (resolutions.documents.archive): storing it
when the approval commits, or on first request for minutes approved before files were
kept (or whose filing at approval failed)."""

from __future__ import annotations

import logging

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from committees.models import MeetingState, Minutes
from resolutions.documents.archive import archive_file_name, minutes_archive_render

logger = logging.getLogger(__name__)


def minutes_archive_keep(minutes_id: int) -> None:
    """Render, sign and store the file of the approved minutes ``minutes_id`` unless they
    have one (run when the approval commits)."""
    minutes = Minutes.objects.select_related("meeting").get(pk=minutes_id)
    minutes_archive_read(minutes)


class ArchivedFileMissing(Exception):
    """The minutes were filed, but their file is not in the storage any more (a media
    folder lost or restored without it). It is the only official copy: nothing else is
    made in its place; an administrator restores it from the backups."""


def minutes_archive_read(minutes: Minutes) -> bytes:
    """The archived file of approved ``minutes``, rendered, signed and kept now if they
    have none yet (minutes approved before files were kept, demo data). The file is written
    once: when two requests race, the first one stored wins and the other's copy is removed.
    """
    if minutes.archive_sha256:
        try:
            with default_storage.open(minutes.archive.name, "rb") as stored:
                return stored.read()
        except FileNotFoundError:
            logger.error(
                "The archived file %s of the approved minutes %s is missing from the storage",
                minutes.archive.name,
                minutes.pk,
            )
            raise ArchivedFileMissing(minutes.archive.name) from None
    if minutes.meeting.state != MeetingState.APPROVED or not minutes.fingerprint:
        raise ValueError("Only approved minutes have an archived file.")
    snapshot = minutes.snapshot
    if not snapshot:
        raise ValueError("Approved minutes without a snapshot cannot be archived.")
    archived = minutes_archive_render(snapshot, fingerprint=minutes.fingerprint)
    name = default_storage.save(archive_file_name(minutes), ContentFile(archived.pdf))
    # A plain UPDATE of the three columns while they are empty: the one change the freeze
    # of approved minutes allows (committees/0015).
    stored = Minutes.objects.filter(pk=minutes.pk, archive_sha256="").update(
        archive=name, archive_sha256=archived.sha256, archive_signer=archived.signer
    )
    if not stored:
        default_storage.delete(name)
        minutes.refresh_from_db(fields=["archive", "archive_sha256", "archive_signer"])
        return minutes_archive_read(minutes)
    logger.info("Archived the approved minutes %s as %s", minutes.pk, name)
    minutes.archive, minutes.archive_sha256 = name, archived.sha256
    minutes.archive_signer = archived.signer
    return archived.pdf
