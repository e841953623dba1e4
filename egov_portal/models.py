"""Cross-cutting models: the timestamped base, the year's slogan, page view counters and
the notices users see in the portal."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    """Creation and last-change times, kept as aware UTC datetimes."""

    created_at = models.DateTimeField(_("زمان ایجاد"), auto_now_add=True, editable=False)
    updated_at = models.DateTimeField(_("زمان آخرین ویرایش"), auto_now=True, editable=False)

    class Meta:
        abstract = True


class Slogan(TimeStampedModel):
    """The slogan of a Jalali year: pages show this year's, documents their own date's
    (``egov_portal.selectors.slogan_for``)."""

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


def emblem_upload_to(instance, filename: str) -> str:
    return f"emblems/{uuid.uuid4().hex}"


class Province(TimeStampedModel):
    """A province whose bodies the portal serves, as its documents' letterhead names it:
    «استانداری گیلان» and the emblem printed above it (``egov_portal.selectors.letterhead_for``).
    ``name`` is the bodies' jurisdiction («گیلان»)."""

    name = models.CharField(_("نام استان"), max_length=100, unique=True)
    authority = models.CharField(
        _("نام استانداری"),
        max_length=200,
        help_text=_("چنان‌که در سربرگ اسناد چاپ می‌شود: «استانداری گیلان»."),
    )
    emblem = models.ImageField(
        _("نشان سربرگ"),
        upload_to=emblem_upload_to,
        blank=True,
        help_text=_(
            "تصویر PNG یا JPEG نشانی که بالای سربرگ صورتجلسه‌ها چاپ می‌شود؛ "
            "خالی بماند، جای نشان خالی و خنثی چاپ می‌شود."
        ),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("استان")
        verbose_name_plural = _("استان‌ها")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(name="") & ~models.Q(authority=""),
                name="province_names_not_empty",
                violation_error_message=_("نام استان و نام استانداری را وارد کنید."),
            ),
        ]

    def __str__(self) -> str:
        return self.authority


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
    kind = models.CharField(_("نوع رویداد"), max_length=20, default="other")
    digested_at = models.DateTimeField(_("زمان ارسال در رایانامه روزانه"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("اعلان")
        verbose_name_plural = _("اعلان‌ها")
        indexes = [models.Index(fields=["user", "read_at"], name="notification_user_read")]

    def __str__(self) -> str:
        return self.title


class JobState(models.TextChoices):
    QUEUED = "queued", _("در صف")
    RUNNING = "running", _("در حال اجرا")
    DONE = "done", _("انجام شد")
    FAILED = "failed", _("ناموفق")


def job_result_upload_to(instance, filename: str) -> str:
    return f"jobs/{instance.pk}/{filename}"


class Job(models.Model):
    """A piece of work run in the background (a thread, or a Celery worker when Redis is
    configured), with its progress and its result file (private: served through a view
    that checks who started it). See ``egov_portal/jobs/runner.py``."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(_("نوع"), max_length=50)
    params = models.JSONField(_("پارامترها"), default=dict, blank=True)
    state = models.CharField(_("وضعیت"), max_length=10, choices=JobState, default=JobState.QUEUED)
    progress = models.PositiveSmallIntegerField(_("پیشرفت (درصد)"), default=0)
    total = models.PositiveIntegerField(_("تعداد کل"), default=0)
    done = models.PositiveIntegerField(_("انجام‌شده"), default=0)
    result = models.FileField(
        _("نتیجه"), upload_to=job_result_upload_to, max_length=300, blank=True
    )
    error = models.TextField(_("خطا"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("درخواست‌کننده"),
        on_delete=models.CASCADE,
        related_name="jobs",
    )
    created_at = models.DateTimeField(_("زمان درخواست"), auto_now_add=True)
    finished_at = models.DateTimeField(_("زمان پایان"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("کار پس‌زمینه")
        verbose_name_plural = _("کارهای پس‌زمینه")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(progress__lte=100),
                name="job_progress_percent",
                violation_error_message=_("پیشرفت بین ۰ و ۱۰۰ درصد است."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} ({self.get_state_display()})"

    @property
    def is_finished(self) -> bool:
        return self.state in {JobState.DONE, JobState.FAILED}


class AuditAction(models.TextChoices):
    CREATE = "create", _("ایجاد")
    UPDATE = "update", _("ویرایش")
    TRANSITION = "transition", _("تغییر وضعیت")
    DELETE = "delete", _("حذف")
    GRANT = "grant", _("اعطای مجوز")
    REVOKE = "revoke", _("لغو مجوز")
    API_CALL = "api_call", _("درخواست به رابط برنامه‌نویسی")


class AuditSource(models.TextChoices):
    WEB = "web", _("درگاه")
    COMMAND = "command", _("فرمان مدیریتی")
    API = "api", _("رابط برنامه‌نویسی")


def _refuse_audit_change():
    raise PermissionDenied(_("رویدادهای دفتر ممیزی تغییر نمی‌کنند و حذف نمی‌شوند."))


class AuditEventQuerySet(models.QuerySet):
    """No bulk edits or deletes either (the database trigger says the same on PostgreSQL)."""

    def update(self, **kwargs):
        _refuse_audit_change()

    def delete(self):
        _refuse_audit_change()


class AuditEvent(models.Model):
    """One create, change, state transition, deletion or permission grant on a tracked
    record: who, when, from where, and the field values before and after. Append-only;
    written by ``egov_portal.audit`` in the same transaction as the change."""

    at = models.DateTimeField(_("زمان"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("کاربر"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    source = models.CharField(_("مبدأ"), max_length=10, choices=AuditSource)
    action = models.CharField(_("عمل"), max_length=12, choices=AuditAction)
    model = models.CharField(_("نوع رکورد"), max_length=100)
    object_id = models.CharField(_("شناسه رکورد"), max_length=64)
    object_repr = models.CharField(_("رکورد"), max_length=200)
    body_id = models.PositiveIntegerField(_("شناسه رکن"), null=True, blank=True, db_index=True)
    before = models.JSONField(_("پیش از تغییر"), default=dict, blank=True)
    after = models.JSONField(_("پس از تغییر"), default=dict, blank=True)
    address = models.GenericIPAddressField(_("نشانی IP"), null=True, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("رویداد ممیزی")
        verbose_name_plural = _("دفتر ممیزی")
        indexes = [models.Index(fields=["model", "object_id"], name="auditevent_object")]

    def __str__(self) -> str:
        return f"{self.get_action_display()}: {self.object_repr}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            _refuse_audit_change()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        _refuse_audit_change()


class NoticeKind(models.TextChoices):
    """The kinds of event a user may mute (``notify(kind=…)``; others are "other")."""

    MEETING = "meeting", _("جلسه‌ها (دعوت، تعویق، لغو)")
    MINUTES = "minutes", _("صورتجلسه‌ها (بررسی و تأیید)")
    DIRECTIVE = "directive", _("ابلاغ‌ها")
    REMINDER = "reminder", _("یادآوری مهلت‌ها")


class NotificationPreference(models.Model):
    """How a user wants to be told: a daily digest e-mail instead of one e-mail per event,
    and the kinds of event he does not want to hear about at all."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("کاربر"),
        on_delete=models.CASCADE,
        related_name="notification_preference",
    )
    daily_digest = models.BooleanField(
        _("رایانامه روزانه"),
        default=False,
        help_text=_("روزی یک رایانامه با اعلان‌های خوانده‌نشده، به جای رایانامه برای هر رویداد."),
    )
    muted_kinds = models.JSONField(_("رویدادهای بی‌صدا"), default=list, blank=True)
    updated_at = models.DateTimeField(_("زمان آخرین ویرایش"), auto_now=True)

    class Meta:
        verbose_name = _("ترجیح اعلان")
        verbose_name_plural = _("ترجیحات اعلان")

    def __str__(self) -> str:
        return str(self.user)
