"""The meeting's rules, in one place for the services that change a meeting and the pages
that offer the change: which actions each state of a meeting allows, and the quorum.

A service calls :func:`require` before it changes anything; the meeting page shows an
action's button only where :func:`allows` says so. An approved meeting is frozen: nothing
of it changes (the database refuses it too).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from committees.models import Body, Meeting, MeetingState, QuorumRule

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
    "respond": (gettext_lazy("پاسخ به دعوت"), frozenset({S.SCHEDULED, S.POSTPONED})),
    "attendance": (gettext_lazy("ثبت حضور و غیاب"), frozenset({S.SCHEDULED, S.HELD, S.POSTPONED})),
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


def quorum_required(*, body: Body, members: int) -> int:
    """How many members must be present for ``body`` to decide, by its quorum rule."""
    if body.quorum_rule == QuorumRule.FIXED and body.quorum_count:
        return body.quorum_count
    if body.quorum_rule == QuorumRule.TWO_THIRDS:
        return -(-2 * members // 3)
    return members // 2 + 1
