"""The directive inbox, the directive page and the follow-up actions on it.

Every read goes through ``visible_directives`` / ``directive_for_user`` (404 for those who
may not read a directive); every write is a service of ``resolutions.directives`` that
refuses with a Persian message and changes nothing.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import BooleanField, Case, F, IntegerField, QuerySet, Value, When
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from committees.permissions import require
from egov_portal import held_uploads
from egov_portal.forms import run_service
from egov_portal.pagination import TwoStepPaginator
from egov_portal.sorting import Column, Sorting, choice_rank
from egov_portal.text.collation import persian_order
from egov_portal.text.i18n import digits
from egov_portal.uploads import file_response, kind_for_content_type, safe_download_name
from egov_portal.views import report_form_errors, run_action
from members.models import Agency
from resolutions.forms import CancelForm, InboxFilterForm, ProgressReportForm, ReturnForm
from resolutions.models import OPEN_STATES, Directive, DirectiveState, Evidence, overdue_q
from resolutions.permissions import directive_for_user, visible_directives
from resolutions.services import directives as follow
from resolutions.services.directives import REPORTABLE

PAGE_SIZE = 25


def progress_step(percent: int) -> int:
    """The progress rounded down to a step of ten, for the ``w-progress-N`` CSS classes."""
    return max(0, min(100, (int(percent or 0) // 10) * 10))


@dataclass(frozen=True)
class DirectiveRow:
    directive: Directive
    overdue: bool

    @property
    def progress_class(self) -> str:
        return f"w-progress-{progress_step(self.directive.progress)}"


def inbox_order(directives: QuerySet[Directive], *, today: datetime.date) -> QuerySet[Directive]:
    """Unacknowledged first, then the open ones by due date, then the closed ones (newest
    first), with what a row shows (one query for a page, however many rows)."""
    bucket = Case(
        When(state=DirectiveState.ISSUED, then=Value(0)),
        When(state__in=OPEN_STATES, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    return (
        directives.select_related("agency", "body", "resolution__meeting__body")
        .annotate(
            bucket=bucket,
            overdue=Case(
                When(overdue_q(today), then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            ),
        )
        .order_by("bucket", F("due_date").asc(nulls_last=True), "-issued_on", "-sequence", "pk")
    )


def inbox_sorting(request) -> Sorting:
    """Letter (by date of issue), resolution, agency, state, deadline, progress; unsorted,
    the inbox order of ``inbox_order``."""
    return Sorting(
        request.GET,
        [
            Column("letter", "issued_on", "sequence"),
            Column("resolution", "resolution__meeting__starts_at", "resolution__order"),
            Column("agency", "agency__name"),
            Column("state", choice_rank("state", DirectiveState)),
            Column("due", F("due_date").asc(nulls_last=True)),
            Column("progress", "progress", descending_first=True),
        ],
        tiebreak=("-issued_on", "-sequence", "pk"),
    )


@login_required
@require_safe
def inbox(request):
    today = timezone.localdate()
    visible = visible_directives(request.user)
    sorting = inbox_sorting(request)
    directives = sorting.apply(inbox_order(visible, today=today))
    agencies = Agency.objects.filter(pk__in=visible.values("agency_id")).order_by(
        persian_order("name")
    )
    form = InboxFilterForm(request.GET or None, agencies=agencies)
    filtered = False
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        if data["state"]:
            directives = directives.filter(state=data["state"])
            filtered = True
        if data["agency"]:
            directives = directives.filter(agency=data["agency"])
            filtered = True
        if data["overdue"]:
            directives = directives.overdue_on(today)
            filtered = True
    page = TwoStepPaginator(directives, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [DirectiveRow(d, d.overdue) for d in page.object_list]
    return render(
        request,
        "resolutions/inbox/inbox.html",
        {
            "form": form,
            "page_obj": page,
            "rows": rows,
            "filtered": filtered or (form.is_bound and not form.is_valid()),
            "sorting": sorting,
        },
    )


def _detail_queryset() -> QuerySet[Directive]:
    return Directive.objects.select_related(
        "agency",
        "body__legal_basis",
        "resolution__meeting__body",
        "acknowledged_by",
        "verified_by",
        "superseded_by__meeting__body",
    )


@login_required
@require_safe
def directive_detail(request, pk: int):
    directive, access = directive_for_user(request.user, pk, queryset=_detail_queryset())
    return _detail_page(request, directive, access)


def _report_key(directive: Directive) -> str:
    return f"report:{directive.pk}"


def _detail_page(
    request,
    directive: Directive,
    access,
    *,
    report_form=None,
    return_form=None,
    cancel_form=None,
    status: int = 200,
):
    """The directive page; a refused report comes back here with what was typed and the
    files kept on the server (``egov_portal.held_uploads``)."""
    today = timezone.localdate()
    body = directive.body
    reports = list(
        directive.reports.select_related("created_by")
        .prefetch_related("evidence")
        .order_by("-created_at", "-pk")
    )
    events = list(directive.events.select_related("actor").order_by("at", "pk"))
    state = directive.state
    context = {
        "directive": directive,
        "row": DirectiveRow(directive, directive.is_overdue_on(today)),
        "resolution": directive.resolution,
        "meeting": directive.resolution.meeting,
        "body": body,
        "legal_chain": body.legal_chain(),
        "reports": reports,
        "events": events,
        "access": access,
        "can_acknowledge": access.agency_manager and state == DirectiveState.ISSUED,
        "can_report": access.agency_manager and state in REPORTABLE,
        "can_verify": access.secretariat and state == DirectiveState.REPORTED_DONE,
        "can_cancel": access.secretariat and directive.is_open,
        "report_form": report_form or ProgressReportForm(initial={"percent": directive.progress}),
        "held_files": held_uploads.held_files(request, _report_key(directive)),
        "return_form": return_form or ReturnForm(),
        "cancel_form": cancel_form or CancelForm(),
    }
    # A refusal of a form the page no longer offers (a report once the directive left the
    # reportable states) is said as a message, since the form is not there to show it.
    for form, shown in (
        (report_form, context["can_report"]),
        (return_form, context["can_verify"]),
        (cancel_form, context["can_cancel"]),
    ):
        if form is not None and form.errors and not shown:
            report_form_errors(request, form)
    return render(request, "resolutions/inbox/directive_detail.html", context, status=status)


# --- actions --------------------------------------------------------------------------------


def _back(directive: Directive):
    return redirect("resolutions:directive_detail", pk=directive.pk)


@login_required
@require_POST
def directive_acknowledge(request, pk: int):
    directive, access = directive_for_user(request.user, pk)
    require(access.agency_manager)
    number = digits(directive.letter_number)
    if directive.acknowledged_at is not None:
        messages.info(request, _("رسید ابلاغ %(number)s پیش‌تر ثبت شده بود.") % {"number": number})
        return _back(directive)
    run_action(
        request,
        lambda: follow.directive_acknowledge(directive=directive, user=request.user),
        _("رسید ابلاغ %(number)s ثبت شد.") % {"number": number},
    )
    return _back(directive)


@login_required
@require_POST
def directive_report(request, pk: int):
    directive, access = directive_for_user(request.user, pk, queryset=_detail_queryset())
    require(access.agency_manager)
    key = _report_key(directive)
    form = ProgressReportForm(request.POST, request.FILES)
    files = held_uploads.submitted_files(request, key, "evidence")
    checked_by_service = form.is_valid()
    if checked_by_service:
        final = form.cleaned_data["final"]
        report = run_service(
            form,
            lambda: follow.progress_report_add(
                directive=directive,
                user=request.user,
                percent=form.cleaned_data["percent"],
                narrative=form.cleaned_data["narrative"],
                files=files,
                final=final,
            ),
        )
        if report is not None:
            held_uploads.release(request, key)
            messages.success(
                request,
                _("گزارش انجام ثبت شد و برای تأیید به دبیرخانه رفت.")
                if final
                else _("گزارش پیشرفت ثبت شد."),
            )
            return _back(directive)
    # Refused: nothing was stored; the page comes back with the text and the good files
    # (the service has already named a bad file; the form's own refusal has not).
    refused_files = held_uploads.hold(request, key, request.FILES.getlist("evidence"))
    if not checked_by_service:
        for reason in refused_files:
            form.add_error("evidence", reason)
    return _detail_page(request, directive, access, report_form=form)


@login_required
@require_POST
def directive_verify(request, pk: int):
    directive, access = directive_for_user(request.user, pk)
    require(access.secretariat)
    run_action(
        request,
        lambda: follow.directive_verify(directive=directive, user=request.user),
        _("انجام ابلاغ تأیید شد."),
    )
    return _back(directive)


def _secretariat_form(request, pk: int, *, form_class, field: str, service, argument, done):
    """A secretariat step that takes a reason (return, cancel): run ``service`` with the
    form's ``argument``; refused, the page comes back with the form open and what was typed
    (``field`` names the form in the page's context)."""
    directive, access = directive_for_user(request.user, pk, queryset=_detail_queryset())
    require(access.secretariat)
    form = form_class(request.POST)
    if form.is_valid() and run_service(
        form,
        lambda: service(
            directive=directive, user=request.user, **{argument: form.cleaned_data[argument]}
        ),
    ):
        messages.success(request, done)
        return _back(directive)
    return _detail_page(request, directive, access, **{field: form})


@login_required
@require_POST
def directive_return(request, pk: int):
    return _secretariat_form(
        request,
        pk,
        form_class=ReturnForm,
        field="return_form",
        service=follow.directive_return,
        argument="comment",
        done=_("ابلاغ برای تکمیل به دستگاه برگشت."),
    )


@login_required
@require_POST
def directive_cancel(request, pk: int):
    return _secretariat_form(
        request,
        pk,
        form_class=CancelForm,
        field="cancel_form",
        service=follow.directive_cancel,
        argument="reason",
        done=_("ابلاغ لغو شد."),
    )


@login_required
@require_safe
def evidence_download(request, pk: int):
    evidence = Evidence.objects.select_related("report").filter(pk=pk).first()
    if evidence is None:
        raise Http404
    directive_for_user(request.user, evidence.report.directive_id)
    kind = kind_for_content_type(evidence.content_type)
    extension = kind.extensions[0] if kind else ""
    return file_response(
        evidence.file,
        download_name=safe_download_name(evidence.original_name, extension),
        content_type=evidence.content_type if kind else "application/octet-stream",
    )
