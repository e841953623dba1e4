"""Resolutions of meetings (مصوبه) and the agencies they address."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from committees.models import AgendaItem, FrozenWhenApproved, Meeting, Removable
from egov_portal.fields import JalaliDateField
from egov_portal.models import TimeStampedModel
from egov_portal.text.collation import persian_order
from egov_portal.text.i18n import digits
from egov_portal.text.persian import abjad_label
from egov_portal.versioning import Versioned
from members.models import Agency


class Classification(models.TextChoices):
    NORMAL = "normal", _("عادی")
    CONFIDENTIAL = "confidential", _("محرمانه")
    TOP = "top_confidential", _("خیلی محرمانه")


class Priority(models.TextChoices):
    NORMAL = "normal", _("عادی")
    URGENT = "urgent", _("فوری")
    IMMEDIATE = "immediate", _("آنی")


class ResolutionKind(models.TextChoices):
    DECISION = "decision", _("تصمیم")
    ASSIGNMENT = "assignment", _("تکلیف")
    REFERRAL = "referral", _("ارجاع به رکن پایین‌دست")
    AMENDMENT = "amendment", _("اصلاح مصوبه پیشین")
    FOUNDING = "founding", _("تشکیل رکن")


class Resolution(Removable, FrozenWhenApproved, Versioned, TimeStampedModel):
    """A resolution of a meeting, lettered in abjad order (الف، ب، ج …) within it."""

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("جلسه"), on_delete=models.PROTECT, related_name="resolutions"
    )
    agenda_item = models.ForeignKey(
        AgendaItem,
        verbose_name=_("دستور جلسه"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="resolutions",
    )
    order = models.PositiveSmallIntegerField(_("ردیف"))
    label_override = models.CharField(
        _("بند (ثبت تاریخی)"),
        max_length=10,
        blank=True,
        help_text=_("فقط برای صورتجلسه‌های تاریخی که بندهایشان از پیش معلوم است."),
    )
    text = models.TextField(_("متن مصوبه"))
    kind = models.CharField(
        _("نوع"), max_length=20, choices=ResolutionKind, default=ResolutionKind.ASSIGNMENT
    )
    all_agencies = models.BooleanField(_("همه دستگاه‌های اجرایی استان"), default=False)
    agencies = models.ManyToManyField(
        Agency, through="ResolutionAgency", verbose_name=_("دستگاه‌ها"), related_name="+", blank=True
    )
    deadline = JalaliDateField(_("مهلت اجرا"), null=True, blank=True)
    deadline_working_days = models.PositiveSmallIntegerField(
        _("مهلت به روز کاری"),
        null=True,
        blank=True,
        help_text=_("به جای تاریخ معین: چند روز کاری پس از ابلاغ."),
    )
    classification = models.CharField(
        _("طبقه‌بندی"), max_length=20, choices=Classification, default=Classification.NORMAL
    )
    priority = models.CharField(
        _("فوریت"), max_length=20, choices=Priority, default=Priority.NORMAL
    )
    refer_to = models.ForeignKey(
        "committees.Body",
        verbose_name=_("ارجاع به رکن"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("برای مصوبه ارجاع: رکن پایین‌دستی که موضوع را بررسی می‌کند."),
    )
    answers = models.ForeignKey(
        "Referral",
        verbose_name=_("پاسخ به ارجاع"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="answered_by",
        help_text=_("مصوبه رکن پایین‌دست که نتیجه یک ارجاع را اعلام می‌کند."),
    )
    is_public = models.BooleanField(_("عمومی"), default=False)
    amends = models.ForeignKey(
        "self",
        verbose_name=_("اصلاح مصوبه"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="amended_by",
    )

    class Meta:
        ordering = ["meeting", "order", "pk"]
        verbose_name = _("مصوبه")
        verbose_name_plural = _("مصوبات")
        constraints = [
            models.CheckConstraint(
                condition=~Q(text=""),
                name="resolution_text_not_empty",
                violation_error_message=_("متن مصوبه را وارد کنید."),
            ),
        ]

    def __str__(self) -> str:
        return _("بند %(label)s %(meeting)s") % {"label": self.label, "meeting": self.meeting}

    @property
    def label(self) -> str:
        return self.label_override or abjad_label(self.order)


class AgencyRole(models.TextChoices):
    RESPONSIBLE = "responsible", _("مسئول اجرا")
    COLLABORATING = "collaborating", _("همکار")


def addressee_order(prefix: str = "") -> tuple:
    """The order addressed agencies are listed in everywhere (meeting page, minutes, letters):
    the responsible agencies first, then the collaborating ones, each in Persian dictionary
    order. ``prefix`` reaches ResolutionAgency rows from another model (``"addressees__"``)."""
    return (
        models.Case(
            models.When(**{f"{prefix}role": AgencyRole.RESPONSIBLE}, then=models.Value(0)),
            default=models.Value(1),
        ),
        persian_order(f"{prefix}agency__name"),
    )


class ResolutionAgency(FrozenWhenApproved, models.Model):
    resolution = models.ForeignKey(Resolution, on_delete=models.CASCADE, related_name="addressees")
    agency = models.ForeignKey(
        Agency, verbose_name=_("دستگاه"), on_delete=models.PROTECT, related_name="+"
    )
    role = models.CharField(
        _("نقش"), max_length=20, choices=AgencyRole, default=AgencyRole.RESPONSIBLE
    )

    class Meta:
        ordering = ["resolution", *addressee_order()]
        verbose_name = _("دستگاه مخاطب مصوبه")
        verbose_name_plural = _("دستگاه‌های مخاطب مصوبه")
        constraints = [
            models.UniqueConstraint(
                fields=["resolution", "agency"],
                name="resolution_agency_once",
                violation_error_message=_("این دستگاه پیش‌تر برای این مصوبه ثبت شده است."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.agency} ({self.get_role_display()})"

    def meeting_id_for_freeze(self) -> int | None:
        return (
            Resolution.objects.filter(pk=self.resolution_id)
            .values_list("meeting_id", flat=True)
            .first()
        )


class DirectiveState(models.TextChoices):
    ISSUED = "issued", _("ابلاغ‌شده")
    ACKNOWLEDGED = "acknowledged", _("رسید شده")
    IN_PROGRESS = "in_progress", _("در حال اجرا")
    REPORTED_DONE = "reported_done", _("گزارش انجام")
    VERIFIED = "verified", _("تأییدشده")
    RETURNED = "returned", _("برگشت برای تکمیل")
    CANCELLED = "cancelled", _("لغوشده")
    SUPERSEDED = "superseded", _("جایگزین‌شده")


OPEN_STATES = (
    DirectiveState.ISSUED,
    DirectiveState.ACKNOWLEDGED,
    DirectiveState.IN_PROGRESS,
    DirectiveState.REPORTED_DONE,
    DirectiveState.RETURNED,
)


class LetterSequence(models.Model):
    """The last letter number a body's secretariat gave in a Jalali year (row-locked when
    numbering, so numbers are unique and gap-free under concurrency)."""

    body = models.ForeignKey(
        "committees.Body", verbose_name=_("رکن"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("سال (شمسی)"))
    last = models.PositiveIntegerField(_("آخرین شماره"), default=0)

    class Meta:
        verbose_name = _("دنباله شماره نامه")
        verbose_name_plural = _("دنباله‌های شماره نامه")
        constraints = [
            models.UniqueConstraint(
                fields=["body", "year"],
                name="letter_sequence_once_per_year",
                violation_error_message=_("این رکن برای این سال دنباله شماره دارد."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.body} {self.year}: {self.last}"


def overdue_q(day) -> Q:
    """The one overdue rule, for the database: open, with a deadline, and past it on ``day``.

    Overdue is derived, never stored; ``Directive.is_overdue_on`` is the same rule for one
    row already in memory."""
    return Q(state__in=OPEN_STATES, due_date__isnull=False, due_date__lt=day)


class DirectiveQuerySet(models.QuerySet):
    def overdue_on(self, day) -> DirectiveQuerySet:
        """The directives that are overdue on ``day`` (see :func:`overdue_q`)."""
        return self.filter(overdue_q(day))


class Directive(TimeStampedModel):
    """A resolution communicated to one agency as a numbered letter (ابلاغ), and its
    follow-up until the secretariat verifies it done."""

    resolution = models.ForeignKey(
        Resolution, verbose_name=_("مصوبه"), on_delete=models.PROTECT, related_name="directives"
    )
    agency = models.ForeignKey(
        Agency, verbose_name=_("دستگاه"), on_delete=models.PROTECT, related_name="directives"
    )
    role = models.CharField(
        _("نقش"), max_length=20, choices=AgencyRole, default=AgencyRole.RESPONSIBLE
    )
    body = models.ForeignKey(
        "committees.Body",
        verbose_name=_("رکن ابلاغ‌کننده"),
        on_delete=models.PROTECT,
        related_name="directives",
    )
    year = models.PositiveSmallIntegerField(_("سال ابلاغ (شمسی)"))
    sequence = models.PositiveIntegerField(_("شماره ترتیبی"))
    letter_number = models.CharField(_("شماره نامه"), max_length=60, unique=True)
    issued_on = JalaliDateField(_("تاریخ ابلاغ"))
    classification = models.CharField(
        _("طبقه‌بندی"), max_length=20, choices=Classification, default=Classification.NORMAL
    )
    priority = models.CharField(
        _("فوریت"), max_length=20, choices=Priority, default=Priority.NORMAL
    )
    due_date = JalaliDateField(_("مهلت اجرا"), null=True, blank=True)
    deadline_rule = models.CharField(_("قاعده مهلت"), max_length=200, blank=True)
    state = models.CharField(
        _("وضعیت"), max_length=20, choices=DirectiveState, default=DirectiveState.ISSUED
    )
    progress = models.PositiveSmallIntegerField(_("درصد پیشرفت"), default=0)
    acknowledged_at = models.DateTimeField(_("زمان رسید"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("رسیدکننده"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reported_done_at = models.DateTimeField(_("زمان گزارش انجام"), null=True, blank=True)
    verified_at = models.DateTimeField(_("زمان تأیید"), null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("تأییدکننده"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    return_comment = models.TextField(_("توضیح برگشت"), blank=True)
    superseded_by = models.ForeignKey(
        Resolution,
        verbose_name=_("جایگزین‌شده با مصوبه"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="supersedes_directives",
    )

    objects = DirectiveQuerySet.as_manager()

    class Meta:
        ordering = ["-issued_on", "-sequence"]
        verbose_name = _("ابلاغ")
        verbose_name_plural = _("ابلاغ‌ها")
        constraints = [
            models.UniqueConstraint(
                fields=["body", "year", "sequence"],
                name="directive_sequence_unique",
                violation_error_message=_("این شماره نامه پیش‌تر داده شده است."),
            ),
            models.UniqueConstraint(
                fields=["resolution", "agency"],
                name="directive_once_per_agency",
                violation_error_message=_("این مصوبه پیش‌تر به این دستگاه ابلاغ شده است."),
            ),
            models.CheckConstraint(
                condition=Q(progress__lte=100),
                name="directive_progress_percent",
                violation_error_message=_("درصد پیشرفت بین ۰ و ۱۰۰ است."),
            ),
        ]
        # The default order's own index: the newest directives of a list, a search or a
        # scope are read from it and the scan stops at the page's end.
        indexes = [models.Index(fields=["-issued_on", "-sequence"], name="directive_newest")]
        permissions = [("view_all_directives", _("مشاهده همه ابلاغ‌ها"))]

    def __str__(self) -> str:
        return f"{self.letter_number} — {self.agency}"

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    @property
    def deadline_rule_display(self) -> str:
        """The deadline's rule in the interface's language (the stored ``deadline_rule`` is
        the Persian of the letter); needs ``resolution`` loaded."""
        resolution = self.resolution
        if resolution.deadline_working_days:
            return gettext("%(n)s روز کاری پس از ابلاغ") % {
                "n": digits(resolution.deadline_working_days)
            }
        if resolution.deadline:
            return gettext("تاریخ معین در مصوبه")
        return self.deadline_rule

    def is_overdue_on(self, day) -> bool:
        """:func:`overdue_q` for this row: open, with a deadline, and past it on ``day``."""
        return bool(self.is_open and self.due_date and self.due_date.togregorian() < day)


class DirectiveEvent(models.Model):
    """What happened to a directive, when and by whom (its history)."""

    directive = models.ForeignKey(
        Directive, verbose_name=_("ابلاغ"), on_delete=models.PROTECT, related_name="events"
    )
    state = models.CharField(_("وضعیت"), max_length=20, choices=DirectiveState)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("کاربر"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    note = models.TextField(_("توضیح"), blank=True)
    at = models.DateTimeField(_("زمان"), auto_now_add=True)

    class Meta:
        ordering = ["directive", "at", "pk"]
        verbose_name = _("رویداد ابلاغ")
        verbose_name_plural = _("رویدادهای ابلاغ")

    def __str__(self) -> str:
        return f"{self.directive}: {self.get_state_display()}"


def evidence_upload_to(instance, filename: str) -> str:
    return f"evidence/{instance.report.directive_id}/{uuid.uuid4().hex}"


class ProgressReport(models.Model):
    """An agency's report on a directive: percent done and what was done."""

    directive = models.ForeignKey(
        Directive, verbose_name=_("ابلاغ"), on_delete=models.PROTECT, related_name="reports"
    )
    percent = models.PositiveSmallIntegerField(_("درصد پیشرفت"))
    narrative = models.TextField(_("شرح اقدامات"))
    is_final = models.BooleanField(_("گزارش انجام کامل"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("زمان"), auto_now_add=True)

    class Meta:
        ordering = ["directive", "created_at", "pk"]
        verbose_name = _("گزارش پیشرفت")
        verbose_name_plural = _("گزارش‌های پیشرفت")
        constraints = [
            models.CheckConstraint(
                condition=Q(percent__lte=100),
                name="report_percent_range",
                violation_error_message=_("درصد پیشرفت بین ۰ و ۱۰۰ است."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.directive}: {self.percent}%"


class Evidence(models.Model):
    """A file supporting a progress report, stored privately."""

    report = models.ForeignKey(
        ProgressReport, verbose_name=_("گزارش"), on_delete=models.PROTECT, related_name="evidence"
    )
    file = models.FileField(_("پرونده"), upload_to=evidence_upload_to, max_length=300)
    original_name = models.CharField(_("نام پرونده"), max_length=255)
    content_type = models.CharField(_("نوع"), max_length=100)
    size = models.PositiveBigIntegerField(_("اندازه (بایت)"))
    sha256 = models.CharField(_("چکیده SHA-256"), max_length=64)
    created_at = models.DateTimeField(_("زمان"), auto_now_add=True)

    class Meta:
        ordering = ["report", "pk"]
        verbose_name = _("مستند")
        verbose_name_plural = _("مستندات")

    def __str__(self) -> str:
        return self.original_name


class ReminderLog(models.Model):
    """One reminder or escalation step sent for a directive (makes reminders idempotent)."""

    directive = models.ForeignKey(Directive, on_delete=models.CASCADE, related_name="reminders")
    step = models.CharField(_("مرحله"), max_length=40)
    sent_at = models.DateTimeField(_("زمان ارسال"), auto_now_add=True)

    class Meta:
        ordering = ["directive", "sent_at"]
        verbose_name = _("یادآوری ارسال‌شده")
        verbose_name_plural = _("یادآوری‌های ارسال‌شده")
        constraints = [
            models.UniqueConstraint(
                fields=["directive", "step"],
                name="reminder_once_per_step",
                violation_error_message=_("این یادآوری پیش‌تر فرستاده شده است."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.directive}: {self.step}"


class ReferralState(models.TextChoices):
    WAITING = "waiting", _("در صف")
    ON_AGENDA = "on_agenda", _("در دستور جلسه")
    ANSWERED = "answered", _("نتیجه اعلام شد")


class Referral(TimeStampedModel):
    """A matter referred by a resolution to a lower body (ارجاع), waiting in its queue."""

    resolution = models.ForeignKey(
        Resolution,
        verbose_name=_("مصوبه ارجاع"),
        on_delete=models.PROTECT,
        related_name="referrals",
    )
    to_body = models.ForeignKey(
        "committees.Body",
        verbose_name=_("رکن مقصد"),
        on_delete=models.PROTECT,
        related_name="referrals_received",
    )
    state = models.CharField(
        _("وضعیت"), max_length=20, choices=ReferralState, default=ReferralState.WAITING
    )
    agenda_item = models.ForeignKey(
        AgendaItem,
        verbose_name=_("دستور جلسه"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="referrals",
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("ارجاع")
        verbose_name_plural = _("ارجاع‌ها")
        constraints = [
            models.UniqueConstraint(
                fields=["resolution", "to_body"],
                name="referral_once_per_body",
                violation_error_message=_("این مصوبه پیش‌تر به این رکن ارجاع شده است."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.resolution} → {self.to_body}"


class WebhookEvent(models.TextChoices):
    """What an agency's system is told of (``resolutions.api.webhooks``)."""

    ISSUED = "directive.issued", _("ابلاغ تازه")
    RETURNED = "directive.returned", _("برگشت برای تکمیل")
    CANCELLED = "directive.cancelled", _("لغو ابلاغ")
    SUPERSEDED = "directive.superseded", _("جایگزینی با مصوبه اصلاحی")


class AgencyWebhook(TimeStampedModel):
    """An HTTPS address of an agency's system, told of its new, returned and cancelled
    directives; each delivery is signed with the webhook's own secret (HMAC-SHA256)."""

    agency = models.ForeignKey(
        Agency, verbose_name=_("دستگاه"), on_delete=models.PROTECT, related_name="webhooks"
    )
    url = models.URLField(_("نشانی"), max_length=500)
    secret = models.CharField(_("رمز امضا"), max_length=64, editable=False)
    is_active = models.BooleanField(_("فعال"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("سازنده"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )

    class Meta:
        ordering = ["agency", "-created_at"]
        verbose_name = _("نشانی اعلان سامانه دستگاه")
        verbose_name_plural = _("نشانی‌های اعلان سامانه دستگاه‌ها")
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "url"],
                name="webhook_url_once_per_agency",
                violation_error_message=_("این نشانی پیش‌تر برای این دستگاه ثبت شده است."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.agency} → {self.url}"


class DeliveryState(models.TextChoices):
    PENDING = "pending", _("در انتظار ارسال")
    DELIVERED = "delivered", _("رسید")
    FAILED = "failed", _("ناموفق")


class WebhookDelivery(models.Model):
    """One event sent (or still to be sent) to one webhook, with its attempts."""

    webhook = models.ForeignKey(
        AgencyWebhook, verbose_name=_("نشانی"), on_delete=models.CASCADE, related_name="deliveries"
    )
    directive = models.ForeignKey(
        Directive, verbose_name=_("ابلاغ"), on_delete=models.PROTECT, related_name="+"
    )
    event = models.CharField(_("رویداد"), max_length=30, choices=WebhookEvent)
    payload = models.JSONField(_("محتوا"), default=dict)
    state = models.CharField(
        _("وضعیت"), max_length=10, choices=DeliveryState, default=DeliveryState.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("تعداد تلاش"), default=0)
    next_attempt_at = models.DateTimeField(_("تلاش بعدی"), null=True, blank=True)
    last_status = models.PositiveSmallIntegerField(_("آخرین پاسخ HTTP"), null=True, blank=True)
    last_error = models.CharField(_("آخرین خطا"), max_length=300, blank=True)
    delivered_at = models.DateTimeField(_("زمان رسید"), null=True, blank=True)
    created_at = models.DateTimeField(_("زمان ایجاد"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("ارسال اعلان")
        verbose_name_plural = _("ارسال‌های اعلان")
        indexes = [models.Index(fields=["state", "next_attempt_at"], name="webhook_delivery_due")]

    def __str__(self) -> str:
        return f"{self.get_event_display()} {self.directive_id} → {self.webhook_id}"
