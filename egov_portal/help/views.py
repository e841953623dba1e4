"""Help pages: one page per kind of user, written for civil servants, plus an index.

The pages are plain templates under ``egov_portal/templates/help/``; everyone may read them.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.http import Http404
from django.shortcuts import render
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe


@dataclass(frozen=True)
class HelpPage:
    slug: str
    title: Promise
    audience: Promise

    @property
    def template(self) -> str:
        return f"help/{self.slug.replace('-', '_')}.html"


#: In the order the index lists them: from the public visitor to the administrator.
HELP_PAGES: tuple[HelpPage, ...] = (
    HelpPage(
        "visitor",
        _("راهنمای بازدیدکننده"),
        _("هر شهروند یا کارمندی که بدون ورود، ساختار و مصوبات عمومی را می‌بیند."),
    ),
    HelpPage(
        "member",
        _("راهنمای عضو رکن"),
        _(
            "اعضای کارگروه، کمیته راهبری و زیرکمیته‌ها: دعوت‌نامه، پاسخ، پیوست‌ها و نظر درباره پیش‌نویس صورتجلسه."
        ),
    ),
    HelpPage(
        "secretariat",
        _("راهنمای دبیرخانه"),
        _(
            "دبیرخانه هر رکن: جلسه از پیش‌نویس تا تأیید، مصوبات و مهلت‌ها، پیگیری ابلاغ‌ها، ارجاع‌ها، داشبورد و نامه‌ها."
        ),
    ),
    HelpPage(
        "chair",
        _("راهنمای رئیس رکن"),
        _("رئیس کارگروه یا رکن: تأیید صورتجلسه و معنای قطعی شدن آن."),
    ),
    HelpPage(
        "it-manager",
        _("راهنمای مدیر فناوری اطلاعات دستگاه"),
        _(
            "پاسخ‌گوی ابلاغ‌های یک دستگاه اجرایی: رسید، گزارش پیشرفت با مستندات، گزارش انجام، ابلاغ‌های برگشتی و دیرکرد."
        ),
    ),
    HelpPage(
        "governor-office",
        _("راهنمای دفتر استاندار"),
        _("دفتر استاندار: خواندن همه ارکان و اسناد، چاپ صورتجلسه و نامه، داشبورد و خروجی‌ها."),
    ),
    HelpPage(
        "admin",
        _("راهنمای مدیر سامانه"),
        _(
            "مدیر درگاه: داده‌های ساختار، سمت‌ها و متصدیان، نقش‌ها و حساب‌ها، بازکردن قفل ورود و نسخه پشتیبان."
        ),
    ),
)
PAGES_BY_SLUG = {page.slug: page for page in HELP_PAGES}


@require_safe
def help_index(request):
    return render(request, "help/index.html", {"pages": HELP_PAGES})


@require_safe
def help_page(request, slug: str):
    page = PAGES_BY_SLUG.get(slug)
    if page is None:
        raise Http404
    return render(request, page.template, {"page": page, "pages": HELP_PAGES})
