"""E-mails and portal notices about meetings, and the calendar files that go with them.

``committees.services`` queues :func:`meeting_notice_send` with ``transaction.on_commit``
after inviting, moving, postponing or cancelling a meeting and after sending its draft
minutes for review; ``send_meeting_reminders`` calls it for the reminder the day before.
Each invitee gets one e-mail (when his record has an address) and a notice in the portal
(when he has an account). Invitations, changes and cancellations carry an iCalendar file
whose UID is stable per meeting, so a calendar program updates or removes the one entry.

:func:`secretariat_tell` tells the body's secretariat of the review of the draft (each
comment, and every attendee having answered): a notice now, an e-mail after the commit.
"""

from __future__ import annotations

import datetime
import logging
import smtplib
from collections.abc import Iterable
from dataclasses import dataclass, field
from email.mime.text import MIMEText
from email.utils import parseaddr

import icalendar
from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from committees.models import (
    BodyGroupObjectPermission,
    BodyUserObjectPermission,
    Invitation,
    Meeting,
    MeetingState,
)
from egov_portal.models import NoticeKind
from egov_portal.notifications.services import email_now, notify
from egov_portal.object_permissions import users_with_object_permission
from egov_portal.text.jalali import format_jalali_datetime, format_jalali_long
from egov_portal.text.persian import to_persian_digits

logger = logging.getLogger(__name__)

# The kind of portal notice (what a user may mute) of each meeting notice.
NOTICE_KINDS = {"minutes_review": NoticeKind.MINUTES}

SUBJECTS = {
    "invitation": gettext_lazy("دعوت به %(meeting)s"),
    "changed": gettext_lazy("تغییر زمان یا مکان %(meeting)s"),
    "postponed": gettext_lazy("تعویق %(meeting)s"),
    "cancelled": gettext_lazy("لغو %(meeting)s"),
    "minutes_review": gettext_lazy("پیش‌نویس صورتجلسه %(meeting)s برای بررسی"),
    "reminder": gettext_lazy("یادآوری: %(meeting)s"),
}
LEADS = {
    "invitation": gettext_lazy("از شما دعوت می‌شود در %(meeting)s شرکت فرمایید."),
    "changed": gettext_lazy("زمان یا مکان %(meeting)s تغییر کرده است. زمان و مکان تازه:"),
    "postponed": gettext_lazy("%(meeting)s به تعویق افتاد. زمان تازه در درگاه اعلام می‌شود."),
    "cancelled": gettext_lazy("%(meeting)s لغو شد."),
    "minutes_review": gettext_lazy(
        "پیش‌نویس صورتجلسه %(meeting)s آماده است؛ لطفاً پیش از پایان مهلت در درگاه "
        "پیش‌نویس را تأیید کنید یا نظر خود را بنویسید."
    ),
    "reminder": gettext_lazy("یادآوری می‌شود %(meeting)s به‌زودی برگزار می‌شود."),
}
KINDS = tuple(SUBJECTS)

# The kinds whose e-mail carries a calendar file, with its iTIP method (RFC 5546).
ICS_METHODS = {"invitation": "REQUEST", "changed": "REQUEST", "cancelled": "CANCEL"}
# Kinds whose e-mail states when and where the meeting is.
SHOWS_TIME = {"invitation", "changed", "reminder"}

PRODID = "-//egov-portal//Meetings//FA"
# A meeting without an end time is entered in calendars as this long.
DEFAULT_LENGTH = datetime.timedelta(hours=2)
# SEQUENCE must grow with every change a calendar should take; the meeting's last change,
# in seconds since this date, always does (and stays well inside a 32-bit integer).
SEQUENCE_EPOCH = datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC)


# --- links --------------------------------------------------------------------------------


def meeting_path(meeting: Meeting) -> str:
    """The path of the meeting's page, ``/meetings/<pk>/``."""
    try:
        return reverse("committees:meeting_detail", args=[meeting.pk])
    except NoReverseMatch:
        return f"/meetings/{meeting.pk}/"


