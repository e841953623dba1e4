"""Resolution editing while the minutes are drafted: add, edit, delete, reorder."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from committees.forms import OrderForm
from committees.permissions import meeting_for_user, require
from egov_portal.forms import run_service
from egov_portal.views import run_action
from resolutions.forms import ResolutionForm
from resolutions.models import Resolution
from resolutions.services import resolutions as resolution_services


def _detail(meeting):
    return redirect("committees:meeting_detail", pk=meeting.pk)


def _resolution_for_manager(user, pk: int, *, removed: bool = False) -> Resolution:
    """The resolution for its meeting's secretariat (``removed``: one removed, to restore)."""
    rows = Resolution.all_objects.filter(pk=pk, removed_at__isnull=not removed)
    resolution = rows.only("pk", "meeting_id").first()
    if resolution is None:
        raise Http404
    meeting, access = meeting_for_user(user, resolution.meeting_id)
    require(access.manages and not meeting.is_frozen)
    return rows.select_related("meeting__body").prefetch_related("addressees").get()


@login_required
@require_http_methods(["GET", "POST"])
def resolution_add(request, pk: int):
    meeting, access = meeting_for_user(request.user, pk)
    require(access.manages and not meeting.is_frozen)
    form = ResolutionForm(request.POST or None, meeting=meeting)
    if request.method == "POST" and form.is_valid():
        created = run_service(
            form,
            lambda: resolution_services.resolution_create(meeting=meeting, **form.service_kwargs()),
        )
        if created is not None:
            messages.success(request, _("مصوبه «%(label)s» ثبت شد.") % {"label": created.label})
            return _detail(meeting)
    return render(request, "resolutions/resolution_form.html", {"meeting": meeting, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def resolution_edit(request, pk: int):
    resolution = _resolution_for_manager(request.user, pk)
    meeting = resolution.meeting
    form = ResolutionForm(
        request.POST or None, meeting=meeting, initial=ResolutionForm.initial_for(resolution)
    )
    if request.method == "POST" and form.is_valid():
        done = run_service(
            form,
            lambda: resolution_services.resolution_update(
                resolution=resolution,
                version=form.cleaned_data["version"],
                **form.service_kwargs(),
            ),
        )
        if done is not None:
            messages.success(request, _("مصوبه به‌روز شد."))
            return _detail(meeting)
    return render(
        request,
        "resolutions/resolution_form.html",
        {"meeting": meeting, "form": form, "resolution": resolution},
    )


@login_required
@require_http_methods(["GET", "POST"])
def resolution_delete(request, pk: int):
    """A confirmation page naming the resolution, then (POST) its removal, which the
    meeting page offers to undo until the minutes are approved."""
    resolution = _resolution_for_manager(request.user, pk)
    meeting = resolution.meeting
    name = _("بند %(label)s") % {"label": resolution.label}
    if request.method == "POST":
        run_action(
            request,
            lambda: resolution_services.resolution_delete(resolution=resolution, user=request.user),
            _("مصوبه «%(name)s» حذف شد؛ تا تصویب صورتجلسه از صفحه جلسه بازمی‌گردد.")
            % {"name": name},
        )
        return _detail(meeting)
    return render(
        request,
        "committees/remove_confirm.html",
        {
            "meeting": meeting,
            "heading": _("حذف مصوبه"),
            "name": name,
            "text": resolution.text,
            "action": reverse("resolutions:resolution_delete", args=[resolution.pk]),
        },
    )


@login_required
@require_POST
def resolution_restore(request, pk: int):
    resolution = _resolution_for_manager(request.user, pk, removed=True)
    try:
        resolution_services.resolution_restore(resolution=resolution)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(
            request, _("مصوبه بازگردانده شد: بند %(label)s.") % {"label": resolution.label}
        )
    return _detail(resolution.meeting)


@login_required
@require_POST
def resolution_reorder(request, pk: int):
    meeting, access = meeting_for_user(request.user, pk)
    require(access.manages)
    form = OrderForm(request.POST)
    if form.is_valid():
        run_action(
            request,
            lambda: resolution_services.resolution_reorder(
                meeting=meeting, ordered_ids=form.cleaned_data["order"]
            ),
            _("ترتیب و بندهای مصوبات تغییر کرد."),
        )
    else:
        messages.error(request, _("ترتیب نامعتبر است."))
    return _detail(meeting)
