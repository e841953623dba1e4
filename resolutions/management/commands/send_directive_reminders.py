"""Remind agencies of directive deadlines and escalate overdue ones (run once a day).

For cron, e.g. ``15 7 * * * cd /srv/egov-portal && .venv/bin/python manage.py
send_directive_reminders``. Running it again on the same day sends nothing more: every
step of every directive is recorded once (see ``resolutions.followup``). ``--date`` runs it
as if on another Jalali day, for testing.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from egov_portal.text.jalali import format_jalali_short, parse_jalali_date
from egov_portal.text.persian import to_persian_digits
from resolutions.services.reminders import reminders_deliver


class Command(BaseCommand):
    help = gettext_lazy(
        "یادآوری مهلت ابلاغ‌ها به دستگاه‌ها و گزارش ابلاغ‌های دیرکرد به دبیرخانه و رئیس رکن؛ "
        "هر مرحله یک بار."
    )

    def create_parser(self, prog_name, subcommand, **kwargs):
        # argparse wants plain strings: resolve the lazy translation in the active language.
        self.help = str(self.help)
        return super().create_parser(prog_name, subcommand, **kwargs)

    def add_arguments(self, parser):
        parser.add_argument(
            "--date",
            help=_("اجرا چنان که گویی امروز این روز است، به شمسی (مثلاً ۱۴۰۵/۰۹/۱۰)."),
        )

    def handle(self, *args, date: str | None = None, **options):
        if date:
            try:
                today = parse_jalali_date(date).togregorian()
            except ValidationError as error:
                raise CommandError(" ".join(error.messages)) from error
        else:
            today = timezone.localdate()
        run = reminders_deliver(today)
        self.stdout.write(
            _(
                "یادآوری ابلاغ‌ها برای %(date)s: %(steps)s یادآوری فرستاده شد "
                "(%(emails)s رایانامه و %(notices)s اعلان در درگاه)."
            )
            % {
                "date": format_jalali_short(today),
                "steps": to_persian_digits(run.steps),
                "emails": to_persian_digits(run.emails),
                "notices": to_persian_digits(run.notices),
            }
        )
        if run.failed:
            self.stderr.write(
                _("%(count)s یادآوری فرستاده نشد و در اجرای بعدی دوباره فرستاده می‌شود.")
                % {"count": to_persian_digits(len(run.failed))}
            )
