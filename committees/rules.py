"""The meeting's rules, in one place for the services that change a meeting and the pages
that offer the change: which actions each state of a meeting allows, and the quorum.

A service calls :func:`require` before it changes anything; the meeting page shows an
action's button only where :func:`allows` says so. An approved meeting is frozen: nothing
of it changes (the database refuses it too).
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from committees import workdays
from committees.models import Body, Meeting, MeetingState, QuorumRule
from egov_portal.text.i18n import digits
from egov_portal.text.jalali import display_datetime

S = MeetingState
_BEFORE = frozenset({S.DRAFT, S.SCHEDULED, S.POSTPONED})  # not yet held
_AFTER = frozenset({S.HELD, S.IN_REVIEW})  # held, minutes not yet approved

#: action → (its name in a refusal, the states that allow it). APPROVED and CANCELLED
#: allow nothing.
ACTIONS: dict[str, tuple[str, frozenset[str]]] = {
    "edit": (gettext_lazy("ویرایش جلسه"), _BEFORE | _AFTER),
    "schedule": (gettext_lazy("ارسال دعوت‌نامه"), frozenset({S.DRAFT, S.POSTPONED})),
    "postpone": (gettext_lazy("تعویق جلسه"), frozenset({S.DRAFT, S.SCHEDULED})),
    "cancel": (gettext_lazy("لغو جلسه"), _BEFORE),
    "agenda_add": (gettext_lazy("افزودن دستور جلسه"), _BEFORE | _AFTER),
    "agenda_edit": (gettext_lazy("ویرایش دستور جلسه"), _BEFORE | _AFTER),
    "agenda_reorder": (gettext_lazy("تغییر ترتیب دستور جلسه"), _BEFORE | _AFTER),
    "agenda_delete": (gettext_lazy("حذف دستور جلسه"), _BEFORE),
    "agenda_restore": (gettext_lazy("بازگرداندن دستور جلسه"), _BEFORE | _AFTER),
    "respond": (gettext_lazy("پاسخ به دعوت"), frozenset({S.SCHEDULED, S.POSTPONED})),
    "attendance": (gettext_lazy("ثبت حضور و غیاب"), frozenset({S.SCHEDULED, S.HELD, S.POSTPONED})),
    "check_in": (gettext_lazy("اعلام حضور"), frozenset({S.SCHEDULED})),
    "minutes_write": (gettext_lazy("نوشتن صورتجلسه"), _AFTER),
    "minutes_send": (gettext_lazy("ارسال پیش‌نویس صورتجلسه"), _AFTER),
    "minutes_review": (gettext_lazy("اظهارنظر درباره صورتجلسه"), frozenset({S.IN_REVIEW})),
    "minutes_approve": (gettext_lazy("تصویب صورتجلسه"), frozenset({S.IN_REVIEW})),
    "resolutions_edit": (gettext_lazy("ثبت و ویرایش مصوبات"), _AFTER),
}


def allows(action: str, state: str) -> bool:
    """Whether a meeting in ``state`` allows ``action`` (a key of :data:`ACTIONS`)."""
    return state in ACTIONS[action][1]


def refuse_frozen(meeting: Meeting) -> None:
    if meeting.state == S.APPROVED:
        raise ValidationError(
            _("صورتجلسه این جلسه تأیید شده است و تغییر نمی‌کند؛ اصلاح فقط با مصوبه تازه ممکن است."),
            code="frozen",
        )


def require(meeting: Meeting, action: str) -> None:
    """Refuse, in Persian and changing nothing, an action the meeting's state does not allow."""
    refuse_frozen(meeting)
    if not allows(action, meeting.state):
        raise ValidationError(
            _("«%(action)s» در وضعیت «%(state)s» ممکن نیست.")
            % {"action": ACTIONS[action][0], "state": meeting.get_state_display()},
            code="invalid_state",
        )


#: Self check-in opens this long before the start and, without an end time, closes this
#: long after it.
CHECK_IN_EARLY = datetime.timedelta(minutes=30)
CHECK_IN_DEFAULT_LENGTH = datetime.timedelta(hours=3)


def check_in_window(meeting: Meeting) -> tuple[datetime.datetime, datetime.datetime]:
    """When an invitee may mark himself present: the meeting's hours (from half an hour
    before the start)."""
    end = meeting.ends_at or meeting.starts_at + CHECK_IN_DEFAULT_LENGTH
    return meeting.starts_at - CHECK_IN_EARLY, end


