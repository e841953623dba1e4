"""Writes about agenda papers: adding a checked file to an agenda item, and removing it.

The file lives in private storage (``MEDIA_ROOT``) and the ``Paper`` row in the database;
neither is left without the other when a write fails. A deleted paper's file goes once
the deletion is committed.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from committees.models import AgendaItem, Meeting, MeetingState, Paper
from egov_portal.uploads import clean_file_name, inspect_upload


def _locked_meeting(meeting_id: int) -> Meeting:
    """The meeting, locked until commit so its minutes cannot be approved meanwhile."""
    return Meeting.objects.select_for_update().get(pk=meeting_id)


def _refuse_approved(meeting: Meeting) -> None:
    if meeting.state == MeetingState.APPROVED:
        raise ValidationError(
            _("صورتجلسه این جلسه تأیید شده است و پیوست‌های آن تغییر نمی‌کند."), code="frozen"
        )


@transaction.atomic
def paper_add(*, item: AgendaItem, uploaded_file, user) -> Paper:
    """Attach ``uploaded_file`` to ``item`` after checking its content, size and name."""
    _refuse_approved(_locked_meeting(item.meeting_id))
    info = inspect_upload(uploaded_file)
    original_name = clean_file_name(uploaded_file.name) or f"{_('پرونده')}.{info.extension}"
    paper = Paper(
        agenda_item=item,
        original_name=original_name,
        content_type=info.content_type,
        size=info.size,
        sha256=info.sha256,
        uploaded_by=user if user is not None and user.is_authenticated else None,
    )
    paper.file.save("upload", uploaded_file, save=False)  # the name comes from upload_to
    stored = paper.file.name
    try:
        paper.full_clean()
        paper.save()
    except BaseException:
        paper.file.storage.delete(stored)
        raise
    return paper


@transaction.atomic
def papers_add(*, item: AgendaItem, uploaded_files, user) -> list[Paper]:
    """Attach several files to ``item`` at once, or none: every file is checked before any
    is stored, and a refusal names each bad file (the view keeps the good ones for the form,
    ``egov_portal.held_uploads``)."""
    uploaded_files = list(uploaded_files)
    if not uploaded_files:
        raise ValidationError(_("پرونده‌ای انتخاب نشده است."), code="required")
    _refuse_approved(_locked_meeting(item.meeting_id))
    reasons = []
    for uploaded in uploaded_files:
        try:
            inspect_upload(uploaded)
        except ValidationError as error:
            name = clean_file_name(uploaded.name) or _("پرونده")
            reasons.extend(
                _("«%(name)s»: %(reason)s") % {"name": name, "reason": message}
                for message in error.messages
            )
        uploaded.seek(0)
    if reasons:
        raise ValidationError(reasons, code="file_refused")
    added: list[Paper] = []
    try:
        for uploaded in uploaded_files:
            added.append(paper_add(item=item, uploaded_file=uploaded, user=user))
    except BaseException:
        for paper in added:
            paper.file.storage.delete(paper.file.name)
        raise
    return added


@transaction.atomic
def paper_delete(*, paper: Paper) -> None:
    """Remove ``paper``; its file is deleted from storage once the deletion is committed."""
    _refuse_approved(_locked_meeting(paper.agenda_item.meeting_id))
    storage, stored = paper.file.storage, paper.file.name
    paper.delete()
    if stored:
        transaction.on_commit(lambda: storage.delete(stored))
