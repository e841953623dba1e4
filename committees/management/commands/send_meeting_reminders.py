"""Remind the invitees of meetings that start soon (run from cron, e.g. every 15 minutes).

Each invitation is reminded once: the command first claims the due invitations by setting
``reminder_sent_at`` on rows that still have none (locked with ``SELECT … FOR UPDATE SKIP
LOCKED`` on PostgreSQL, so two runs at the same moment never claim the same row), then
sends. An e-mail the mail server refuses is released again for the next run.
"""

from __future__ import annotations

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from committees.models import Invitation, MeetingState
from committees.notifications import meeting_notice_deliver
from egov_portal.text.persian import to_persian_digits


def due_invitations(*, now: datetime.datetime, hours: int):
    """Unreminded invitations of scheduled meetings starting within ``hours`` of ``now``."""
    return Invitation.objects.filter(
        meeting__state=MeetingState.SCHEDULED,
        meeting__starts_at__gt=now,
        meeting__starts_at__lte=now + datetime.timedelta(hours=hours),
        reminder_sent_at__isnull=True,
    )


class Command(BaseCommand):
    help = "یادآوری جلسه‌هایی که تا چند ساعت دیگر برگزار می‌شوند، یک بار برای هر مدعو."

    def add_arguments(self, parser):
        parser.add_argument(
            "--hours",
            type=int,
            default=24,
            help=gettext_lazy("جلسه‌هایی که تا این چند ساعت دیگر آغاز می‌شوند (پیش‌فرض ۲۴)."),
        )

    def handle(self, *args, hours: int, **options):
        if hours < 1:
            raise CommandError(_("شمار ساعت‌ها باید دست‌کم یک باشد."))
        now = timezone.now()
        with transaction.atomic():
            claimed = list(
                due_invitations(now=now, hours=hours)
                .select_for_update(skip_locked=True, of=("self",))
                .order_by("pk")
                .values_list("pk", "meeting_id")
            )
            ids = [pk for pk, _meeting_id in claimed]
            Invitation.objects.filter(pk__in=ids, reminder_sent_at__isnull=True).update(
                reminder_sent_at=now
            )
        delivery = meeting_notice_deliver(invitation_ids=ids, kind="reminder")
        if delivery.failed:
            Invitation.objects.filter(pk__in=delivery.failed, reminder_sent_at=now).update(
                reminder_sent_at=None
            )
        meetings = len({meeting_id for _pk, meeting_id in claimed})
        self.stdout.write(
            _(
                "یادآوری %(meetings)s جلسه برای %(invitees)s مدعو: %(sent)s رایانامه فرستاده شد "
                "و %(notices)s اعلان در درگاه ثبت شد."
            )
            % {
                "meetings": to_persian_digits(meetings),
                "invitees": to_persian_digits(len(ids)),
                "sent": to_persian_digits(delivery.sent),
                "notices": to_persian_digits(delivery.notices),
            }
        )
        if delivery.failed:
            self.stderr.write(
                _("%(count)s رایانامه فرستاده نشد و در اجرای بعدی دوباره فرستاده می‌شود.")
                % {"count": to_persian_digits(len(delivery.failed))}
            )
