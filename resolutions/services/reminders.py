"""Deadline reminders with escalation (run daily by ``manage.py send_directive_reminders``): for every open directive
with a deadline, the agency's IT managers are reminded ``DIRECTIVE_REMINDER_DAYS_BEFORE``
days before the deadline (step «before»), on the deadline (step «due») and once a week
while it is overdue (steps «overdue-w1», «overdue-w2» …). From the first overdue week the
issuing body's secretariat is told too, and from the third week the body's chair. Each
step is sent once: its ``ReminderLog`` row is inserted in the transaction that sends it, so
a second run (or two runs at once) finds the step taken and sends nothing.

Only the step that is current on the day is sent; a step missed while the command did not
run is not sent late (no burst of stale reminders after an outage).
"""

from __future__ import annotations

import datetime
import logging
import smtplib
from dataclasses import dataclass, field
from typing import NamedTuple

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import Prefetch
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from committees.models import (
    Body,
    BodyGroupObjectPermission,
    BodyUserObjectPermission,
    SeatRole,
)
from committees.selectors.structure import seat_states_on, seats_of
from egov_portal.models import NoticeKind
from egov_portal.notifications.services import email_now, notify
from egov_portal.object_permissions import users_with_object_permission
from egov_portal.text.i18n import ordinal
from egov_portal.text.jalali import format_jalali_long, format_jalali_short
from egov_portal.text.persian import to_persian_digits
from members.models import AgencyGroupObjectPermission, AgencyUserObjectPermission
from resolutions.models import (
    OPEN_STATES,
    Directive,
    ReminderLog,
)

logger = logging.getLogger(__name__)

DEFAULT_DAYS_BEFORE = 3
OVERDUE_PREFIX = "overdue-w"
# From which overdue week the issuing body's secretariat, and then its chair, are told.
SECRETARIAT_FROM_WEEK = 1
CHAIR_FROM_WEEK = 3


def days_before() -> int:
    return int(getattr(settings, "DIRECTIVE_REMINDER_DAYS_BEFORE", DEFAULT_DAYS_BEFORE))


def _gregorian(day) -> datetime.date:
    return day.togregorian() if hasattr(day, "togregorian") else day


# --- steps ---------------------------------------------------------------------------------


def step_on(due: datetime.date, today: datetime.date, *, before: int | None = None) -> str | None:
    """The reminder step current on ``today`` for a deadline ``due`` (None: nothing yet)."""
    before = days_before() if before is None else before
    if today < due:
        return "before" if before > 0 and (due - today).days <= before else None
    week = (today - due).days // 7
    return "due" if week == 0 else f"{OVERDUE_PREFIX}{week}"


def overdue_week(step: str) -> int:
    """1 for «overdue-w1» …; 0 for «before» and «due»."""
    if step.startswith(OVERDUE_PREFIX):
        return int(step.removeprefix(OVERDUE_PREFIX))
    return 0


def step_label(step: str) -> str:
    """The step in Persian, for pages and messages."""
    if step == "before":
        return _("یادآوری پیش از مهلت")
    if step == "due":
        return _("یادآوری روز مهلت")
    week = overdue_week(step)
    if week:
        return _("هفته %(ordinal)s پس از مهلت") % {"ordinal": ordinal(week)}
    return step


# --- recipients ----------------------------------------------------------------------------


class Recipient(NamedTuple):
    user: object
    role: str  # "agency" (IT manager), "secretariat" or "chair"


class DueReminder(NamedTuple):
    directive: Directive
    step: str
    recipients: list[Recipient]


