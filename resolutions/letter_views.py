"""Directive letters: one agency's letter as PDF; all of a meeting's letters in one PDF made
in the background, with the job's page, its progress (JSON) and its download."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from committees.models import Meeting
from committees.permissions import meeting_for_user, require
from egov_portal.jobs import job_submit
from egov_portal.models import Job, JobState
from egov_portal.pdf import pdf_response
from egov_portal.uploads import file_response, safe_download_name
from resolutions.letters import (
    MEETING_LETTERS,
    body_title,
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
            "body_title": body_title(meeting.body),
            "directives": directives,
            "recent": recent,
        },
    )


def _job_for_user(request, pk) -> Job:
    """The job if the user started it (or is an administrator); 404 otherwise."""
    job = Job.objects.filter(pk=pk).first()
    if job is None or not (job.created_by_id == request.user.pk or request.user.is_superuser):
        raise Http404
    return job


def _status(job: Job) -> dict:
    return {
        "state": job.state,
        "state_label": job.get_state_display(),
        "progress": job.progress,
        "done": job.done,
        "total": job.total,
        "finished": job.is_finished,
        "error": job.error,
        "download_url": (
            reverse("resolutions:job_download", args=[job.pk])
            if job.state == JobState.DONE and job.result
            else ""
        ),
    }


@login_required
@require_safe
@never_cache
def job_detail(request, pk):
    job = _job_for_user(request, pk)
    meeting_pk = job.params.get("meeting") if job.kind == MEETING_LETTERS else None
    return render(
        request,
        "resolutions/letters/job_detail.html",
        {
            "job": job,
            "status": _status(job),
            # The bar's width as a class in steps of five (no style attributes).
            "width_step": job.progress // 5 * 5,
            "meeting_pk": meeting_pk,
        },
    )


@login_required
@require_safe
@never_cache
def job_status(request, pk):
    return JsonResponse(_status(_job_for_user(request, pk)))


@login_required
@require_safe
def job_download(request, pk):
    job = _job_for_user(request, pk)
    if job.state != JobState.DONE or not job.result:
        raise Http404
    return file_response(
        job.result, download_name=_download_name(job), content_type="application/pdf"
    )


def _download_name(job: Job) -> str:
    """«نامه‌های ابلاغ جلسه ششم کارگروه … .pdf» for a meeting's letters."""
    meeting = None
    if job.kind == MEETING_LETTERS:
        meeting = (
            Meeting.objects.select_related("body").filter(pk=job.params.get("meeting")).first()
        )
    if meeting is None:
        return safe_download_name(_("نتیجه"), "pdf")
    name = _("نامه‌های ابلاغ %(meeting)s %(body)s") % {
        "meeting": meeting.title,
        "body": body_title(meeting.body),
    }
    return safe_download_name(name, "pdf")
