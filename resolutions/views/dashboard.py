"""The directives dashboard and its Excel and PDF exports. Reads only; every figure starts
from ``visible_directives``."""

from __future__ import annotations

from types import SimpleNamespace
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from egov_portal.jobs import runner as jobs
from egov_portal.jobs.runner import job_submit
from egov_portal.pdf import pdf_response, render_pdf
from egov_portal.selectors import slogan_for
from egov_portal.sorting import Column, Sorting
from egov_portal.text.jalali import display_short
from egov_portal.uploads import safe_download_name
from resolutions.documents.exports import (
    XLSX_CONTENT_TYPE,
    dashboard_workbook,
    export_file_names,
)
from resolutions.forms import DashboardFilterForm
from resolutions.permissions import reads_everything, visible_directives
from resolutions.selectors import dashboard as dashboard_selectors


def _filters_text(
    filters: dashboard_selectors.DashboardFilters, form: DashboardFilterForm
) -> list[str]:
    """The filters in words, for the exports (so a printed table says what it counts)."""
    lines = []
    if filters.body:
        lines.append(_("رکن: %(v)s") % {"v": filters.body.name})
    if filters.agency:
        lines.append(_("دستگاه: %(v)s") % {"v": filters.agency.name})
    if filters.status:
        lines.append(_("وضعیت: %(v)s") % {"v": dict(form.fields["status"].choices)[filters.status]})
    if filters.date_from:
        lines.append(_("ابلاغ از %(v)s") % {"v": display_short(filters.date_from)})
    if filters.date_to:
        lines.append(_("ابلاغ تا %(v)s") % {"v": display_short(filters.date_to)})
    return lines or [_("همه ابلاغ‌هایی که می‌توانید ببینید")]


# The columns of a figures table, read from ``Figures``; counts sort "most first" on the
# first click. Unsorted, agencies are by name and bodies in the structure's order.
FIGURE_COLUMNS = (
    Column("name", "name"),
    *(
        Column(name, name, descending_first=True)
        for name in (
            "total",
            "waiting",
            "acknowledged",
            "in_progress",
            "reported_done",
            "verified",
            "overdue",
        )
    ),
    Column("on_time", "on_time_percent", descending_first=True),
    Column("rag", "severity", descending_first=True),
)


def figure_sortings(request) -> tuple[Sorting, Sorting]:
    """The agencies' table and the bodies' table sort each on its own parameter."""
    return (
        Sorting(request.GET, FIGURE_COLUMNS, param="agency_sort"),
        Sorting(request.GET, FIGURE_COLUMNS, param="body_sort"),
    )


def _dashboard(request):
    today = timezone.localdate()
    directives = visible_directives(request.user)
    form = DashboardFilterForm(request.GET or None, directives=directives)
    filters = form.filters()
    filtered = dashboard_selectors.filter_directives(directives, filters, today=today)
    dashboard = dashboard_selectors.dashboard_figures_kept(
        filtered,
        scope="all" if reads_everything(request.user) else f"user-{request.user.pk}",
        filters=filters,
        today=today,
    )
    agency_sorting, body_sorting = figure_sortings(request)
    # The exports list the rows in the order the page shows them.
    dashboard.agencies = agency_sorting.sort_list(dashboard.agencies)
    dashboard.bodies = body_sorting.sort_list(dashboard.bodies)
    return {
        "form": form,
        "filters": filters,
        "filtered": filtered,
        "dashboard": dashboard,
        "agency_sorting": agency_sorting,
        "body_sorting": body_sorting,
        "sortings": [agency_sorting, body_sorting],
        "today": today,
        "definitions": dashboard_selectors.figure_definitions(),
    }


@login_required
@require_safe
def dashboard(request):
    context = _dashboard(request)
    context.pop("filtered")
    context.pop("today")  # the base template shows today's Jalali date under this name
    context["querystring"] = request.GET.urlencode()
    return render(request, "resolutions/dashboard/dashboard.html", context)


def _xlsx(request) -> tuple[bytes, str, str]:
    """The workbook of the dashboard ``request`` asks for, with its ASCII and Persian
    file names (without extension)."""
    context = _dashboard(request)
    content = dashboard_workbook(
        dashboard=context["dashboard"],
        directives=dashboard_selectors.directive_rows(context["filtered"]),
        filters_text=_filters_text(context["filters"], context["form"]),
        today=context["today"],
        definitions=context["definitions"],
    )
    return (content, *export_file_names(context["today"]))


def _pdf(request) -> tuple[bytes, str, str]:
    context = _dashboard(request)
    pdf = render_pdf(
        "resolutions/dashboard/pdf.html",
        {
            "dashboard": context["dashboard"],
            "filters_text": _filters_text(context["filters"], context["form"]),
            "generated_on": context["today"],
            "slogan": slogan_for(context["today"]),  # the slogan of the day it is made
            "definitions": context["definitions"],
        },
        request=request if isinstance(request, HttpRequest) else None,
    )
    return (pdf, *export_file_names(context["today"]))


EXPORTS = {"xlsx": _xlsx, "pdf": _pdf}


@login_required
@require_safe
def dashboard_xlsx(request):
    content, ascii_name, persian_name = _xlsx(request)
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = (
        f'attachment; filename="{ascii_name}.xlsx"; '
        f"filename*=UTF-8''{quote(persian_name + '.xlsx', safe='')}"
    )
    return response


@login_required
@require_safe
def dashboard_pdf(request):
    pdf, ascii_name, _persian_name = _pdf(request)
    return pdf_response(pdf, filename=ascii_name, inline=False)


@login_required
@require_POST
def dashboard_export(request):
    """The page's export buttons: the file is made in the background (a province's ten
    years take longer than a proxy waits for a response) with the page's filters and
    sorting, for this user's own directives; the job's page offers it for download."""
    kind = request.POST.get("format", "")
    if kind not in EXPORTS:
        messages.error(request, _("قالب خروجی شناخته نیست."))
        return redirect("resolutions:dashboard")
    query = request.POST.get("query", "")[:2000]
    job = job_submit(
        kind=DASHBOARD_EXPORT, params={"format": kind, "query": query}, user=request.user
    )
    return redirect("resolutions:job_detail", pk=job.pk)


DASHBOARD_EXPORT = "dashboard_export"


def _export_download_name(job) -> str:
    kind = job.params.get("format", "")
    _ascii, persian = export_file_names(timezone.localdate(job.created_at))
    return safe_download_name(persian, kind) if kind in EXPORTS else ""


@jobs.register(
    DASHBOARD_EXPORT,
    title=gettext_lazy("تهیه خروجی داشبورد پیگیری مصوبات"),
    download_name=_export_download_name,
    breadcrumbs=lambda job: [(_("داشبورد پیگیری مصوبات"), reverse("resolutions:dashboard"))],
)
def dashboard_export_job(job, report_progress) -> None:
    """The export as its user asked for it: his directives (``visible_directives`` of the
    job's creator), the filters and sorting of the page he was on."""
    kind = job.params["format"]
    asking = SimpleNamespace(GET=QueryDict(job.params.get("query", "")), user=job.created_by)
    report_progress(0, 1)
    content, ascii_name, _persian_name = EXPORTS[kind](asking)
    jobs.job_save_result(job, f"{ascii_name}.{kind}", content)
    report_progress(1, 1)
