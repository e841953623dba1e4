"""Build years of a busy province's data for measuring the portal (``make bench``)."""

from __future__ import annotations

import argparse
import contextlib
import datetime
import io
import os
import time

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, connection, transaction

from committees.models import Body
from members.models import Agency
from resolutions.data.demo import demo_seed
from resolutions.data.scale import DEFAULT_SEED, IT_MANAGER_TITLE, scale_seed
from resolutions.management.commands.seed_demo import DEFAULT_DEMO_PASSWORD


class Command(BaseCommand):
    help = (
        "ساخت داده چندساله یک استان پرکار برای سنجش کارایی (پس از load_structure؛ "
        "ساختار و حساب‌های نمایشی را اگر نباشند می‌سازد)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--years", type=int, default=1, help="چند سال (پیش‌فرض: ۱)")
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="بذر تصادفی")
        parser.add_argument(
            "--until", type=datetime.date.fromisoformat, default=None,
            help="آخرین روز داده، به میلادی YYYY-MM-DD (پیش‌فرض: امروز)",
        )  # fmt: skip
        # For the tests: everything (agencies, meetings, resolutions) times this factor.
        parser.add_argument("--scale", type=float, default=1.0, help=argparse.SUPPRESS)

    def handle(self, *args, years: int, seed: int, until, scale: float, **options):
        if not 1 <= years <= 30:
            raise CommandError("--years باید بین ۱ و ۳۰ باشد.")
        if not 0 < scale <= 1:
            raise CommandError("--scale باید بیشتر از صفر و حداکثر ۱ باشد.")
        if Agency.objects.filter(positions__title=IT_MANAGER_TITLE).exists():
            raise CommandError("این پایگاه داده پیش‌تر با seed_scale پر شده است.")
        password = os.environ.get("DEMO_PASSWORD") or DEFAULT_DEMO_PASSWORD
        if not Body.objects.exists():
            call_command("load_structure", stdout=io.StringIO())
        if not Agency.objects.filter(people__user__username="itmanager").exists():
            demo_seed(password=password)
        started = time.monotonic()
        log = self.stdout.write if options["verbosity"] >= 2 else (lambda line: None)
        with _without_audit_capture(log):
            counts = scale_seed(
                years=years, password=password, seed=seed, scale=scale, until=until, log=log
            )
        _refresh_statistics(log)
        if options["verbosity"] >= 1:
            summary = "، ".join(f"{label}: {n}" for label, n in sorted(counts.items()))
            self.stdout.write(
                self.style.SUCCESS(
                    f"{years} سال داده در {time.monotonic() - started:.0f} ثانیه ساخته شد "
                    f"({summary})."
                )
            )


def _refresh_statistics(log) -> None:
    """Bulk inserts leave the planner's statistics as they were before: until autovacuum
    comes round, PostgreSQL plans for empty tables (a nested loop over «2» approved
    meetings that are a thousand). A database that has lived ten years has them."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    log("ANALYZE: the planner's statistics are up to date.")


@contextlib.contextmanager
def _without_audit_capture(log):
    """On PostgreSQL, the seed writes the audit events of its story itself (dated as the
    story is); the capture triggers would add one more event, of the seeding run, for every
    row — about as many again. A superuser's session (the bench databases) turns triggers
    off for its own writes with ``session_replication_role = replica``; the data the seed
    writes is consistent by construction, and nothing else is affected. Without the right,
    the triggers stay on and the seed says so."""
    if connection.vendor != "postgresql":
        yield
        return
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET session_replication_role = replica")
    except DatabaseError:
        log("session_replication_role needs a superuser: the audit triggers stay on.")
        yield
        return
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SET session_replication_role = DEFAULT")
