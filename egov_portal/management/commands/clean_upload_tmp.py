"""Remove the temporary files that killed workers left in ``FILE_UPLOAD_TEMP_DIR``.

Django writes an upload larger than ``FILE_UPLOAD_MAX_MEMORY_SIZE`` to a temporary file
while it reads the request and deletes it when the request ends; a worker killed in the
middle (a timeout, a restart, the out-of-memory killer) leaves the file behind. For cron,
e.g. ``30 3 * * * cd /srv/egov-portal && .venv/bin/python manage.py clean_upload_tmp``,
on every application server (each has its own directory unless it is shared).

It also removes the files kept for refused forms (``egov_portal.held_uploads``) that nobody
came back for in the same time.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from egov_portal.held_uploads import remove_stale_held
from egov_portal.text.persian import to_persian_digits
from egov_portal.uploads import remove_stale_uploads

DEFAULT_HOURS = 24


class Command(BaseCommand):
    help = gettext_lazy(
        "پاک کردن پرونده‌های موقت بارگذاری که کارگزارهای متوقف‌شده در FILE_UPLOAD_TEMP_DIR "
        "جا گذاشته‌اند."
    )

    def create_parser(self, prog_name, subcommand, **kwargs):
        # argparse wants plain strings: resolve the lazy translation in the active language.
        self.help = str(self.help)
        return super().create_parser(prog_name, subcommand, **kwargs)

    def add_arguments(self, parser):
        parser.add_argument(
            "--hours",
            type=int,
            default=DEFAULT_HOURS,
            help=_("پرونده‌هایی که این چند ساعت دست نخورده‌اند پاک می‌شوند (پیش‌فرض ۲۴)."),
        )

    def handle(self, *args, hours: int, **options):
        if hours < 1:
            # Younger files may belong to a request still being read.
            raise CommandError(
                _("--hours دست‌کم ۱ است: پرونده‌های تازه‌تر شاید هنوز در حال بارگذاری باشند.")
            )
        removed = remove_stale_uploads(older_than=timedelta(hours=hours))
        held = remove_stale_held(older_than=timedelta(hours=hours))
        self.stdout.write(
            _("%(count)s پرونده موقت کهنه‌تر از %(hours)s ساعت از %(dir)s پاک شد.")
            % {
                "count": to_persian_digits(len(removed)),
                "hours": to_persian_digits(hours),
                "dir": settings.FILE_UPLOAD_TEMP_DIR,
            }
        )
        self.stdout.write(
            _("%(count)s پرونده نگه‌داشته فرم‌های ردشده پاک شد.") % {"count": to_persian_digits(held)}
        )
