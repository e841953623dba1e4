"""Directive letters: one agency's letter as PDF, and all of a meeting's letters in one PDF
made by a background job (whose pages are ``egov_portal.jobs.views``)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from committees.models import Meeting
from committees.permissions import meeting_for_user, require
from egov_portal.jobs.runner import job_submit
from egov_portal.models import Job
from egov_portal.pdf import pdf_response
from resolutions.documents.letters import (
    MEETING_LETTERS,
    directive_queryset,
    letter_pdf,
    meeting_directives,
)
from resolutions.permissions import directive_for_user, reads_everything

# How many of his earlier files for the meeting a user sees on the letters page.
RECENT_JOBS = 5


@login_required
@require_safe
def directive_letter(request, pk: int):
    """The letter of one directive, for whoever may read the directive."""
    directive, _access = directive_for_user(request.user, pk, queryset=directive_queryset())
    return pdf_response(letter_pdf(directive, request=request), filename=f"letter-{directive.pk}")


def _letters_meeting(request, pk: int) -> Meeting:
    """The meeting if the user is its body's secretariat, the governor's office or an
    administrator; 403 for other readers of the meeting, 404 for everyone else."""
    meeting, access = meeting_for_user(
        request.user, pk, queryset=Meeting.objects.select_related("body")
    )
    require(access.secretariat or reads_everything(request.user))
    return meeting


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def meeting_letters(request, pk: int):
    meeting = _letters_meeting(request, pk)
    directives = list(meeting_directives(meeting))
    if request.method == "POST":
        if not directives:
            messages.error(request, _("این جلسه ابلاغی ندارد که نامه‌اش تهیه شود."))
            return redirect("resolutions:meeting_letters", pk=meeting.pk)
        job = job_submit(kind=MEETING_LETTERS, params={"meeting": meeting.pk}, user=request.user)
        return redirect("resolutions:job_detail", pk=job.pk)
    recent = list(
        Job.objects.filter(
            kind=MEETING_LETTERS, params__meeting=meeting.pk, created_by=request.user
        )
        .only("id", "state", "progress", "created_at", "finished_at", "result")
        .order_by("-created_at")[:RECENT_JOBS]
    )
    return render(
        request,
        "resolutions/letters/meeting_letters.html",
        {
            "meeting": meeting,
            "body": meeting.body,
            "body_title": meeting.body.full_title,
            "directives": directives,
            "recent": recent,
        },
    )
