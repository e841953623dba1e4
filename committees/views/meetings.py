"""Meeting pages: the secretariat runs the meeting; members answer and review the minutes.

Views parse the request, check the right with ``committees.permissions`` and call one
service; the rules are in ``committees.services``.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from committees import rules
from committees.forms import (
    AgendaItemEditForm,
    AgendaItemForm,
    AttendanceForm,
    MeetingForm,
    MinutesForm,
    OrderForm,
    PostponeForm,
    ReasonForm,
    ReviewForm,
    RSVPForm,
    SendForReviewForm,
)
from committees.models import AgendaItem, Meeting, MeetingState, MinutesComment
from committees.permissions import body_for_user, meeting_for_user, require
from committees.selectors import meetings as meeting_selectors
from committees.selectors import reviews as review_selectors
from committees.services import meetings as meeting_services
from egov_portal.forms import run_service
from egov_portal.sorting import Column, Sorting, choice_rank
from egov_portal.views import report_form_errors, run_action
from members.selectors import person_for_user

MEETINGS_PER_PAGE = 20


def _detail(meeting: Meeting):
    return redirect("committees:meeting_detail", pk=meeting.pk)


def meeting_sorting(request) -> Sorting:
    """Number, date, place, state (in the order of a meeting's life); newest first."""
    return Sorting(
        request.GET,
        [
            # A draft has no number yet (it gets one when scheduled): its date orders it.
            Column("title", "number", "starts_at"),
            Column("date", "starts_at"),
            Column("place", "place"),
            Column("state", choice_rank("state", MeetingState)),
        ],
        default="-date",
        tiebreak=("-starts_at", "pk"),
    )


@require_safe
def meeting_list(request, pk: int):
    body, access = body_for_user(request.user, pk)
    sorting = meeting_sorting(request)
    meetings = sorting.apply(Meeting.objects.filter(body=body))
    page = Paginator(meetings, MEETINGS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "committees/meeting_list.html",
        {"body": body, "page_obj": page, "can_manage": access.manages, "sorting": sorting},
    )


@login_required
@require_http_methods(["GET", "POST"])
def meeting_create(request, pk: int):
    body, access = body_for_user(request.user, pk)
    require(access.manages)
    form = MeetingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        meeting = run_service(
            form,
            lambda: meeting_services.meeting_create(
                body=body,
                starts_at=form.cleaned_data["starts_at"],
                ends_at=form.cleaned_data["ends_at"],
                place=form.cleaned_data["place"],
                online_link=form.cleaned_data["online_link"],
                is_public=form.cleaned_data["is_public"],
                created_by=request.user,
                confirmed=form.cleaned_data["confirm"],
            ),
        )
        if meeting is not None:
            messages.success(request, _("جلسه به صورت پیش‌نویس ساخته شد؛ دستور جلسه را بیفزایید."))
            return _detail(meeting)
        form.offer_confirmation()
    return render(request, "committees/meeting_form.html", {"body": body, "form": form})


def _meeting_queryset():
    return Meeting.objects.select_related(
        "body", "minutes", "minutes__approved_by"
    ).prefetch_related(
        Prefetch("agenda_items", queryset=AgendaItem.objects.order_by("order", "pk")),
        "agenda_items__papers",
        "invitations__person",
        "invitations__seat",
        "guests",
        "minutes__reviews__person",
        "resolutions__addressees__agency",
        "resolutions__amends__meeting__body",
        "resolutions__refer_to",
        "resolutions__amended_by__meeting__body",
    )


@require_safe
def meeting_detail(request, pk: int):
    return _meeting_page(request, pk)


def _meeting_page(request, pk: int, *, review_form: ReviewForm | None = None):
    """The meeting page; ``review_form`` is an attendee's refused answer to the draft,
    shown again with what he typed."""
    meeting, access = meeting_for_user(request.user, pk, queryset=_meeting_queryset())
    context = meeting_selectors.meeting_page(meeting=meeting, user=request.user, access=access)
    mine, review = context["my_invitation"], context["my_review"]
    targets = review_selectors.review_targets(
        agenda_items=meeting.agenda_items.all(), resolutions=_resolutions(meeting)
    )
    if review_form is None:
        review_form = ReviewForm(
            initial={"decision": review.decision if review else None}, targets=targets
        )
    else:
        review_form.set_targets(targets)
    context |= {
        "rsvp_form": RSVPForm(initial={"rsvp": mine.rsvp if mine else None}),
        "review_form": review_form,
        "postpone_form": PostponeForm(),
        "cancel_form": ReasonForm(),
        "agenda_form": AgendaItemForm(),
        "send_form": SendForReviewForm(),
    }
    context |= _review_board(meeting, access, person=mine.person if mine else None)
    return render(request, "committees/meeting_detail.html", context)


def _resolutions(meeting: Meeting) -> list:
    return sorted(meeting.resolutions.all(), key=lambda r: (r.order, r.pk))


def _review_board(meeting: Meeting, access, *, person=None) -> dict:
    """The attendees' answers and comments (``selectors.reviews``), from what the meeting
    page prefetched; the secretariat may mark comments handled until the approval."""
    board = review_selectors.review_board(
        meeting=meeting,
        invitations=meeting.invitations.all(),
        reviews=meeting.minutes.reviews.all(),
        agenda_items=meeting.agenda_items.all(),
        resolutions=_resolutions(meeting),
    )
    return {
        "review_board": board,
        "my_comments": board.comments_of(person) if board else [],
        "can_handle_comments": access.manages and not meeting.is_frozen,
    }


@login_required
@require_http_methods(["GET", "POST"])
def meeting_edit(request, pk: int):
    meeting, access = meeting_for_user(request.user, pk)
    require(access.manages and not meeting.is_frozen)
    form = MeetingForm(request.POST or None, initial=MeetingForm.initial_for(meeting))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        done = run_service(
            form,
            lambda: meeting_services.meeting_update(
                meeting=meeting,
                starts_at=data["starts_at"],
                ends_at=data["ends_at"],
                place=data["place"],
                online_link=data["online_link"],
                is_public=data["is_public"],
                confirmed=data["confirm"],
                version=data["version"],
            ),
        )
        if done is not None:
            messages.success(request, _("جلسه به‌روز شد."))
            return _detail(meeting)
        form.offer_confirmation()
    return render(
        request,
        "committees/meeting_form.html",
        {"body": meeting.body, "form": form, "meeting": meeting},
    )


@login_required
@require_http_methods(["GET", "POST"])
def meeting_delete(request, pk: int):
    """A draft never scheduled: a confirmation page, then (POST) the deletion."""
    meeting, access = meeting_for_user(request.user, pk)
    require(access.manages)
    if request.method == "POST":
        body = meeting.body
        title = meeting.title
        if run_action(
            request,
            lambda: meeting_services.meeting_delete(meeting=meeting),
            _("«%(title)s» حذف شد.") % {"title": title},
        ):
            return redirect("committees:meeting_list", pk=body.pk)
        return _detail(meeting)
    return render(request, "committees/meeting_delete.html", {"meeting": meeting})


def _secretariat_action(request, pk: int, form_class, call, success: str):
    """Shared shape of the secretariat's POST actions: check, validate, call, report."""
    meeting, access = meeting_for_user(request.user, pk)
    require(access.manages)
    data = {}
    if form_class is not None:
        form = form_class(request.POST)
        if not form.is_valid():
            report_form_errors(request, form)
            return _detail(meeting)
        data = form.cleaned_data
    run_action(request, lambda: call(meeting, data), success)
    return _detail(meeting)


@login_required
@require_http_methods(["GET", "POST"])
def meeting_schedule(request, pk: int):
    """Sending invitations cannot be taken back: the page lists who gets them (from the
    same selector the service sends to) and only a POST with ``confirm=1`` sends."""
    meeting, access = meeting_for_user(request.user, pk)
    require(access.manages)
    confirmed = request.method == "POST" and request.POST.get("confirm") == "1"
    if confirmed and run_action(
        request,
        lambda: meeting_services.meeting_schedule(meeting=meeting, confirmed=True),
        _("دعوت‌نامه‌ها برای متصدیان جایگاه‌ها در تاریخ جلسه فرستاده شد."),
    ):
        return _detail(meeting)
    return render(
        request,
        "committees/meeting_schedule.html",
        {
            "meeting": meeting,
            "recipients": meeting_selectors.schedule_recipients(meeting=meeting),
            "can_schedule": rules.allows("schedule", meeting.state) and not meeting.is_frozen,
        },
    )


@login_required
@require_POST
def meeting_postpone(request, pk: int):
    return _secretariat_action(
        request,
        pk,
        PostponeForm,
        lambda meeting, data: meeting_services.meeting_postpone(
            meeting=meeting, reason=data["reason"], starts_at=data.get("starts_at")
        ),
        _("جلسه به تعویق افتاد و به مدعوان اطلاع داده شد."),
    )


@login_required
@require_POST
def meeting_cancel(request, pk: int):
    return _secretariat_action(
        request,
        pk,
        ReasonForm,
        lambda meeting, data: meeting_services.meeting_cancel(
            meeting=meeting, reason=data["reason"]
        ),
        _("جلسه لغو شد و به مدعوان اطلاع داده شد."),
    )


@login_required
@require_POST
def agenda_item_add(request, pk: int):
    return _secretariat_action(
        request,
        pk,
        AgendaItemForm,
        lambda meeting, data: meeting_services.agenda_item_add(meeting=meeting, **data),
        _("دستور جلسه افزوده شد."),
    )


@login_required
@require_POST
def agenda_reorder(request, pk: int):
    return _secretariat_action(
        request,
        pk,
        OrderForm,
        lambda meeting, data: meeting_services.agenda_reorder(
            meeting=meeting, ordered_ids=data["order"]
        ),
        _("ترتیب دستور جلسه تغییر کرد."),
    )


def _item_for_user(user, pk: int, *, removed: bool = False) -> AgendaItem:
    """The agenda item for its meeting's secretariat (``removed``: one removed, to restore)."""
    items = AgendaItem.all_objects.filter(pk=pk, removed_at__isnull=not removed)
    item = items.only("pk", "meeting_id").first()
    if item is None:
        raise Http404
    _meeting, access = meeting_for_user(user, item.meeting_id)
    require(access.manages)
    return items.select_related("meeting__body").get()


@login_required
@require_http_methods(["GET", "POST"])
def agenda_item_edit(request, pk: int):
    item = _item_for_user(request.user, pk)
    initial = {
        "title": item.title,
        "description": item.description,
        "presenter": item.presenter,
        "version": item.version,
    }
    form = AgendaItemEditForm(request.POST or None, initial=initial)
    if (
        request.method == "POST"
        and form.is_valid()
        and run_service(
            form, lambda: meeting_services.agenda_item_update(item=item, **form.cleaned_data)
        )
    ):
        messages.success(request, _("دستور جلسه به‌روز شد."))
        return _detail(item.meeting)
    return render(request, "committees/agenda_item_form.html", {"item": item, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def agenda_item_delete(request, pk: int):
    """A confirmation page naming the item, then (POST) its removal, which the meeting page
    offers to undo until the minutes are approved."""
    item = _item_for_user(request.user, pk)
    if request.method == "POST":
        run_action(
            request,
            lambda: meeting_services.agenda_item_delete(item=item, user=request.user),
            _("دستور «%(title)s» حذف شد؛ تا تصویب صورتجلسه از صفحه جلسه بازمی‌گردد.")
            % {"title": item.title},
        )
        return _detail(item.meeting)
    return render(
        request,
        "committees/remove_confirm.html",
        {
            "meeting": item.meeting,
            "heading": _("حذف دستور جلسه"),
            "name": item.title,
            "action": reverse("committees:agenda_item_delete", args=[item.pk]),
        },
    )


@login_required
@require_POST
def agenda_item_restore(request, pk: int):
    item = _item_for_user(request.user, pk, removed=True)
    run_action(
        request,
        lambda: meeting_services.agenda_item_restore(item=item),
        _("دستور «%(title)s» بازگردانده شد.") % {"title": item.title},
    )
    return _detail(item.meeting)


@login_required
@require_POST
def meeting_rsvp(request, pk: int):
    meeting, _access = meeting_for_user(request.user, pk)
    invitation = meeting_selectors.invitation_of(user=request.user, meeting=meeting)
    require(invitation is not None)
    form = RSVPForm(request.POST)
    if form.is_valid() and run_service(
        form,
        lambda: meeting_services.invitation_respond(invitation=invitation, **form.cleaned_data),
    ):
        messages.success(request, _("پاسخ شما ثبت شد."))
    else:
        report_form_errors(request, form)
    return _detail(meeting)


@login_required
@require_POST
def meeting_check_in(request, pk: int):
    """An invitee marks himself present during the meeting's hours."""
    meeting, _access = meeting_for_user(request.user, pk)
    invitation = meeting_selectors.invitation_of(user=request.user, meeting=meeting)
    require(invitation is not None)
    run_action(
        request,
        lambda: meeting_services.invitation_check_in(invitation=invitation),
        _("حضور شما اعلام شد؛ دبیرخانه آن را در حضور و غیاب ثبت می‌کند."),
    )
    return _detail(meeting)


@login_required
@require_http_methods(["GET", "POST"])
def meeting_attendance(request, pk: int):
    meeting, access = meeting_for_user(request.user, pk)
    require(access.manages and not meeting.is_frozen)
    invitations = meeting.invitations.select_related("person", "seat").order_by("seat__order", "pk")
    guests = "\n".join(
        f"{g.name} — {g.agency}" if g.agency else g.name for g in meeting.guests.all()
    )
    form = AttendanceForm(request.POST or None, invitations=invitations, initial={"guests": guests})
    if request.method == "POST" and form.is_valid():
        done = run_service(
            form,
            lambda: meeting_services.attendance_record(
                meeting=meeting, statuses=form.statuses(), guests=form.guest_list()
            ),
        )
        if done is not None:
            if done.quorum_met:
                messages.success(request, _("حضور و غیاب ثبت شد؛ جلسه به حد نصاب رسید."))
            else:
                messages.warning(
                    request,
                    _("حضور و غیاب ثبت شد؛ جلسه به حد نصاب نرسید و مصوبه‌ای نخواهد داشت."),
                )
            return _detail(meeting)
    quorum = meeting_selectors.quorum_preview(meeting=meeting, invitations=form.invitations)
    return render(
        request,
        "committees/meeting_attendance.html",
        {"meeting": meeting, "form": form, "quorum": quorum},
    )


@login_required
@require_http_methods(["GET", "POST"])
def minutes_edit(request, pk: int):
    meeting, access = meeting_for_user(
        request.user, pk, queryset=Meeting.objects.select_related("body", "minutes")
    )
    require(access.manages and meeting.state in {MeetingState.HELD, MeetingState.IN_REVIEW})
    items = meeting.agenda_items.order_by("order", "pk")
    form = MinutesForm(
        request.POST or None,
        items=items,
        initial={"preamble": meeting.minutes.preamble, "version": meeting.minutes.version},
    )
    if request.method == "POST" and form.is_valid():
        done = run_service(
            form,
            lambda: meeting_services.minutes_update(
                meeting=meeting,
                preamble=form.cleaned_data["preamble"],
                discussions=form.discussions(),
                version=form.cleaned_data["version"],
            ),
        )
        if done is not None:
            messages.success(request, _("صورتجلسه ذخیره شد."))
            return _detail(meeting)
    board = review_selectors.review_board(meeting=meeting, agenda_items=form.items)
    return render(
        request,
        "committees/minutes_form.html",
        {"meeting": meeting, "form": form, "review_board": board, "can_handle_comments": True},
    )


@login_required
@require_POST
def minutes_send(request, pk: int):
    return _secretariat_action(
        request,
        pk,
        SendForReviewForm,
        lambda meeting, data: meeting_services.minutes_send_for_review(
            meeting=meeting, deadline=data["deadline"]
        ),
        _("پیش‌نویس صورتجلسه برای بررسی حاضران فرستاده شد."),
    )


@login_required
@require_POST
def minutes_review(request, pk: int):
    meeting, _access = meeting_for_user(request.user, pk)
    person = person_for_user(request.user)
    require(person is not None)
    form = ReviewForm(request.POST)
    if form.is_valid() and run_service(
        form,
        lambda: meeting_services.minutes_review_submit(
            meeting=meeting,
            person=person,
            decision=form.cleaned_data["decision"],
            comment=form.cleaned_data["comment"],
            agenda_item_id=_about(form, "item"),
            resolution_id=_about(form, "resolution"),
        ),
    ):
        messages.success(request, _("نظر شما درباره صورتجلسه ثبت شد."))
        return _detail(meeting)
    # Refused: the page again, with what was typed and why (also as messages, for a
    # refusal that is not about a field, such as a passed deadline).
    report_form_errors(request, form)
    return _meeting_page(request, pk, review_form=form)


def _about(form, kind: str) -> int | None:
    about_kind, pk = form.cleaned_data["about"]
    return pk if about_kind == kind else None


@login_required
@require_POST
def minutes_comment_mark(request, pk: int, comment_pk: int):
    """The secretariat marks an attendee's comment handled («رسیدگی شد») or takes the mark
    back (``handled=0``); back to the page it came from (the minutes page or the meeting)."""
    meeting, access = meeting_for_user(request.user, pk)
    require(access.manages)
    comment = get_object_or_404(MinutesComment, pk=comment_pk, minutes__meeting=meeting)
    handled = request.POST.get("handled") != "0"
    run_action(
        request,
        lambda: meeting_services.minutes_comment_mark(
            comment=comment, handled=handled, user=request.user
        ),
        _("نظر «رسیدگی شد» علامت خورد.") if handled else _("علامت «رسیدگی شد» برداشته شد."),
    )
    if request.POST.get("back") == "minutes" and not meeting.is_frozen:
        return redirect("committees:minutes_edit", pk=meeting.pk)
    return redirect(reverse("committees:meeting_detail", args=[meeting.pk]) + "#review-board")
