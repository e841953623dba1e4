"""Agenda papers: the secretariat uploads and deletes them, the meeting's readers download.

Outsiders get 404 (the meeting's existence does not leak); readers without the
secretariat's right get 403. Uploads and deletions answer with a redirect to the meeting
page and a message, whether they succeeded or not.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST, require_safe

from committees.models import AgendaItem, Meeting, Paper
from committees.permissions import meeting_for_user, require
from committees.services.papers import paper_delete as paper_delete_service
from committees.services.papers import papers_add
from egov_portal import held_uploads
from egov_portal.text.i18n import digits
from egov_portal.uploads import file_response, kind_for_content_type, safe_download_name


def _meeting_url(meeting: Meeting) -> str:
    try:
        return reverse("committees:meeting_detail", args=[meeting.pk])
    except NoReverseMatch:
        return f"/meetings/{meeting.pk}/"


def _error_messages(request, errors) -> None:
    for message in errors:
        messages.error(request, message)


def paper_hold_key(item_pk: int) -> str:
    """The held-uploads key of an agenda item's paper form (``egov_portal.held_uploads``)."""
    return f"paper:{item_pk}"


@require_POST
def paper_add(request, item_pk: int):
    """One or several files at once, all or none. A refused upload keeps the good files on
    the server for the item's form («پرونده نگه داشته شد»), so they need not be chosen
    again; the next upload sends them with any newly chosen ones."""
    item = get_object_or_404(AgendaItem, pk=item_pk)
    meeting, access = meeting_for_user(request.user, item.meeting_id)
    require(access.manages)
    key = paper_hold_key(item.pk)
    files = held_uploads.submitted_files(request, key, "file")
    try:
        papers = papers_add(item=item, uploaded_files=files, user=request.user)
    except ValidationError as error:
        _error_messages(request, error.messages)
        if not meeting.is_frozen:
            held_uploads.hold(request, key, request.FILES.getlist("file"))
    else:
        held_uploads.release(request, key)
        if len(papers) == 1:
            message = _("پیوست «%(name)s» به «%(item)s» افزوده شد.") % {
                "name": papers[0].original_name,
                "item": item.title,
            }
        else:
            message = ngettext(
                "%(count)s پیوست به «%(item)s» افزوده شد.",
                "%(count)s پیوست به «%(item)s» افزوده شد.",
                len(papers),
            ) % {"count": digits(len(papers)), "item": item.title}
        messages.success(request, message)
    return redirect(_meeting_url(meeting) + f"#papers-{item.pk}")


@require_safe
def paper_download(request, pk: int):
    paper = get_object_or_404(
        Paper.objects.select_related("agenda_item").filter(agenda_item__removed_at__isnull=True),
        pk=pk,
    )
    meeting_for_user(request.user, paper.agenda_item.meeting_id)
    kind = kind_for_content_type(paper.content_type)
    extension = kind.extensions[0] if kind else ""
    return file_response(
        paper.file,
        download_name=safe_download_name(paper.original_name, extension),
        content_type=paper.content_type if kind else "application/octet-stream",
    )


@require_POST
def paper_delete(request, pk: int):
    paper = get_object_or_404(
        Paper.objects.select_related("agenda_item").filter(agenda_item__removed_at__isnull=True),
        pk=pk,
    )
    meeting, access = meeting_for_user(request.user, paper.agenda_item.meeting_id)
    require(access.manages)
    name = paper.original_name
    try:
        paper_delete_service(paper=paper)
    except ValidationError as error:
        _error_messages(request, error.messages)
    else:
        messages.success(request, _("پیوست «%(name)s» حذف شد.") % {"name": name})
    return redirect(_meeting_url(meeting))
