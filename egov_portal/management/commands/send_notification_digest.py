"""Send each daily-digest user one e-mail of his unread notices not yet e-mailed.

Run once a day (cron). Each notice is e-mailed at most once: it is marked ``digested_at``
in the same transaction as the e-mail is sent, so a second run the same day sends nothing.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from egov_portal.models import Notification
from egov_portal.text.persian import to_persian_digits


def digest_message(notices: list[Notification]) -> tuple[str, str]:
    subject = _("اعلان‌های امروز درگاه (%(n)s)") % {"n": to_persian_digits(len(notices))}
    lines = [_("اعلان‌های خوانده‌نشده شما در درگاه کارگروه توسعه دولت الکترونیک:"), ""]
    for notice in notices:
        lines.append(f"• {notice.title}")
        if notice.body:
            lines.append(f"  {notice.body}")
        if notice.url.startswith("/") and not notice.url.startswith("//"):
            lines.append(f"  {settings.PORTAL_BASE_URL}{notice.url}")
    lines += ["", _("همه اعلان‌ها: %(url)s") % {"url": f"{settings.PORTAL_BASE_URL}/notifications/"}]
    return subject, "\n".join(lines)


def send_digests() -> int:
    """Send the digests; returns how many e-mails were sent."""
    users = (
        get_user_model()
        .objects.filter(
            is_active=True,
            notification_preference__daily_digest=True,
            notifications__read_at__isnull=True,
            notifications__digested_at__isnull=True,
        )
        .exclude(email="")
        .distinct()
    )
    sent = 0
    with translation.override(settings.LANGUAGE_CODE):
        for user in users:
            with transaction.atomic():
                notices = list(
                    Notification.objects.select_for_update()
                    .filter(user=user, read_at__isnull=True, digested_at__isnull=True)
                    .order_by("created_at", "pk")
                )
                if not notices:
                    continue
                subject, body = digest_message(notices)
                send_mail(subject, body, None, [user.email])
                Notification.objects.filter(pk__in=[n.pk for n in notices]).update(
                    digested_at=timezone.now()
                )
                sent += 1
    return sent


class Command(BaseCommand):
    help = "Send the daily digest e-mail of unread notices (once per notice)."

    def handle(self, *args, **options):
        sent = send_digests()
        self.stdout.write(f"digests sent: {sent}")
