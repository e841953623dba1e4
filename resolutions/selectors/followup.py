"""Reads for the follow-up pages: a body's referral queue and outcomes, its overdue directives."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import Prefetch

from committees.models import (
    Body,
    MeetingState,
)
from resolutions.models import (
    Directive,
    Referral,
    ReferralState,
    ReminderLog,
    Resolution,
)
from resolutions.services.reminders import _gregorian, directive_path, step_label

# --- reads ---------------------------------------------------------------------------------


def _answers() -> Prefetch:
    """The answering resolutions whose minutes are approved, as ``referral.answers``."""
    return Prefetch(
        "answered_by",
        queryset=Resolution.objects.filter(meeting__state=MeetingState.APPROVED)
        .select_related("meeting__body")
        .order_by("meeting__starts_at", "order", "pk"),
        to_attr="answers",
    )


NEWEST_REFERRALS_FIRST = ("-created_at", "-pk")


def referrals_for_body(
    body: Body, *, order_by: Sequence = NEWEST_REFERRALS_FIRST
) -> list[Referral]:
    """The referrals ``body`` received, waiting first (then in ``order_by``), with the
    referring resolution, the agenda item they were placed on and the approved resolutions
    that answer them."""
    order = {ReferralState.WAITING: 0, ReferralState.ON_AGENDA: 1, ReferralState.ANSWERED: 2}
    rows = list(
        Referral.objects.filter(to_body=body)
        .select_related("resolution__meeting__body", "agenda_item__meeting")
        .prefetch_related(_answers())
        .order_by(*order_by)
    )
    return sorted(rows, key=lambda r: order.get(r.state, 3))


def referral_outcomes_for_body(
    body: Body, *, order_by: Sequence = NEWEST_REFERRALS_FIRST
) -> list[Referral]:
    """The referrals made by ``body``'s resolutions, with where each stands and, when
    answered, the lower body's approved resolutions that answer it."""
    return list(
        Referral.objects.filter(resolution__meeting__body=body)
        .select_related("to_body", "resolution__meeting__body", "agenda_item__meeting")
        .prefetch_related(_answers())
        .order_by(*order_by)
    )


@dataclass(frozen=True)
class OverdueRow:
    directive: Directive
    days_overdue: int
    steps: list[tuple[str, datetime.datetime]]
    path: str


def overdue_directives(*, directives, body: Body, today: datetime.date):
    """Open directives of ``body`` past their deadline on ``today``, most overdue first.

    ``directives`` is the reader's ``visible_directives(user)``."""
    return (
        directives.filter(body=body)
        .overdue_on(today)
        .select_related("agency", "resolution__meeting")
        .prefetch_related(
            Prefetch("reminders", queryset=ReminderLog.objects.order_by("sent_at", "pk"))
        )
        .order_by("due_date", "pk")
    )


def overdue_rows(directives, today: datetime.date) -> list[OverdueRow]:
    return [
        OverdueRow(
            directive=d,
            days_overdue=(today - _gregorian(d.due_date)).days,
            steps=[(step_label(log.step), log.sent_at) for log in d.reminders.all()],
            path=directive_path(d),
        )
        for d in directives
    ]
