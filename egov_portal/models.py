"""Cross-cutting models: the timestamped base, the year's slogan, page view counters and
the notices users see in the portal."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

DEFAULT_SLOGAN = "دولت و ملت همدلی و همزبانی"


class TimeStampedModel(models.Model):
    """Creation and last-change times, kept as aware UTC datetimes."""

    created_at = models.DateTimeField(_("زمان ایجاد"), auto_now_add=True, editable=False)
    updated_at = models.DateTimeField(_("زمان آخرین ویرایش"), auto_now=True, editable=False)

    class Meta:
        abstract = True


class Slogan(TimeStampedModel):
    """The slogan of a Jalali year, shown in the footer of every page."""

    year = models.PositiveIntegerField(_("سال (شمسی)"), unique=True)
    text = models.CharField(_("شعار سال"), max_length=200)

    class Meta:
        ordering = ["-year"]
        verbose_name = _("شعار سال")
        verbose_name_plural = _("شعارهای سال")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(year__gte=1300, year__lte=1500),
                name="slogan_year_is_jalali",
                violation_error_message=_("سال را به تقویم شمسی بین ۱۳۰۰ و ۱۵۰۰ وارد کنید."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year}: {self.text}"


class PageCounter(models.Model):
    """How many times a public page has been viewed."""

    key = models.CharField(_("صفحه"), max_length=100, unique=True)
    views = models.PositiveBigIntegerField(_("تعداد بازدید"), default=0)

    class Meta:
        verbose_name = _("شمارنده بازدید")
        verbose_name_plural = _("شمارنده‌های بازدید")

    def __str__(self) -> str:
        return f"{self.key}: {self.views}"


class Notification(models.Model):
    """A notice shown to a user inside the portal (alongside any e-mail about the same)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("کاربر"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    title = models.CharField(_("عنوان"), max_length=200)
    body = models.TextField(_("متن"), blank=True)
    url = models.CharField(_("پیوند"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("زمان ایجاد"), auto_now_add=True)
    read_at = models.DateTimeField(_("زمان خواندن"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("اعلان")
        verbose_name_plural = _("اعلان‌ها")
        indexes = [models.Index(fields=["user", "read_at"], name="notification_user_read")]

    def __str__(self) -> str:
        return self.title
