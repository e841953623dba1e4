"""Resolutions of meetings (مصوبه) and the agencies they address."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from committees.models import AgendaItem, FrozenWhenApproved, Meeting
from egov_portal.fields import JalaliDateField
from egov_portal.models import TimeStampedModel
from egov_portal.persian import abjad_label
from members.models import Agency


class ResolutionKind(models.TextChoices):
    DECISION = "decision", _("تصمیم")
    ASSIGNMENT = "assignment", _("تکلیف")
    REFERRAL = "referral", _("ارجاع به رکن پایین‌دست")
    AMENDMENT = "amendment", _("اصلاح مصوبه پیشین")
    FOUNDING = "founding", _("تشکیل رکن")


class Resolution(FrozenWhenApproved, TimeStampedModel):
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


class ResolutionAgency(FrozenWhenApproved, models.Model):
    resolution = models.ForeignKey(Resolution, on_delete=models.CASCADE, related_name="addressees")
    agency = models.ForeignKey(
        Agency, verbose_name=_("دستگاه"), on_delete=models.PROTECT, related_name="+"
    )
    role = models.CharField(
        _("نقش"), max_length=20, choices=AgencyRole, default=AgencyRole.RESPONSIBLE
    )

    class Meta:
        ordering = ["resolution", "role", "agency__name"]
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
