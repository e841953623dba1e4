"""Resolution editing while the minutes are drafted: add, edit, delete, reorder."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
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


def _resolution_for_manager(user, pk: int) -> Resolution:
    resolution = Resolution.objects.filter(pk=pk).only("pk", "meeting_id").first()
    if resolution is None:
        raise Http404
    meeting, access = meeting_for_user(user, resolution.meeting_id)
    require(access.manages and not meeting.is_frozen)
    return (
        Resolution.objects.select_related("meeting__body").prefetch_related("addressees").get(pk=pk)
    )


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
                resolution=resolution, **form.service_kwargs()
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
@require_POST
def resolution_delete(request, pk: int):
    resolution = _resolution_for_manager(request.user, pk)
    meeting = resolution.meeting
    run_action(
        request,
        lambda: resolution_services.resolution_delete(resolution=resolution),
        _("مصوبه حذف شد."),
    )
    return _detail(meeting)


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
