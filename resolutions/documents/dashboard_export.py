"""The directives dashboard as a file (Excel or PDF), made from a user and the page's query
parameters alone, and the "dashboard_export" background job kind that makes it
(``egov_portal/jobs/runner.py``).

The page, its direct downloads and the job all build the dashboard here, so a file shows
what its user saw on the page: his own directives (``visible_directives``), the page's
filters, and the rows in the page's two sortings. Nothing here needs a request: a job has
none; a view may pass its own to the PDF for the templates' context processors.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from egov_portal.jobs import runner as jobs
from egov_portal.pdf import render_pdf
from egov_portal.selectors import slogan_for
from egov_portal.sorting import Column, Sorting
from egov_portal.text.jalali import display_short
from egov_portal.uploads import safe_download_name
from resolutions.documents.exports import dashboard_workbook, export_file_names
from resolutions.forms import DashboardFilterForm
from resolutions.permissions import reads_everything, visible_directives
from resolutions.selectors import dashboard as dashboard_selectors

PDF_TEMPLATE = "resolutions/dashboard/pdf.html"
DASHBOARD_EXPORT = "dashboard_export"

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


def figure_sortings(query: QueryDict) -> tuple[Sorting, Sorting]:
    """The agencies' table and the bodies' table sort each on its own parameter."""
    return (
        Sorting(query, FIGURE_COLUMNS, param="agency_sort"),
        Sorting(query, FIGURE_COLUMNS, param="body_sort"),
    )


def dashboard_context(user, query: QueryDict) -> dict:
    """The dashboard ``user`` sees with the query parameters ``query``: the filters form,
    the filtered directives, the (kept) figures with their rows in the page's sortings, the
    figures' definitions and today. The page shows it; the exports print it."""
    today = timezone.localdate()
    directives = visible_directives(user)
    form = DashboardFilterForm(query or None, directives=directives)
    filters = form.filters()
    filtered = dashboard_selectors.filter_directives(directives, filters, today=today)
    dashboard = dashboard_selectors.dashboard_figures_kept(
        filtered,
        scope="all" if reads_everything(user) else f"user-{user.pk}",
        filters=filters,
        today=today,
    )
    agency_sorting, body_sorting = figure_sortings(query)
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


def dashboard_xlsx(user, query: QueryDict) -> tuple[bytes, str, str]:
    """The workbook of ``user``'s dashboard with ``query``, with its ASCII and Persian file
    names (without extension)."""
    context = dashboard_context(user, query)
    content = dashboard_workbook(
        dashboard=context["dashboard"],
        directives=dashboard_selectors.directive_rows(context["filtered"]),
        filters_text=_filters_text(context["filters"], context["form"]),
        today=context["today"],
        definitions=context["definitions"],
    )
    return (content, *export_file_names(context["today"]))


def dashboard_pdf(user, query: QueryDict, *, request=None) -> tuple[bytes, str, str]:
    """The PDF of ``user``'s dashboard with ``query``, with its file names as for the
    workbook. A view passes its ``request`` (the templates then get the context processors'
    values, as a page does); a job passes none, and the document shows the same."""
    context = dashboard_context(user, query)
    pdf = render_pdf(
        PDF_TEMPLATE,
        {
            "dashboard": context["dashboard"],
            "filters_text": _filters_text(context["filters"], context["form"]),
            "generated_on": context["today"],
            "slogan": slogan_for(context["today"]),  # the slogan of the day it is made
            "definitions": context["definitions"],
        },
        request=request,
    )
    return (pdf, *export_file_names(context["today"]))


# The export formats, by the extension of their files: each ``(user, query)`` gives the
# content and its ASCII and Persian file names.
EXPORTS: dict[str, Callable[[object, QueryDict], tuple[bytes, str, str]]] = {
    "xlsx": dashboard_xlsx,
    "pdf": dashboard_pdf,
}


def _export_download_name(job) -> str:
    kind = job.params.get("format", "")
    _ascii, persian = export_file_names(timezone.localdate(job.created_at))
    return safe_download_name(persian, kind) if kind in EXPORTS else ""


def _export_breadcrumbs(job) -> list[tuple[str, str]]:
    return [(_("داشبورد پیگیری مصوبات"), reverse("resolutions:dashboard"))]


@jobs.register(
    DASHBOARD_EXPORT,
    title=gettext_lazy("تهیه خروجی داشبورد پیگیری مصوبات"),
    download_name=_export_download_name,
    breadcrumbs=_export_breadcrumbs,
)
def dashboard_export_job(job, report_progress) -> None:
    """The export as its user asked for it: his directives (``visible_directives`` of the
    job's creator), the filters and sorting of the page he was on (``params["query"]``)."""
    kind = job.params["format"]
    query = QueryDict(job.params.get("query", ""))
    report_progress(0, 1)
    content, ascii_name, _persian_name = EXPORTS[kind](job.created_by, query)
    jobs.job_save_result(job, f"{ascii_name}.{kind}", content)
    report_progress(1, 1)
