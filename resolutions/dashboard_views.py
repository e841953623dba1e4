"""The directives dashboard and its Excel and PDF exports, the register of resolutions and
the public page of resolutions marked public. Reads only; every directive figure starts
from ``visible_directives(user)``."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe

from committees.models import Body
from egov_portal.collation import persian_order
from egov_portal.forms import JalaliDateField, StyledFormMixin
from egov_portal.jalali import display_short
from egov_portal.pdf import pdf_response, render_pdf
from egov_portal.sorting import Column, Sorting
from members.models import Agency
from resolutions import dashboard_selectors as selectors
from resolutions.exports import XLSX_CONTENT_TYPE, dashboard_workbook
from resolutions.models import DirectiveState, ResolutionKind
from resolutions.permissions import visible_directives

REGISTER_PER_PAGE = 25
PUBLIC_PER_PAGE = 20
MAX_QUERY = 100


class _PeriodForm(StyledFormMixin, forms.Form):
    """A GET filter form with a Jalali period («از» / «تا», any digits)."""

    date_from = JalaliDateField(label=gettext_lazy("از تاریخ"), required=False)
    date_to = JalaliDateField(label=gettext_lazy("تا تاریخ"), required=False)

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("پایان دوره پیش از آغاز آن است."))
        return data

    def valid_data(self) -> dict:
        """The fields that were valid (an invalid one is shown with its error and ignored)."""
        if not self.is_bound:
            return {}
        self.is_valid()
        return self.cleaned_data

    @staticmethod
    def gregorian(day):
        """The Gregorian date of a Jalali form value: the period's explicit bounds."""
        return day.togregorian() if day else None


class DashboardFilterForm(_PeriodForm):
    body = forms.ModelChoiceField(
        label=gettext_lazy("رکن"),
        queryset=Body.objects.none(),
        required=False,
        empty_label=gettext_lazy("همه ارکان"),
    )
    agency = forms.ModelChoiceField(
        label=gettext_lazy("دستگاه"),
        queryset=Agency.objects.none(),
        required=False,
        empty_label=gettext_lazy("همه دستگاه‌ها"),
    )
    status = forms.ChoiceField(label=gettext_lazy("وضعیت"), required=False)

    field_order = ["body", "agency", "status", "date_from", "date_to"]

    def __init__(self, *args, directives, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body"].queryset = Body.objects.filter(
            pk__in=directives.values("body_id")
        ).order_by("order", "pk")
        self.fields["agency"].queryset = Agency.objects.filter(
            pk__in=directives.values("agency_id")
        ).order_by(persian_order("name"))
        self.fields["status"].choices = [
            ("", _("همه وضعیت‌ها")),
            (selectors.STATUS_OPEN, _("باز (هنوز انجام نشده)")),
            (selectors.STATUS_OVERDUE, _("معوق")),
            *DirectiveState.choices,
        ]
        self.fields["date_from"].label = _("ابلاغ از تاریخ")

    def filters(self) -> selectors.DashboardFilters:
        data = self.valid_data()
        return selectors.DashboardFilters(
            body=data.get("body"),
            agency=data.get("agency"),
            status=data.get("status") or "",
            date_from=self.gregorian(data.get("date_from")),
            date_to=self.gregorian(data.get("date_to")),
        )


class RegisterFilterForm(_PeriodForm):
    q = forms.CharField(label=gettext_lazy("جستجو در متن"), required=False, max_length=MAX_QUERY)
    body = forms.ModelChoiceField(
        label=gettext_lazy("رکن"),
        queryset=Body.objects.none(),
        required=False,
        empty_label=gettext_lazy("همه ارکان"),
    )
    kind = forms.ChoiceField(label=gettext_lazy("نوع"), required=False)
    public = forms.ChoiceField(
        label=gettext_lazy("انتشار"),
        required=False,
        choices=[
            ("", gettext_lazy("عمومی و غیرعمومی")),
            ("yes", gettext_lazy("عمومی")),
            ("no", gettext_lazy("غیرعمومی")),
        ],
    )

    field_order = ["q", "body", "kind", "public", "date_from", "date_to"]

    def __init__(self, *args, resolutions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body"].queryset = Body.objects.filter(
            pk__in=resolutions.values("meeting__body_id")
        ).order_by("order", "pk")
        self.fields["kind"].choices = [("", _("همه انواع")), *ResolutionKind.choices]
        self.fields["date_from"].label = _("جلسه از تاریخ")
        self.fields["q"].widget.attrs.update(type="search", placeholder=_("بخشی از متن مصوبه…"))

    def filters(self) -> selectors.RegisterFilters:
        data = self.valid_data()
        public = {"yes": True, "no": False}.get(data.get("public") or "")
        return selectors.RegisterFilters(
            body=data.get("body"),
            kind=data.get("kind") or "",
            date_from=self.gregorian(data.get("date_from")),
            date_to=self.gregorian(data.get("date_to")),
            public=public,
            query=(data.get("q") or "")[:MAX_QUERY],
        )


