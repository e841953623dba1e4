"""Agencies, people, posts and who held which post when."""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from egov_portal.fields import JalaliDateField
from egov_portal.models import TimeStampedModel
from egov_portal.text.collation import persian_order
from egov_portal.text.persian import normalize_for_search, to_latin_digits
from egov_portal.validators import (
    validate_mobile,
    validate_national_code,
    validate_no_bidi_controls,
)


class Sector(models.TextChoices):
    PUBLIC = "public", _("دولتی")
    PRIVATE = "private", _("خصوصی")


class AgencyKind(models.TextChoices):
    GOVERNORATE = "governorate", _("استانداری")
    DIRECTORATE = "directorate", _("اداره کل")
    ORGANIZATION = "organization", _("سازمان")
    MUNICIPALITY = "municipality", _("شهرداری")
    COMPANY = "company", _("شرکت")
    UNIVERSITY = "university", _("دانشگاه و مرکز پژوهشی")
    COUNCIL = "council", _("شورا")
    GUILD = "guild", _("تشکل صنفی")
    OTHER = "other", _("سایر")


class Agency(TimeStampedModel):
    """An executive agency of the province (دستگاه اجرایی)."""

    name = models.CharField(_("نام"), max_length=200, validators=[validate_no_bidi_controls])
    short_name = models.CharField(
        _("نام کوتاه"), max_length=80, blank=True, validators=[validate_no_bidi_controls]
    )
    kind = models.CharField(_("نوع"), max_length=20, choices=AgencyKind, default=AgencyKind.OTHER)
    sector = models.CharField(_("بخش"), max_length=10, choices=Sector, default=Sector.PUBLIC)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("دستگاه بالادست"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    is_active = models.BooleanField(
        _("فعال"), default=True, help_text=_("دستگاه غیرفعال دیگر ابلاغ «همه دستگاه‌ها» را نمی‌گیرد.")
    )
    salutation = models.CharField(
        _("خطاب نامه‌ها"),
        max_length=200,
        blank=True,
        validators=[validate_no_bidi_controls],
        help_text=_(
            "عنوان سمت رئیس دستگاه، چنان‌که نامه‌ها با آن آغاز می‌شوند: «شهردار محترم رشت»، "
            "«فرماندار محترم شهرستان رشت»، «مدیرکل محترم آموزش و پرورش استان گیلان». "
            "خالی بماند، نامه‌ها «مدیر محترم» و نام دستگاه را می‌نویسند."
        ),
    )
    search_text = models.TextField(editable=False, blank=True, default="")

    class Meta:
        ordering = [persian_order("name")]
        verbose_name = _("دستگاه اجرایی")
        verbose_name_plural = _("دستگاه‌های اجرایی")
        constraints = [
            models.UniqueConstraint(
                fields=["name"],
                name="agency_name_unique",
                violation_error_message=_("دستگاهی با این نام پیش‌تر ثبت شده است."),
            ),
            models.CheckConstraint(
                condition=~Q(name=""),
                name="agency_name_not_empty",
                violation_error_message=_("نام دستگاه را وارد کنید."),
            ),
        ]
        permissions = [
            ("manage_agency_directives", _("پاسخ به ابلاغ‌های دستگاه (مدیر فناوری اطلاعات)")),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def addressed_as(self) -> str:
        """How a letter addresses the agency's head: the recorded salutation, or «مدیر
        محترم» and the agency's name."""
        return self.salutation.strip() or _("مدیر محترم %(agency)s") % {"agency": self.name}

    def save(self, *args, **kwargs):
        self.search_text = normalize_for_search(f"{self.name} {self.short_name}")
        super().save(*args, **kwargs)


class Person(TimeStampedModel):
    """A natural person who may hold posts and seats, with an optional user account."""

    first_name = models.CharField(_("نام"), max_length=100, validators=[validate_no_bidi_controls])
    last_name = models.CharField(
        _("نام خانوادگی"), max_length=100, validators=[validate_no_bidi_controls]
    )
    title = models.CharField(
        _("عنوان"), max_length=40, blank=True, help_text=_("مثلاً «دکتر» یا «مهندس»")
    )
    national_code = models.CharField(
        _("کد ملی"),
        max_length=10,
        null=True,
        blank=True,
        unique=True,
        validators=[validate_national_code],
    )
    mobile = models.CharField(
        _("تلفن همراه"), max_length=11, blank=True, validators=[validate_mobile]
    )
    email = models.EmailField(_("رایانامه"), blank=True)
    agency = models.ForeignKey(
        Agency,
        verbose_name=_("دستگاه"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="people",
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("حساب کاربری"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="person",
    )
    search_text = models.TextField(editable=False, blank=True, default="")

    class Meta:
        ordering = [persian_order("last_name"), persian_order("first_name")]
        verbose_name = _("شخص")
        verbose_name_plural = _("اشخاص")
        constraints = [
            models.CheckConstraint(
                condition=~Q(first_name="") & ~Q(last_name=""),
                name="person_names_not_empty",
                violation_error_message=_("نام و نام خانوادگی را وارد کنید."),
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        name = f"{self.first_name} {self.last_name}"
        return f"{self.title} {name}" if self.title else name

    def save(self, *args, **kwargs):
        self.search_text = normalize_for_search(f"{self.first_name} {self.last_name}")
        super().save(*args, **kwargs)


class Position(TimeStampedModel):
    """A post in an agency, held by one person at a time (سمت), e.g. استاندار."""

    agency = models.ForeignKey(
        Agency, verbose_name=_("دستگاه"), on_delete=models.PROTECT, related_name="positions"
    )
    title = models.CharField(_("عنوان سمت"), max_length=200, validators=[validate_no_bidi_controls])
    is_active = models.BooleanField(_("فعال"), default=True)
    search_text = models.TextField(editable=False, blank=True, default="")

    class Meta:
        ordering = ["agency__name", "title"]
        verbose_name = _("سمت")
        verbose_name_plural = _("سمت‌ها")
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "title"],
                name="position_title_unique",
                violation_error_message=_("این دستگاه سمتی با همین عنوان دارد."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        self.search_text = normalize_for_search(self.title)
        super().save(*args, **kwargs)


class PositionHolding(TimeStampedModel):
    """A person's tenure in a post (حکم). ``end_date`` is the first day no longer held."""

    position = models.ForeignKey(
        Position, verbose_name=_("سمت"), on_delete=models.PROTECT, related_name="holdings"
    )
    person = models.ForeignKey(
        Person, verbose_name=_("شخص"), on_delete=models.PROTECT, related_name="holdings"
    )
    start_date = JalaliDateField(_("تاریخ شروع"))
    end_date = JalaliDateField(
        _("تاریخ پایان"),
        null=True,
        blank=True,
        help_text=_("نخستین روزی که دیگر در سمت نیست (معمولاً روز شروع جانشین)؛ خالی یعنی تاکنون."),
    )
    appointment_letter_number = models.CharField(_("شماره حکم"), max_length=50, blank=True)
    appointment_letter_date = JalaliDateField(_("تاریخ حکم"), null=True, blank=True)

    class Meta:
        ordering = ["position", "-start_date"]
        verbose_name = _("تصدی سمت")
        verbose_name_plural = _("تصدی‌های سمت")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gt=F("start_date")),
                name="holding_end_after_start",
                violation_error_message=_("تاریخ پایان باید بعد از تاریخ شروع باشد."),
            ),
            models.UniqueConstraint(
                fields=["position"],
                condition=Q(end_date__isnull=True),
                name="holding_one_open_per_position",
                violation_error_message=_(
                    "این سمت هم‌اکنون متصدی دارد؛ نخست تاریخ پایان تصدی قبلی را ثبت کنید (هم‌پوشانی دوره‌ها مجاز نیست)."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} — {self.position}"


class AgencyUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Agency, on_delete=models.CASCADE)

    class Meta(UserObjectPermissionBase.Meta):
        verbose_name = _("مجوز کاربر بر دستگاه")
        verbose_name_plural = _("مجوزهای کاربران بر دستگاه‌ها")


class AgencyGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Agency, on_delete=models.CASCADE)

    class Meta(GroupObjectPermissionBase.Meta):
        verbose_name = _("مجوز گروه بر دستگاه")
        verbose_name_plural = _("مجوزهای گروه‌ها بر دستگاه‌ها")


def parse_address_list(value: str) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    """The networks of an address list: one IP address or network (CIDR) per line or
    separated by commas or spaces; a Persian message names the first one that is not."""
    networks = []
    for item in value.replace(",", " ").split():
        try:
            networks.append(ipaddress.ip_network(to_latin_digits(item), strict=False))
        except ValueError:
            raise ValidationError(
                _("«%(item)s» نشانی IP یا شبکه معتبری نیست.") % {"item": item[:60]},
                code="address",
            ) from None
    return networks


def validate_address_list(value: str) -> None:
    parse_address_list(value)


class AgencyApiToken(TimeStampedModel):
    """A key with which one agency's own system reads and answers its directives through
    the API (``/api/v1/``). Only the SHA-256 of the secret is stored; the secret is shown
    once, when the key is made. A key stops working when it expires or is revoked, and,
    with an address list, from any other address."""

    agency = models.ForeignKey(
        Agency, verbose_name=_("دستگاه"), on_delete=models.PROTECT, related_name="api_tokens"
    )
    name = models.CharField(
        _("نام سامانه"),
        max_length=100,
        validators=[validate_no_bidi_controls],
        help_text=_("مثلاً «اتوماسیون اداری دستگاه»."),
    )
    prefix = models.CharField(_("آغاز کلید"), max_length=16, editable=False)
    key_hash = models.CharField(_("چکیده SHA-256 کلید"), max_length=64, unique=True, editable=False)
    account = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("حساب سامانه"),
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
        help_text=_("حسابی که کارهای سامانه دستگاه به نام آن ثبت می‌شود (ورود با آن ممکن نیست)."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("سازنده"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    expires_at = models.DateTimeField(_("پایان اعتبار"))
    allowed_addresses = models.TextField(
        _("نشانی‌های مجاز"),
        blank=True,
        validators=[validate_address_list],
        help_text=_("هر سطر یک نشانی IP یا شبکه (مانند 10.20.0.0/16)؛ خالی یعنی از هر نشانی."),
    )
    revoked_at = models.DateTimeField(_("زمان ابطال"), null=True, blank=True, editable=False)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("ابطال‌کننده"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    last_used_at = models.DateTimeField(_("آخرین استفاده"), null=True, blank=True, editable=False)
    last_used_from = models.GenericIPAddressField(
        _("آخرین نشانی استفاده"), null=True, blank=True, editable=False
    )

    class Meta:
        ordering = ["agency", "-created_at"]
        verbose_name = _("کلید رابط برنامه‌نویسی دستگاه")
        verbose_name_plural = _("کلیدهای رابط برنامه‌نویسی دستگاه‌ها")
        constraints = [
            models.CheckConstraint(
                condition=~Q(name=""),
                name="api_token_name_not_empty",
                violation_error_message=_("نام سامانه را وارد کنید."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.agency} — {self.name} ({self.prefix}…)"