def meeting_url(meeting: Meeting) -> str:
    """The absolute address of the meeting's page, for e-mails and calendar files."""
    return settings.PORTAL_BASE_URL + meeting_path(meeting)


def meeting_uid(meeting: Meeting) -> str:
    return f"meeting-{meeting.pk}@egov-portal"


def meeting_when(meeting: Meeting) -> str:
    """«سه‌شنبه ۲۴ آذر ۱۴۰۴، ساعت ۰۹:۳۰» in the portal's time zone."""
    local = timezone.localtime(meeting.starts_at)
    return _("%(date)s، ساعت %(time)s") % {
        "date": format_jalali_long(local),
        "time": to_persian_digits(local.strftime("%H:%M")),
    }


# --- calendar files ------------------------------------------------------------------------


def _utc(value: datetime.datetime) -> datetime.datetime:
    return value.astimezone(datetime.UTC)


def _local(value: datetime.datetime) -> datetime.datetime:
    """``value`` in the portal's zone (``TIME_ZONE``, Asia/Tehran): written as
    ``DTSTART;TZID=Asia/Tehran:…`` with the zone's VTIMEZONE in the file, so every calendar
    program shows the meeting at the time on the invitation."""
    return value.astimezone(timezone.get_default_timezone())


def _with_timezones(calendar: icalendar.Calendar) -> icalendar.Calendar:
    """Add the VTIMEZONE of every zone the events use, from the first event's year on (so
    the definition stays short but covers every event in the file)."""
    starts = [event.decoded("dtstart") for event in calendar.walk("VEVENT")]
    if starts:
        first = min(starts).date().replace(month=1, day=1)
        calendar.add_missing_timezones(first_date=first)
    return calendar


def _calendar(*, method: str, name: str = "") -> icalendar.Calendar:
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", method)
    if name:
        calendar.add("x-wr-calname", name)
    return calendar


def _description(meeting: Meeting) -> str:
    lines = [
        _("زمان: %(when)s") % {"when": meeting_when(meeting)},
        _("مکان: %(place)s") % {"place": meeting.place},
    ]
    if meeting.online_link:
        lines.append(_("پیوند جلسه برخط: %(link)s") % {"link": meeting.online_link})
    if meeting.state in {MeetingState.POSTPONED, MeetingState.CANCELLED} and meeting.state_reason:
        lines.append(_("علت: %(reason)s") % {"reason": meeting.state_reason})
    lines.append(_("صفحه جلسه: %(url)s") % {"url": meeting_url(meeting)})
    return "\n".join(lines)


def _event(meeting: Meeting, *, status: str) -> icalendar.Event:
    ends_at = meeting.ends_at or meeting.starts_at + DEFAULT_LENGTH
    event = icalendar.Event()
    event.add("uid", meeting_uid(meeting))
    event.add("dtstamp", _utc(timezone.now()))
    event.add("dtstart", _local(meeting.starts_at))
    event.add("dtend", _local(ends_at))
    event.add("sequence", max(int((meeting.updated_at - SEQUENCE_EPOCH).total_seconds()), 0))
    event.add("summary", str(meeting))
    event.add("location", meeting.place)
    event.add("description", _description(meeting))
    event.add("url", meeting_url(meeting))
    event.add("status", status)
    return event


def _organizer() -> icalendar.vCalAddress:
    name, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    organizer = icalendar.vCalAddress(f"mailto:{address}")
    organizer.params["cn"] = icalendar.vText(name or address)
    return organizer


