"""Follow-up pages: a body's referral queue, the referrals it sent, its overdue directives."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from committees.models import Body, Meeting
from committees.permissions import body_access, body_for_user, require
from egov_portal.forms import StyledFormMixin
from egov_portal.sorting import Column, Sorting, choice_rank
from resolutions.models import DirectiveState, Referral, ReferralState
from resolutions.permissions import visible_directives
from resolutions.selectors import followup as followup_selectors
from resolutions.selectors.followup import NEWEST_REFERRALS_FIRST
from resolutions.services import referrals as referral_services

OVERDUE_PER_PAGE = 50


class ReferralPlaceForm(StyledFormMixin, forms.Form):
    meeting = forms.ModelChoiceField(
        label=gettext_lazy("جلسه"),
        queryset=Meeting.objects.none(),
        error_messages={
            "required": gettext_lazy("جلسه‌ای را برگزینید."),
            "invalid_choice": gettext_lazy("جلسه‌ای از جلسات همین رکن برگزینید."),
        },
    )

    def __init__(self, *args, body: Body, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["meeting"].queryset = Meeting.objects.filter(body=body)


def _referring_resolution() -> Column:
    return Column("resolution", "resolution__meeting__starts_at", "resolution__order")


def referral_queue_sorting(request) -> Sorting:
    """The referring resolution or the date of referral (newest first unless asked); the
    waiting, placed and answered referrals each keep their own table."""
    return Sorting(
        request.GET,
        [_referring_resolution(), Column("date", "created_at", "pk")],
        default="-date",
        tiebreak=NEWEST_REFERRALS_FIRST,
    )


def referrals_sent_sorting(request) -> Sorting:
    """The referring resolution, the lower body (in the structure's order), the state."""
    return Sorting(
        request.GET,
        [
            _referring_resolution(),
            Column("to_body", "to_body__order", "to_body_id"),
            Column("state", choice_rank("state", ReferralState)),
        ],
        tiebreak=NEWEST_REFERRALS_FIRST,
    )


def overdue_sorting(request) -> Sorting:
    """Letter (by date of issue), agency, resolution, deadline, days overdue (most first
    unless asked), state."""
    return Sorting(
        request.GET,
        [
            Column("letter", "issued_on", "sequence"),
            Column("agency", "agency__name"),
            Column("resolution", "resolution__meeting__starts_at", "resolution__order"),
            Column("due", "due_date"),
            Column("days", "-due_date"),
            Column("state", choice_rank("state", DirectiveState)),
        ],
        default="-days",
        tiebreak=("due_date", "pk"),
    )


@require_safe
def referral_queue(request, pk: int):
    body, access = body_for_user(request.user, pk)
    sorting = referral_queue_sorting(request)
    referrals = followup_selectors.referrals_for_body(body, order_by=sorting.order_by)
    groups = [
        (state, label, [r for r in referrals if r.state == state])
        for state, label in ReferralState.choices
    ]
    return render(
        request,
        "resolutions/followup/referral_queue.html",
        {
            "body": body,
            "groups": groups,
            "can_manage": access.manages,
            "reads_body": True,
            "meetings": referral_services.placeable_meetings(body) if access.manages else [],
            "sorting": sorting,
        },
    )


@login_required
@require_POST
def referral_place(request, pk: int):
    referral = Referral.objects.filter(pk=pk).select_related("resolution").first()
    if referral is None:
        raise Http404
    body, access = body_for_user(request.user, referral.to_body_id)
    require(access.manages)
    form = ReferralPlaceForm(request.POST, body=body)
    if form.is_valid():
        meeting = form.cleaned_data["meeting"]
        try:
            referral_services.referral_place(referral=referral, meeting=meeting, user=request.user)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(
                request,
                _("ارجاع در دستور «%(meeting)s» قرار گرفت.") % {"meeting": meeting.title},
            )
    else:
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
    return redirect("resolutions:referral_queue", pk=body.pk)


@require_safe
def referrals_sent(request, pk: int):
    body, _access = body_for_user(request.user, pk)
    sorting = referrals_sent_sorting(request)
    return render(
        request,
        "resolutions/followup/referrals_sent.html",
        {
            "body": body,
            "referrals": followup_selectors.referral_outcomes_for_body(
                body, order_by=sorting.order_by or NEWEST_REFERRALS_FIRST
            ),
            "reads_body": True,
            "sorting": sorting,
        },
    )


@login_required
@require_safe
def overdue_list(request, pk: int):
    body = get_object_or_404(Body, pk=pk)
    today = timezone.localdate()
    sorting = overdue_sorting(request)
    directives = sorting.apply(
        followup_selectors.overdue_directives(
            directives=visible_directives(request.user), body=body, today=today
        )
    )
    page = Paginator(directives, OVERDUE_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "resolutions/followup/overdue_list.html",
        {
            "body": body,
            "page_obj": page,
            "rows": followup_selectors.overdue_rows(page, today),
            "reads_body": body_access(request.user, body).reads_records,
            "sorting": sorting,
        },
    )
