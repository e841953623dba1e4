"""The directives dashboard and its Excel and PDF exports. Reads only; every figure starts
from ``visible_directives``. The dashboard and its files are made in
``resolutions.documents.dashboard_export`` from the user and the query parameters, so the
background job makes the same files without a request."""

from __future__ import annotations

from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from egov_portal.jobs.runner import job_submit
from egov_portal.pdf import pdf_response
from resolutions.documents import dashboard_export as export
from resolutions.documents.exports import XLSX_CONTENT_TYPE


@login_required
@require_safe
def dashboard(request):
    context = export.dashboard_context(request.user, request.GET)
    context.pop("filtered")
    context.pop("today")  # the base template shows today's Jalali date under this name
    context["querystring"] = request.GET.urlencode()
    return render(request, "resolutions/dashboard/dashboard.html", context)


@login_required
@require_safe
def dashboard_xlsx(request):
    content, ascii_name, persian_name = export.dashboard_xlsx(request.user, request.GET)
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = (
        f'attachment; filename="{ascii_name}.xlsx"; '
        f"filename*=UTF-8''{quote(persian_name + '.xlsx', safe='')}"
    )
    return response


@login_required
@require_safe
def dashboard_pdf(request):
    pdf, ascii_name, _persian_name = export.dashboard_pdf(
        request.user, request.GET, request=request
    )
    return pdf_response(pdf, filename=ascii_name, inline=False)


@login_required
@require_POST
def dashboard_export(request):
    """The page's export buttons: the file is made in the background (a province's ten
    years take longer than a proxy waits for a response) with the page's filters and
    sorting, for this user's own directives; the job's page offers it for download."""
    kind = request.POST.get("format", "")
    if kind not in export.EXPORTS:
        messages.error(request, _("قالب خروجی شناخته نیست."))
        return redirect("resolutions:dashboard")
    query = request.POST.get("query", "")[:2000]
    job = job_submit(
        kind=export.DASHBOARD_EXPORT, params={"format": kind, "query": query}, user=request.user
    )
    return redirect("resolutions:job_detail", pk=job.pk)