def invitation_ics(invitation: Invitation, *, method: str) -> bytes:
    """The calendar file of one invitee: REQUEST to add or update, CANCEL to remove.

    Answers are given in the portal, so the attendee is marked ``RSVP=FALSE`` and calendar
    programs do not mail a reply to the no-reply sender.
    """
    meeting = invitation.meeting
    event = _event(meeting, status="CANCELLED" if method == "CANCEL" else "CONFIRMED")
    event.add("organizer", _organizer())
    attendee = icalendar.vCalAddress(f"mailto:{invitation.person.email}")
    attendee.params["cn"] = icalendar.vText(invitation.person.full_name)
    attendee.params["role"] = icalendar.vText("REQ-PARTICIPANT")
    attendee.params["partstat"] = icalendar.vText("NEEDS-ACTION")
    attendee.params["rsvp"] = icalendar.vText("FALSE")
    event.add("attendee", attendee)
    calendar = _calendar(method=method)
    calendar.add_component(event)
    return _with_timezones(calendar).to_ical()


FEED_STATUS = {MeetingState.POSTPONED: "TENTATIVE", MeetingState.CANCELLED: "CANCELLED"}


def ical_for_meetings(meetings: Iterable[Meeting], *, name: str) -> bytes:
    """A published calendar of ``meetings`` (their ``body`` selected), for a feed."""
    calendar = _calendar(method="PUBLISH", name=name)
    for meeting in meetings:
        calendar.add_component(_event(meeting, status=FEED_STATUS.get(meeting.state, "CONFIRMED")))
    return _with_timezones(calendar).to_ical()


# --- e-mails and notices -------------------------------------------------------------------


@dataclass
class Delivery:
    """What :func:`meeting_notice_deliver` did: e-mails sent, and the invitations whose
    e-mail the mail server refused."""

    sent: int = 0
    notices: int = 0
    failed: list[int] = field(default_factory=list)


def _context(invitation: Invitation, kind: str) -> dict:
    meeting = invitation.meeting
    review_deadline = ""
    if kind == "minutes_review":
        minutes = getattr(meeting, "minutes", None)
        review_deadline = format_jalali_datetime(minutes.review_deadline) if minutes else ""
    return {
        "kind": kind,
        "subject": SUBJECTS[kind] % {"meeting": meeting},
        "lead": LEADS[kind] % {"meeting": meeting},
        "person": invitation.person,
        "meeting": meeting,
        "when": meeting_when(meeting),
        "shows_time": kind in SHOWS_TIME,
        "reason": meeting.state_reason if kind in {"postponed", "cancelled"} else "",
        "review_deadline": review_deadline,
        "url": meeting_url(meeting),
        "ics_method": ICS_METHODS.get(kind, ""),
    }


def _message(invitation: Invitation, context: dict) -> EmailMultiAlternatives:
    text = render_to_string("committees/email/meeting_notice.txt", context)
    html = render_to_string("committees/email/meeting_notice.html", context)
    message = EmailMultiAlternatives(
        subject=context["subject"],
        body=text,
        to=[invitation.person.email],
        headers={"Auto-Submitted": "auto-generated"},
    )
    message.attach_alternative(html, "text/html")
    method = context["ics_method"]
    if method:
        part = MIMEText(invitation_ics(invitation, method=method).decode(), "calendar", "utf-8")
        part.set_param("method", method)
        part.add_header("Content-Disposition", "attachment", filename="meeting.ics")
        message.attach(part)
    return message


def _send(messages: list[tuple[int, EmailMultiAlternatives]], delivery: Delivery) -> None:
    """Send over one connection; a refused message is logged and the rest still go."""
    if not messages:
        return
    connection = get_connection()
    try:
        connection.open()
    except (smtplib.SMTPException, OSError):
        logger.exception("Meeting notices: cannot reach the mail server")
        delivery.failed.extend(pk for pk, _message in messages)
        return
    try:
        for pk, message in messages:
            message.connection = connection
            try:
                delivery.sent += message.send()
            except (smtplib.SMTPException, OSError):
                logger.exception("Meeting notices: invitation %s was not sent", pk)
                delivery.failed.append(pk)
    finally:
        connection.close()