def check_in_open(meeting: Meeting, now: datetime.datetime | None = None) -> bool:
    start, end = check_in_window(meeting)
    return allows("check_in", meeting.state) and start <= (now or timezone.now()) <= end


def quorum_required(*, body: Body, members: int) -> int:
    """How many members must be present for ``body`` to decide, by its quorum rule."""
    if body.quorum_rule == QuorumRule.FIXED and body.quorum_count:
        return body.quorum_count
    if body.quorum_rule == QuorumRule.TWO_THIRDS:
        return -(-2 * members // 3)
    return members // 2 + 1


def meeting_date_concerns(
    *, body: Body, starts_at: datetime.datetime, exclude_pk: int | None = None
) -> list[str]:
    """Why a meeting of ``body`` at ``starts_at`` may be a mistake, each reason named: in
    the past, on a Friday, on an official holiday or an announced closure, or on a day the
    body already meets. The secretariat may go ahead, but only after confirming them."""
    concerns = []
    if starts_at <= timezone.now():
        concerns.append(_("زمان جلسه گذشته است."))
    day = timezone.localtime(starts_at).date()
    if day.weekday() == 4:
        concerns.append(_("روز جلسه جمعه است."))
    holiday = workdays.official_holiday(day)
    if holiday:
        concerns.append(_("روز جلسه تعطیل رسمی است: %(name)s.") % {"name": holiday})
    closure = workdays.closure_on(day)
    if closure:
        concerns.append(_("روز جلسه تعطیلی اعلام‌شده است: %(reason)s.") % {"reason": closure})
    start = timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
    same_day = (
        Meeting.objects.filter(
            body=body, starts_at__gte=start, starts_at__lt=start + datetime.timedelta(days=1)
        )
        .exclude(state=MeetingState.CANCELLED)
        .exclude(pk=exclude_pk)
        .order_by("starts_at")
    )
    for other in same_day:
        concerns.append(
            _("این رکن در همین روز جلسه دیگری دارد: %(meeting)s، ساعت %(time)s.")
            % {
                "meeting": other.title,
                "time": digits(timezone.localtime(other.starts_at).strftime("%H:%M")),
            }
        )
    return concerns


def schedule_concerns(recipients: int) -> list[str]:
    """Sending the invitations cannot be taken back, so it always asks first (the preview
    page lists who gets them)."""
    return [
        _("دعوت‌نامه برای %(count)s نفر فرستاده می‌شود و پس گرفتنی نیست.")
        % {"count": digits(recipients)}
    ]


def minutes_approval_concerns(meeting: Meeting, now: datetime.datetime | None = None) -> list[str]:
    """Why approving the minutes now may be early: the review deadline has not passed, or
    some attendees have not answered the draft. The chair may approve anyway, after
    confirming. Reads ``meeting.invitations`` and ``meeting.minutes.reviews`` (prefetched on
    the meeting page)."""
    minutes = meeting.minutes
    attendees = {i.person_id for i in meeting.invitations.all() if i.counts_for_quorum}
    answered = len({r.person_id for r in minutes.reviews.all()} & attendees)
    deadline = minutes.review_deadline
    open_review = deadline is not None and (now or timezone.now()) < deadline
    if answered >= len(attendees) and not open_review:
        return []
    if deadline is None:
        return [
            _("%(answered)s از %(attendees)s پاسخ داده‌اند.")
            % {"answered": digits(answered), "attendees": digits(len(attendees))}
        ]
    return [
        _("%(answered)s از %(attendees)s پاسخ داده‌اند؛ مهلت %(deadline)s.")
        % {
            "answered": digits(answered),
            "attendees": digits(len(attendees)),
            "deadline": display_datetime(deadline),
        }
    ]


def require_confirmed(concerns: list[str], confirmed: bool | None) -> None:
    """Refuse (code ``needs_confirmation``) while there are concerns and the user has not
    confirmed them; ``confirmed=None`` is a caller outside the forms (seeds, imports)."""
    if concerns and confirmed is False:
        raise ValidationError(
            [ValidationError(c, code="needs_confirmation") for c in concerns],
        )
