"""Work out the size and SHA-512 of every public minutes' PDF for the OParl endpoint
ahead of the harvesters (each takes a rendering of the PDF, a second or more, the first
time). Run it after a deploy and from cron, e.g. ``30 * * * * cd /srv/egov-portal &&
.venv/bin/python manage.py oparl_checksums``; minutes already done cost a few milliseconds.
The results live in Django's cache: with ``REDIS_URL`` (or ``REDIS_CACHE_URL``) every
process of every machine shares them; a cache in local memory is the command's own.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from egov_portal.text.persian import to_persian_digits
from resolutions.oparl import selectors
from resolutions.oparl.files import minutes_pdf_facts_prepare


class Command(BaseCommand):
    help = gettext_lazy(
        "اندازه و چکیده SHA-512 پی‌دی‌اف صورتجلسه‌های عمومی را برای داده‌های باز (OParl) "
        "از پیش حساب می‌کند."
    )

    def create_parser(self, prog_name, subcommand, **kwargs):
        # argparse wants plain strings: resolve the lazy translation in the active language.
        self.help = str(self.help)
        return super().create_parser(prog_name, subcommand, **kwargs)

    def handle(self, *args, **options):
        total = rendered = 0
        for province in selectors.provinces():
            meetings = selectors.meeting_queryset(province=province)
            found, made = minutes_pdf_facts_prepare(meetings.iterator(chunk_size=100))
            total, rendered = total + found, rendered + made
        self.stdout.write(
            _("صورتجلسه‌های عمومی: %(total)s؛ پی‌دی‌اف تازه حساب‌شده: %(rendered)s.")
            % {"total": to_persian_digits(total), "rendered": to_persian_digits(rendered)}
        )
