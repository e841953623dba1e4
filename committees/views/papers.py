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
from django.views.decorators.http import require_POST, require_safe

from committees.forms import PaperUploadForm
from committees.models import AgendaItem, Meeting, Paper
from committees.permissions import meeting_for_user, require
from committees.services.papers import paper_add as paper_add_service
from committees.services.papers import paper_delete as paper_delete_service
from egov_portal.uploads import file_response, kind_for_content_type, safe_download_name


def _meeting_url(meeting: Meeting) -> str:
    try:
        return reverse("committees:meeting_detail", args=[meeting.pk])
    except NoReverseMatch:
        return f"/meetings/{meeting.pk}/"


def _error_messages(request, errors) -> None:
    for message in errors:
        messages.error(request, message)


@require_POST
def paper_add(request, item_pk: int):
    item = get_object_or_404(AgendaItem, pk=item_pk)
    meeting, access = meeting_for_user(request.user, item.meeting_id)
    require(access.manages)
    form = PaperUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        _error_messages(request, form.errors.get("file", []))
        return redirect(_meeting_url(meeting))
    try:
        paper = paper_add_service(
            item=item, uploaded_file=form.cleaned_data["file"], user=request.user
        )
    except ValidationError as error:
        _error_messages(request, error.messages)
    else:
        messages.success(
            request,
            _("پیوست «%(name)s» به «%(item)s» افزوده شد.")
            % {"name": paper.original_name, "item": item.title},
        )
    return redirect(_meeting_url(meeting))


@require_safe
def paper_download(request, pk: int):
    paper = get_object_or_404(Paper.objects.select_related("agenda_item"), pk=pk)
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
    paper = get_object_or_404(Paper.objects.select_related("agenda_item"), pk=pk)
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