def meeting_notice_deliver(*, invitation_ids: list[int], kind: str) -> Delivery:
    """Tell each invitee of ``kind`` news by e-mail and portal notice; see the module."""
    if kind not in SUBJECTS:
        raise ValueError(f"unknown meeting notice kind: {kind!r}")
    invitations = (
        Invitation.objects.filter(pk__in=invitation_ids)
        .select_related(
            "meeting",
            "meeting__body",
            "meeting__minutes",
            "person",
            "person__user__notification_preference",
        )
        .order_by("pk")
    )
    notice_kind = NOTICE_KINDS.get(kind, NoticeKind.MEETING)
    delivery = Delivery()
    messages = []
    # In the portal's language whatever the language of the request that triggered it.
    with translation.override(settings.LANGUAGE_CODE):
        for invitation in invitations:
            context = _context(invitation, kind)
            user = invitation.person.user
            if notify(
                user=user,
                title=context["subject"],
                body=context["lead"],
                url=meeting_path(invitation.meeting),
                kind=notice_kind,
            ):
                delivery.notices += 1
            # A user who muted this kind, or reads a daily digest, gets no e-mail now; a
            # person without an account is e-mailed at his recorded address.
            if invitation.person.email and (user is None or email_now(user, notice_kind)):
                messages.append((invitation.pk, _message(invitation, context)))
    _send(messages, delivery)
    return delivery


def meeting_notice_send(*, invitation_ids: list[int], kind: str) -> int:
    """Send the ``kind`` notice to each invitation; returns how many e-mails were sent."""
    return meeting_notice_deliver(invitation_ids=invitation_ids, kind=kind).sent


# --- the review of the draft, told to the secretariat ------------------------------------


def secretariat_users(body) -> list:
    """The active users who run ``body``'s secretariat (``manage_body`` on it, themselves or
    through a group), with their notification preferences loaded."""
    found = users_with_object_permission(
        user_permissions=BodyUserObjectPermission,
        group_permissions=BodyGroupObjectPermission,
        object_ids=[body.pk],
        codename="manage_body",
    )
    return found.get(body.pk, [])


def review_path(meeting: Meeting) -> str:
    """The meeting page, at the attendees' answers and comments."""
    return meeting_path(meeting) + "#review-board"


def _review_message(user, context: dict) -> EmailMultiAlternatives:
    text = render_to_string("committees/email/review_notice.txt", context)
    html = render_to_string("committees/email/review_notice.html", context)
    message = EmailMultiAlternatives(
        subject=context["subject"],
        body=text,
        to=[user.email],
        headers={"Auto-Submitted": "auto-generated"},
    )
    message.attach_alternative(html, "text/html")
    return message


def secretariat_tell(*, meeting: Meeting, title: str, body: str = "", actor=None) -> Delivery:
    """Tell the secretariat of the meeting's body of a step of the review: a portal notice
    now (kind «صورتجلسه‌ها», which each may mute), and an e-mail once the transaction has
    committed to each who reads his e-mail per event (not muted, no daily digest; the
    digest carries the notice instead). Never to ``actor``, the user who acted."""
    delivery = Delivery()
    emails = []
    with translation.override(settings.LANGUAGE_CODE):
        url = review_path(meeting)
        context = {
            "subject": title,
            "lead": body,
            "meeting": meeting,
            "url": settings.PORTAL_BASE_URL + url,
        }
        for user in secretariat_users(meeting.body):
            if actor is not None and user.pk == actor.pk:
                continue
            context["name"] = user.get_full_name() or user.get_username()
            if notify(user=user, title=title, body=body, url=url, kind=NoticeKind.MINUTES):
                delivery.notices += 1
            if user.email and email_now(user, NoticeKind.MINUTES):
                emails.append((user.pk, _review_message(user, dict(context))))
    if emails:
        transaction.on_commit(lambda: _send(emails, delivery))
    return delivery