def _filters_text(filters: selectors.DashboardFilters, form: DashboardFilterForm) -> list[str]:
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
    filtered = selectors.filter_directives(directives, filters, today=today)
    dashboard = selectors.dashboard_figures(filtered, today=today)
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
        "thresholds": {
            "red": round(selectors.RED_ON_TIME_BELOW * 100),
            "amber": round(selectors.AMBER_ON_TIME_BELOW * 100),
            "days": selectors.ACKNOWLEDGE_WITHIN_DAYS,
        },
    }


@login_required
@require_safe
def dashboard(request):
    context = _dashboard(request)
    context.pop("filtered")
    context.pop("today")  # the base template shows today's Jalali date under this name
    context["querystring"] = request.GET.urlencode()
    return render(request, "resolutions/dashboard/dashboard.html", context)


@login_required
@require_safe
def dashboard_xlsx(request):
    context = _dashboard(request)
    content = dashboard_workbook(
        dashboard=context["dashboard"],
        directives=selectors.directive_rows(context["filtered"]),
        filters_text=_filters_text(context["filters"], context["form"]),
        today=context["today"],
    )
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = (
        f'attachment; filename="dashboard-{context["today"].isoformat()}.xlsx"'
    )
    return response


@login_required
@require_safe
def dashboard_pdf(request):
    context = _dashboard(request)
    pdf = render_pdf(
        "resolutions/dashboard/pdf.html",
        {
            "dashboard": context["dashboard"],
            "filters_text": _filters_text(context["filters"], context["form"]),
            "generated_on": context["today"],
            "thresholds": context["thresholds"],
        },
        request=request,
    )
    return pdf_response(pdf, filename=f"dashboard-{context['today'].isoformat()}", inline=False)


def register_sorting(request) -> Sorting:
    """By the meeting's date (newest first unless asked) or by how far the directives of a
    resolution are behind; resolutions of one meeting stay in abjad order."""
    return Sorting(
        request.GET,
        [
            Column("meeting", "meeting__starts_at", "meeting_id"),
            Column(
                "status",
                *selectors.register_status_order(today=timezone.localdate()),
                descending_first=True,
            ),
        ],
        default="-meeting",
        tiebreak=("-meeting__starts_at", "-meeting_id", "order", "pk"),
    )


@login_required
@require_safe
def register(request):
    resolutions = selectors.register_resolutions(request.user)
    form = RegisterFilterForm(request.GET or None, resolutions=resolutions)
    filters = form.filters()
    sorting = register_sorting(request)
    rows = sorting.apply(
        selectors.resolution_page_rows(selectors.filter_resolutions(resolutions, filters))
    )
    page = Paginator(rows, REGISTER_PER_PAGE).get_page(request.GET.get("page"))
    page.object_list = selectors.attach_status(page.object_list)
    return render(
        request,
        "resolutions/register/register.html",
        {
            "form": form,
            "filters": filters,
            "page_obj": page,
            "search_window": selectors.SEARCH_WINDOW,
            "states": DirectiveState,
            "sorting": sorting,
            "sortings": [sorting],
        },
    )


@require_safe
def public_resolutions(request):
    rows = selectors.resolution_page_rows(selectors.public_resolutions())
    page = Paginator(rows, PUBLIC_PER_PAGE).get_page(request.GET.get("page"))
    page.object_list = selectors.attach_status(page.object_list)
    return render(request, "resolutions/public/resolutions.html", {"page_obj": page})