class Recipients:
    """Who is told about a directive, cached per agency and per body for one run."""

    def __init__(self, today: datetime.date):
        self.today = today
        self._agency: dict[int, list] = {}
        self._secretariat: dict[int, list] = {}
        self._chair: dict[int, list] = {}

    def agencies(self, agency_ids) -> None:
        """Look up the IT managers of many agencies at once (a meeting's directives)."""
        missing = set(agency_ids) - set(self._agency)
        self._agency.update(
            users_with_object_permission(
                user_permissions=AgencyUserObjectPermission,
                group_permissions=AgencyGroupObjectPermission,
                object_ids=missing,
                codename="manage_agency_directives",
            )
        )

    def agency(self, agency) -> list:
        if agency.pk not in self._agency:
            self.agencies([agency.pk])
        return self._agency[agency.pk]

    def secretariat(self, body: Body) -> list:
        if body.pk not in self._secretariat:
            self._secretariat.update(
                users_with_object_permission(
                    user_permissions=BodyUserObjectPermission,
                    group_permissions=BodyGroupObjectPermission,
                    object_ids=[body.pk],
                    codename="manage_body",
                )
            )
        return self._secretariat[body.pk]

    def chair(self, body: Body) -> list:
        """The account of whoever holds the body's chair seat today (none when vacant)."""
        if body.pk not in self._chair:
            states = seat_states_on(seats=list(seats_of(body)), on_date=self.today)
            users = []
            for state in states:
                if state.seat.role != SeatRole.CHAIR:
                    continue
                for holder in state.holders:
                    user = getattr(holder.person, "user", None)
                    if user is not None and user.is_active:
                        users.append(user)
            self._chair[body.pk] = users
        return self._chair[body.pk]

    def for_step(self, directive: Directive, step: str) -> list[Recipient]:
        week = overdue_week(step)
        groups = [("agency", self.agency(directive.agency))]
        if week >= SECRETARIAT_FROM_WEEK:
            groups.append(("secretariat", self.secretariat(directive.body)))
        if week >= CHAIR_FROM_WEEK:
            groups.append(("chair", self.chair(directive.body)))
        seen: set[int] = set()
        recipients = []
        for role, users in groups:
            for user in users:
                if user.pk not in seen:
                    seen.add(user.pk)
                    recipients.append(Recipient(user, role))
        return recipients


def reminders_due(today: datetime.date) -> list[DueReminder]:
    """The reminders to send on ``today``: ``(directive, step, recipients)`` for every open
    directive whose current step was not sent yet and that has someone to tell."""
    today = _gregorian(today)
    before = days_before()
    directives = (
        Directive.objects.filter(
            state__in=OPEN_STATES,
            due_date__isnull=False,
            due_date__lte=today + datetime.timedelta(days=max(before, 0)),
        )
        .select_related("agency", "body", "resolution__meeting__body")
        .prefetch_related(Prefetch("reminders", queryset=ReminderLog.objects.only("step")))
        .order_by("due_date", "pk")
    )
    people = Recipients(today)
    due = []
    for directive in directives:
        step = step_on(_gregorian(directive.due_date), today, before=before)
        if step is None or step in {log.step for log in directive.reminders.all()}:
            continue
        recipients = people.for_step(directive, step)
        if recipients:
            due.append(DueReminder(directive, step, recipients))
    return due


# --- messages ------------------------------------------------------------------------------


def directive_path(directive: Directive) -> str:
    """The path of the directive's page in the agency inbox, ``/directives/<pk>/``."""
    try:
        return reverse("resolutions:directive_detail", args=[directive.pk])
    except NoReverseMatch:
        return f"/directives/{directive.pk}/"


def _subject(directive: Directive, step: str, today: datetime.date) -> str:
    letter = directive.letter_number
    due = _gregorian(directive.due_date)
    if step == "before":
        return _("یادآوری: %(days)s روز تا پایان مهلت ابلاغ %(letter)s") % {
            "days": to_persian_digits((due - today).days),
            "letter": letter,
        }
    if step == "due":
        return _("امروز پایان مهلت ابلاغ %(letter)s است") % {"letter": letter}
    return _("ابلاغ %(letter)s %(days)s روز از مهلت گذشته است") % {
        "letter": letter,
        "days": to_persian_digits((today - due).days),
    }


def _lead(recipient: Recipient, directive: Directive, step: str) -> str:
    values = {"agency": directive.agency, "body": directive.body}
    if recipient.role == "chair":
        return (
            _(
                "ابلاغ زیر به «%(agency)s» دست‌کم سه هفته از مهلت گذشته و هنوز انجام نشده است؛ "
                "به عنوان رئیس «%(body)s» برای پیگیری آگاه می‌شوید."
            )
            % values
        )
    if recipient.role == "secretariat":
        return (
            _(
                "ابلاغ زیر به «%(agency)s» از مهلت گذشته و هنوز انجام نشده است؛ "
                "لطفاً از سوی دبیرخانه «%(body)s» پیگیری شود."
            )
            % values
        )
    if step == "before":
        return _("مهلت اجرای ابلاغ زیر به‌زودی به پایان می‌رسد؛ لطفاً گزارش پیشرفت را ثبت کنید.")
    if step == "due":
        return _("امروز آخرین روز مهلت اجرای ابلاغ زیر است؛ لطفاً گزارش انجام را ثبت کنید.")
    return _(
        "مهلت اجرای ابلاغ زیر گذشته است؛ لطفاً هرچه زودتر اقدام و گزارش آن را در درگاه ثبت کنید."
    )


