"""Fill a fresh installation with fictional people and one demo account per role."""

from __future__ import annotations

import os

from django.core.management.base import BaseCommand, CommandError

from committees.models import Body
from resolutions.data.demo import demo_seed

DEFAULT_DEMO_PASSWORD = "gilan-demo-1405"


class Command(BaseCommand):
    help = "ساخت داده و حساب‌های نمایشی (پس از load_structure)."

    def add_arguments(self, parser):
        parser.add_argument("--province", default="گیلان")
        parser.add_argument("--capital", default="رشت")

    def handle(self, *args, province: str, capital: str, **options):
        if not Body.objects.exists():
            raise CommandError("نخست ساختار را بارگذاری کنید: python manage.py load_structure")
        password = os.environ.get("DEMO_PASSWORD") or DEFAULT_DEMO_PASSWORD
        accounts = demo_seed(password=password, province=province, capital=capital)
        self.stdout.write(self.style.SUCCESS("حساب‌های نمایشی (Demo accounts):"))
        width = max(len(a.username) for a in accounts)
        for account in accounts:
            self.stdout.write(f"  {account.username.ljust(width)}  {password}  {account.role}")
