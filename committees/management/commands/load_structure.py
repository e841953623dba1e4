"""Load the Article 6 structure of a province: idempotent, safe to run on every deploy."""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.db import transaction

from committees.services import structure_load


class Command(BaseCommand):
    help = "بارگذاری ساختار کارگروه، کمیته راهبری و زیرکمیته‌های استان (تکرارپذیر)."

    def add_arguments(self, parser):
        parser.add_argument("--province", default="گیلان", help="نام استان (پیش‌فرض: گیلان)")
        parser.add_argument("--capital", default="رشت", help="مرکز استان (پیش‌فرض: رشت)")

    @transaction.atomic
    def handle(self, *args, province: str, capital: str, **options):
        counts = structure_load(province=province.strip(), capital=capital.strip())
        if options["verbosity"] < 1:
            return
        summary = "، ".join(f"{label}: {n}" for label, n in counts.items()) or "بدون تغییر"
        self.stdout.write(self.style.SUCCESS(f"ساختار استان {province} بارگذاری شد ({summary})."))
