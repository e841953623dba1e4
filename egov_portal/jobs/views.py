"""A background job's pages: its progress (HTML and JSON) and its result, for the user who
started it (and administrators). What the page says of the job — its title, the file name
of its result, the links back — comes from the app that registered its kind."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from egov_portal.jobs.runner import kind_of
from egov_portal.models import Job, JobState
from egov_portal.uploads import file_response, safe_download_name


def _job_for_user(request, pk) -> Job:
    """The job if the user started it (or is an administrator); 404 otherwise."""
    job = Job.objects.filter(pk=pk).first()
    if job is None or not (job.created_by_id == request.user.pk or request.user.is_superuser):
        raise Http404
    return job


def _url(request, name: str, job: Job) -> str:
    """A job URL in the namespace the request came through (the pages are mounted by the
    app whose jobs they show)."""
    namespace = request.resolver_match.namespace
    return reverse(f"{namespace}:{name}" if namespace else name, args=[job.pk])


def _status(request, job: Job) -> dict:
    return {
        "state": job.state,
        "state_label": job.get_state_display(),
        "progress": job.progress,
        "done": job.done,
        "total": job.total,
        "finished": job.is_finished,
        "error": job.error,
        "download_url": (
            _url(request, "job_download", job) if job.state == JobState.DONE and job.result else ""
        ),
    }


@login_required
@require_safe
@never_cache
def job_detail(request, pk):
    job = _job_for_user(request, pk)
    kind = kind_of(job)
    return render(
        request,
        "egov_portal/jobs/job_detail.html",
        {
            "job": job,
            "title": (kind.title if kind else "") or _("تهیه پرونده"),
            "breadcrumbs": kind.breadcrumbs(job) if kind and kind.breadcrumbs else [],
            "status": _status(request, job),
            "status_url": _url(request, "job_status", job),
            "download_url": _url(request, "job_download", job),
            # The bar's width as a class in steps of five (no style attributes).
            "width_step": job.progress // 5 * 5,
        },
    )


@login_required
@require_safe
@never_cache
def job_status(request, pk):
    return JsonResponse(_status(request, _job_for_user(request, pk)))


@login_required
@require_safe
def job_download(request, pk):
    job = _job_for_user(request, pk)
    if job.state != JobState.DONE or not job.result:
        raise Http404
    kind = kind_of(job)
    name = kind.download_name(job) if kind and kind.download_name else ""
    return file_response(
        job.result,
        download_name=name or safe_download_name(_("نتیجه"), "pdf"),
        content_type="application/pdf",
    )
