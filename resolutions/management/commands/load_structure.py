"""Load the Article 6 structure of a province and the slogans of the years: idempotent, safe
to run on every deploy."""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.db import transaction

from committees.models import Body, BodyKind, LegalBasis
from committees.services.structure import structure_load
from egov_portal.services import province_load, slogans_load
from resolutions.services.minutes import founding_meeting_record


class Command(BaseCommand):
    help = "بارگذاری ساختار کارگروه، کمیته راهبری و زیرکمیته‌های استان (تکرارپذیر)."

    def add_arguments(self, parser):
        parser.add_argument("--province", default="گیلان", help="نام استان (پیش‌فرض: گیلان)")
        parser.add_argument("--capital", default="رشت", help="مرکز استان (پیش‌فرض: رشت)")

    @transaction.atomic
    def handle(self, *args, province: str, capital: str, **options):
        province = province.strip()
        counts = structure_load(province=province, capital=capital.strip())
        if province_load(name=province, authority=f"استانداری {province}"):
            counts["استان"] = 1
        slogans = slogans_load()
        if slogans:
            counts["شعار سال"] = slogans
        working_group = Body.objects.get(kind=BodyKind.WORKING_GROUP, jurisdiction=province)
        founding = {
            b.article: b for b in LegalBasis.objects.filter(article__in=["بند الف", "بند ج"])
        }
        founding_meeting_record(
            working_group=working_group,
            resolutions=[(1, "الف", founding["بند الف"]), (3, "ج", founding["بند ج"])],
        )
        if options["verbosity"] < 1:
            return
        summary = "، ".join(f"{label}: {n}" for label, n in counts.items()) or "بدون تغییر"
        self.stdout.write(self.style.SUCCESS(f"ساختار استان {province} بارگذاری شد ({summary})."))