def _context(reminder: DueReminder, recipient: Recipient, today: datetime.date) -> dict:
    directive, step = reminder.directive, reminder.step
    due = _gregorian(directive.due_date)
    resolution = directive.resolution
    escalated = [
        label
        for role, label in (
            ("secretariat", _("دبیرخانه %(body)s") % {"body": directive.body}),
            ("chair", _("رئیس %(body)s") % {"body": directive.body}),
        )
        if any(r.role == role for r in reminder.recipients)
    ]
    return {
        "subject": _subject(directive, step, today),
        "lead": _lead(recipient, directive, step),
        "user": recipient.user,
        "name": recipient.user.get_full_name() or recipient.user.get_username(),
        "directive": directive,
        "resolution": resolution,
        "meeting": resolution.meeting,
        "step": step,
        "step_label": step_label(step),
        "due": format_jalali_long(due),
        "issued": format_jalali_short(directive.issued_on),
        "days_overdue": to_persian_digits(max((today - due).days, 0)),
        "overdue": today > due,
        "progress": to_persian_digits(directive.progress),
        "escalated": escalated,
        "url": settings.PORTAL_BASE_URL + directive_path(directive),
    }


def _message(context: dict, address: str) -> EmailMultiAlternatives:
    text = render_to_string("resolutions/email/directive_reminder.txt", context)
    html = render_to_string("resolutions/email/directive_reminder.html", context)
    message = EmailMultiAlternatives(
        subject=context["subject"],
        body=text,
        to=[address],
        headers={"Auto-Submitted": "auto-generated"},
    )
    message.attach_alternative(html, "text/html")
    return message


@dataclass
class ReminderRun:
    """What :func:`reminders_deliver` did."""

    steps: int = 0
    emails: int = 0
    notices: int = 0
    failed: list[tuple[int, str]] = field(default_factory=list)  # (directive pk, step)


def _deliver_one(reminder: DueReminder, today: datetime.date, connection, run: ReminderRun):
    """Claim the step and send it, in one transaction: the claim is an INSERT that fails on
    the unique (directive, step) constraint when another run took it, so it is sent once;
    a mail server failure rolls the claim and the notices back for the next run."""
    with transaction.atomic():
        _log, created = ReminderLog.objects.get_or_create(
            directive=reminder.directive, step=reminder.step
        )
        if not created:
            return
        messages, notices = [], 0
        for recipient in reminder.recipients:
            context = _context(reminder, recipient, today)
            if notify(
                user=recipient.user,
                title=context["subject"],
                body=context["lead"],
                url=directive_path(reminder.directive),
                kind=NoticeKind.REMINDER,
            ):
                notices += 1
            # Not now for a user who muted reminders or reads a daily digest.
            if recipient.user.email and email_now(recipient.user, NoticeKind.REMINDER):
                messages.append(_message(context, recipient.user.email))
        emails = connection.send_messages(messages) if messages else 0
    run.steps += 1
    run.emails += emails or 0
    run.notices += notices


def reminders_deliver(today: datetime.date | None = None) -> ReminderRun:
    """Send every reminder due on ``today`` (default: today); see the module."""
    today = _gregorian(today) if today is not None else timezone.localdate()
    run = ReminderRun()
    # In the portal's language whatever the language of the caller.
    with translation.override(settings.LANGUAGE_CODE):
        due = reminders_due(today)
        if not due:
            return run
        connection = get_connection()
        connection.open()  # a mail server that cannot be reached stops before claiming
        try:
            for reminder in due:
                try:
                    _deliver_one(reminder, today, connection, run)
                except (smtplib.SMTPException, OSError):
                    logger.exception(
                        "Directive reminder %s of directive %s was not sent",
                        reminder.step,
                        reminder.directive.pk,
                    )
                    run.failed.append((reminder.directive.pk, reminder.step))
        finally:
            connection.close()
    return run


def reminders_send(today: datetime.date | None = None) -> int:
    """Send the reminders due on ``today``; returns how many reminder steps were sent."""
    return reminders_deliver(today).steps
