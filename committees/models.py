"""Bodies (the working group, its committees), their seats and who sat in them."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from egov_portal.fields import JalaliDateField
from egov_portal.models import TimeStampedModel
from egov_portal.text.i18n import ordinal
from egov_portal.text.jalali import display_short
from egov_portal.text.persian import normalize_for_search
from egov_portal.validators import validate_no_bidi_controls
from egov_portal.versioning import Versioned
from members.models import Agency, Person, Position


def validate_letter_pattern(value: str) -> None:
    if "{seq}" not in value:
        raise ValidationError(_("الگو باید {seq} را داشته باشد."), code="no_seq")
    try:
        value.format(seq=1, prefix="x", year=1405)
    except (KeyError, IndexError, ValueError):
        raise ValidationError(
            _("در الگو فقط {seq}، {prefix} و {year} به کار می‌رود."), code="bad_pattern"
        ) from None


class LegalBasisKind(models.TextChoices):
    REGULATION = "regulation", _("آیین‌نامه و ضوابط")
    RESOLUTION = "resolution", _("مصوبه")
    LAW = "law", _("قانون")


class LegalBasis(TimeStampedModel):
    """A legal act that creates or empowers a body (مبنای قانونی)."""

    title = models.CharField(_("عنوان"), max_length=300)
    kind = models.CharField(
        _("نوع"), max_length=20, choices=LegalBasisKind, default=LegalBasisKind.REGULATION
    )
    article = models.CharField(_("ماده یا بند"), max_length=100, blank=True)
    approving_authority = models.CharField(_("مرجع تصویب"), max_length=300)
    approval_session = models.CharField(_("جلسه تصویب"), max_length=200, blank=True)
    approval_date = JalaliDateField(_("تاریخ تصویب"), null=True, blank=True)
    letter_number = models.CharField(_("شماره ابلاغ"), max_length=50, blank=True)
    letter_date = JalaliDateField(_("تاریخ ابلاغ"), null=True, blank=True)
    text = models.TextField(_("متن"), blank=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("به استناد"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        help_text=_("مبنای بالادستی که این مصوبه به استناد آن صادر شده است."),
    )
    meeting = models.ForeignKey(
        "committees.Meeting",
        verbose_name=_("جلسه تصویب"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="legal_bases",
        help_text=_("برای مصوبه‌ای از ارکان همین درگاه: جلسه‌ای که آن را تصویب کرد."),
    )

    class Meta:
        ordering = ["approval_date", "pk"]
        verbose_name = _("مبنای قانونی")
        verbose_name_plural = _("مبانی قانونی")
        constraints = [
            models.UniqueConstraint(
                fields=["title", "article"],
                name="legal_basis_unique",
                violation_error_message=_("مبنای قانونی با همین عنوان و ماده پیش‌تر ثبت شده است."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} — {self.article}" if self.article else self.title

    def chain(self) -> list[LegalBasis]:
        """This act and the acts above it, the highest last (at most a few levels)."""
        result, node, seen = [], self, set()
        while node is not None and node.pk not in seen:
            seen.add(node.pk)
            result.append(node)
            node = node.parent
        return result


class BodyKind(models.TextChoices):
    NATIONAL = "national", _("مرجع ملی")
    WORKING_GROUP = "working_group", _("کارگروه استانی")
    STEERING_COMMITTEE = "steering_committee", _("کمیته راهبری")
    SUBCOMMITTEE = "subcommittee", _("زیرکمیته فنی")


class QuorumRule(models.TextChoices):
    MAJORITY = "majority", _("بیش از نصف اعضا")
    TWO_THIRDS = "two_thirds", _("دو سوم اعضا")
    FIXED = "fixed", _("تعداد معین")


def body_full_title(name: str, jurisdiction: str) -> str:
    """«کارگروه توسعه دولت الکترونیک استان گیلان»: a body's name as documents print it,
    completed by its province when the name ends with «استان» (as the provincial bodies'
    names do), so the province is named once and «استان» never stands alone. Takes the two
    strings, not the body, so the minutes' snapshot (which holds them) prints it too."""
    name = name.strip()
    if jurisdiction and name.endswith("استان"):
        return f"{name} {jurisdiction}"
    return name


class Body(TimeStampedModel):
    """A council, working group or committee (رکن)."""

    name = models.CharField(_("نام"), max_length=200, validators=[validate_no_bidi_controls])
    short_name = models.CharField(_("نام کوتاه"), max_length=100, blank=True)
    kind = models.CharField(_("نوع"), max_length=30, choices=BodyKind)
    jurisdiction = models.CharField(
        _("حوزه"), max_length=100, blank=True, help_text=_("نام استان؛ برای مراجع ملی خالی.")
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("رکن بالادست"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    legal_basis = models.ForeignKey(
        LegalBasis,
        verbose_name=_("مبنای قانونی تشکیل"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="bodies",
    )
    established_date = JalaliDateField(_("تاریخ تشکیل"), null=True, blank=True)
    mandate = models.TextField(_("وظایف و مأموریت"), blank=True)
    composition_text = models.TextField(_("ترکیب اعضا (شرح)"), blank=True)
    members_selected_by = models.ForeignKey(
        "self",
        verbose_name=_("انتخاب اعضا توسط"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="selects_members_of",
    )
    public_majority_required = models.BooleanField(_("اکثریت از بخش دولتی"), default=False)
    private_members_min = models.PositiveSmallIntegerField(
        _("حداقل اعضای بخش خصوصی"), null=True, blank=True
    )
    private_members_max = models.PositiveSmallIntegerField(
        _("حداکثر اعضای بخش خصوصی"), null=True, blank=True
    )
    quorum_rule = models.CharField(
        _("حد نصاب"), max_length=20, choices=QuorumRule, default=QuorumRule.MAJORITY
    )
    quorum_count = models.PositiveSmallIntegerField(
        _("تعداد حد نصاب"), null=True, blank=True, help_text=_("فقط برای «تعداد معین».")
    )
    letter_prefix = models.CharField(_("پیشوند شماره نامه دبیرخانه"), max_length=30, blank=True)
    letter_pattern = models.CharField(
        _("الگوی شماره نامه"),
        max_length=60,
        default="{seq}/{prefix}/{year}",
        validators=[validate_letter_pattern],
        help_text=_("با {seq} (شماره ترتیبی که هر سال از ۱ آغاز می‌شود)، {prefix} و {year}."),
    )
    order = models.PositiveSmallIntegerField(_("ترتیب نمایش"), default=0)
    is_public = models.BooleanField(_("نمایش عمومی"), default=True)
    search_text = models.TextField(editable=False, blank=True, default="")

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("رکن")
        verbose_name_plural = _("ارکان")
        constraints = [
            models.UniqueConstraint(
                fields=["name", "jurisdiction"],
                name="body_name_unique",
                violation_error_message=_("رکنی با همین نام در این استان پیش‌تر ثبت شده است."),
            ),
            models.CheckConstraint(
                condition=~Q(quorum_rule="fixed") | Q(quorum_count__gte=1),
                name="body_fixed_quorum_has_count",
                violation_error_message=_("برای حد نصاب «تعداد معین»، تعداد را وارد کنید."),
            ),
            models.CheckConstraint(
                condition=Q(private_members_min__isnull=True)
                | Q(private_members_max__isnull=True)
                | Q(private_members_min__lte=F("private_members_max")),
                name="body_private_min_le_max",
                violation_error_message=_("حداقل اعضای بخش خصوصی نباید از حداکثر آن بیشتر باشد."),
            ),
        ]
        permissions = [
            ("manage_body", _("اداره امور رکن (دبیرخانه)")),
            ("chair_body", _("ریاست رکن (تأیید صورتجلسه)")),
            ("view_body_records", _("مشاهده جلسات و اسناد رکن")),
            ("view_everything", _("مشاهده همه ارکان و اسناد (دفتر استاندار)")),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def full_title(self) -> str:
        """The name with its province once (:func:`body_full_title`)."""
        return body_full_title(self.name, self.jurisdiction)

    def legal_chain(self) -> list[LegalBasis]:
        """The legal acts from the body's own up to the highest (Article 6), lowest first."""
        return self.legal_basis.chain() if self.legal_basis_id else []

    def save(self, *args, **kwargs):
        self.search_text = normalize_for_search(f"{self.name} {self.short_name}")
        super().save(*args, **kwargs)


class SeatRole(models.TextChoices):
    CHAIR = "chair", _("رئیس")
    VICE_CHAIR = "vice_chair", _("نایب‌رئیس")
    SECRETARY = "secretary", _("دبیر")
    VICE_CHAIR_SECRETARY = "vice_chair_secretary", _("نایب‌رئیس و دبیر")
    MEMBER = "member", _("عضو")


class SeatKind(models.TextChoices):
    BY_POST = "by_post", _("حقوقی (به اعتبار سمت)")
    BY_AGENCY = "by_agency", _("حقوقی (نماینده دستگاه)")
    NOMINATED = "nominated", _("حقیقی (با پیشنهاد و تأیید)")


class Seat(TimeStampedModel):
    """A place in a body, filled through a post, an agency's representative or a nomination."""

    body = models.ForeignKey(
        Body, verbose_name=_("رکن"), on_delete=models.CASCADE, related_name="seats"
    )
    order = models.PositiveSmallIntegerField(_("ردیف"))
    title = models.CharField(
        _("عنوان جایگاه"), max_length=300, validators=[validate_no_bidi_controls]
    )
    role = models.CharField(_("نقش"), max_length=30, choices=SeatRole, default=SeatRole.MEMBER)
    kind = models.CharField(_("نوع عضویت"), max_length=20, choices=SeatKind)
    position = models.ForeignKey(
        Position,
        verbose_name=_("سمت"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="seats",
        help_text=_("برای جایگاه حقوقی به اعتبار سمت."),
    )
    agency = models.ForeignKey(
        Agency,
        verbose_name=_("دستگاه"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="seats",
        help_text=_("برای جایگاهی که دستگاه نماینده‌اش را معرفی می‌کند."),
    )
    persons_count = models.PositiveSmallIntegerField(_("تعداد نفرات"), default=1)
    proposed_by = models.ForeignKey(
        Position,
        verbose_name=_("به پیشنهاد"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="proposes_seats",
    )
    approved_by = models.ForeignKey(
        Position,
        verbose_name=_("با تأیید"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="approves_seats",
    )
    sector = models.CharField(
        _("بخش"),
        max_length=10,
        blank=True,
        help_text=_("برای جایگاهی که بخش آن از پیش معلوم است؛ وگرنه از دستگاه عضو خوانده می‌شود."),
    )
    search_text = models.TextField(editable=False, blank=True, default="")

    class Meta:
        ordering = ["body", "order"]
        verbose_name = _("جایگاه")
        verbose_name_plural = _("جایگاه‌ها")
        constraints = [
            models.UniqueConstraint(
                fields=["body", "order"],
                name="seat_order_unique",
                violation_error_message=_("این رکن جایگاهی با همین ردیف دارد."),
            ),
            models.CheckConstraint(
                condition=~Q(kind="by_post") | Q(position__isnull=False),
                name="seat_by_post_has_position",
                violation_error_message=_("برای جایگاه به اعتبار سمت، سمت را انتخاب کنید."),
            ),
            models.CheckConstraint(
                condition=~Q(kind="by_agency") | Q(agency__isnull=False),
                name="seat_by_agency_has_agency",
                violation_error_message=_("برای جایگاه نماینده دستگاه، دستگاه را انتخاب کنید."),
            ),
            models.CheckConstraint(
                condition=Q(persons_count__gte=1),
                name="seat_persons_count_positive",
                violation_error_message=_("تعداد نفرات جایگاه دست‌کم یک است."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.body} — {self.order}. {self.title}"

    def save(self, *args, **kwargs):
        self.search_text = normalize_for_search(self.title)
        super().save(*args, **kwargs)

    @property
    def is_chair(self) -> bool:
        return self.role == SeatRole.CHAIR

    @property
    def is_secretary(self) -> bool:
        return self.role in {SeatRole.SECRETARY, SeatRole.VICE_CHAIR_SECRETARY}


class Membership(TimeStampedModel):
    """A named person in a seat for a period, with the proposal and approval records."""

    seat = models.ForeignKey(
        Seat, verbose_name=_("جایگاه"), on_delete=models.PROTECT, related_name="memberships"
    )
    person = models.ForeignKey(
        Person, verbose_name=_("شخص"), on_delete=models.PROTECT, related_name="memberships"
    )
    start_date = JalaliDateField(_("تاریخ شروع"))
    end_date = JalaliDateField(
        _("تاریخ پایان"), null=True, blank=True, help_text=_("نخستین روزی که دیگر عضو نیست.")
    )
    proposal_letter_number = models.CharField(_("شماره نامه پیشنهاد"), max_length=50, blank=True)
    proposal_letter_date = JalaliDateField(_("تاریخ نامه پیشنهاد"), null=True, blank=True)
    approval_letter_number = models.CharField(_("شماره نامه تأیید"), max_length=50, blank=True)
    approval_letter_date = JalaliDateField(_("تاریخ نامه تأیید"), null=True, blank=True)
    appointment_letter_number = models.CharField(_("شماره حکم عضویت"), max_length=50, blank=True)
    appointment_letter_date = JalaliDateField(_("تاریخ حکم عضویت"), null=True, blank=True)

    class Meta:
        ordering = ["seat", "-start_date"]
        verbose_name = _("عضویت")
        verbose_name_plural = _("عضویت‌ها")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gt=F("start_date")),
                name="membership_end_after_start",
                violation_error_message=_("تاریخ پایان باید بعد از تاریخ شروع باشد."),
            ),
            models.UniqueConstraint(
                fields=["seat", "person"],
                condition=Q(end_date__isnull=True),
                name="membership_one_open_per_person_and_seat",
                violation_error_message=_("این شخص هم‌اکنون عضو همین جایگاه است."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} — {self.seat.title}"


class BodyUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Body, on_delete=models.CASCADE)

    class Meta(UserObjectPermissionBase.Meta):
        verbose_name = _("مجوز کاربر بر رکن")
        verbose_name_plural = _("مجوزهای کاربران بر ارکان")


class BodyGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Body, on_delete=models.CASCADE)

    class Meta(GroupObjectPermissionBase.Meta):
        verbose_name = _("مجوز گروه بر رکن")
        verbose_name_plural = _("مجوزهای گروه‌ها بر ارکان")


class Closure(models.Model):
    """A day the administration declared closed (snow, pollution…): not a working day.

    Kept with the meetings (a meeting on such a day asks for confirmation) and read by the
    working-day calendar (``committees.workdays``) that the directives' deadlines use."""

    day = JalaliDateField(_("روز"), unique=True)
    title = models.CharField(_("علت"), max_length=200)

    class Meta:
        db_table = "resolutions_closure"  # its table since it was the directives' own
        ordering = ["-day"]
        verbose_name = _("تعطیلی اعلام‌شده")
        verbose_name_plural = _("تعطیلی‌های اعلام‌شده")

    def __str__(self) -> str:
        return f"{self.day}: {self.title}"


class MeetingState(models.TextChoices):
    DRAFT = "draft", _("پیش‌نویس")
    SCHEDULED = "scheduled", _("دعوت‌شده")
    HELD = "held", _("برگزارشده")
    IN_REVIEW = "in_review", _("صورتجلسه در بررسی")
    APPROVED = "approved", _("صورتجلسه تصویب‌شده")
    POSTPONED = "postponed", _("به تعویق افتاده")
    CANCELLED = "cancelled", _("لغوشده")


class FrozenError(PermissionDenied):
    """Raised when something tries to change a record of approved minutes."""


class FrozenWhenApproved(models.Model):
    """Refuses saving or deleting a row that belongs to approved minutes.

    The database trigger on PostgreSQL (migration ``committees/0004``) says the same for raw
    SQL; this guard speaks for every Python path (forms, admin, services, shell).
    """

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self._frozen_in_database():
            raise FrozenError(_("صورتجلسه تأیید شده است و هیچ بخشی از آن تغییر نمی‌کند."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self._frozen_in_database():
            raise FrozenError(_("صورتجلسه تأیید شده است و هیچ بخشی از آن حذف نمی‌شود."))
        return super().delete(*args, **kwargs)

    def meeting_id_for_freeze(self) -> int | None:
        return getattr(self, "meeting_id", None)

    def _frozen_in_database(self) -> bool:
        meeting_id = self.meeting_id_for_freeze()
        if not meeting_id:
            return False
        return Meeting.objects.filter(pk=meeting_id, state=MeetingState.APPROVED).exists()


class KeptManager(models.Manager):
    """The rows not removed: the default manager of a :class:`Removable` model, so every
    query, related manager and prefetch leaves removed rows out."""

    def get_queryset(self):
        return super().get_queryset().filter(removed_at__isnull=True)


class Removable(models.Model):
    """A row of a meeting's draft (an agenda item, a resolution) the secretariat may remove
    and restore until the minutes are approved. A removed row keeps its data and links but
    the default manager (``objects``) and every related manager hide it, so no page, count,
    number, print, search, export or API sees it; ``all_objects`` lists it, for the meeting
    page's «بازگرداندن». When the minutes are approved removed rows are deleted for good.
    (Joins across the relation, ``filter(agenda_item__…)``, do not go through the manager
    and must say ``removed_at__isnull=True`` themselves.)"""

    removed_at = models.DateTimeField(_("زمان حذف"), null=True, blank=True, editable=False)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("حذف‌کننده"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )

    objects = KeptManager()
    all_objects = models.Manager()  # noqa: DJ012 (a manager, not a field)

    class Meta:
        abstract = True


class Meeting(Versioned, TimeStampedModel):
    """A meeting of a body, numbered per body (جلسه ششم)."""

    body = models.ForeignKey(
        Body, verbose_name=_("رکن"), on_delete=models.PROTECT, related_name="meetings"
    )
    number = models.PositiveSmallIntegerField(
        _("شماره جلسه"),
        null=True,
        blank=True,
        help_text=_(
            "هنگام ارسال دعوت‌نامه‌ها داده می‌شود (پیش‌نویس شماره ندارد)؛ صفر برای جلسه "
            "تاریخی‌ای که شماره‌اش معلوم نیست."
        ),
    )
    starts_at = models.DateTimeField(_("زمان شروع"))
    ends_at = models.DateTimeField(_("زمان پایان"), null=True, blank=True)
    place = models.CharField(_("مکان"), max_length=200, validators=[validate_no_bidi_controls])
    online_link = models.URLField(_("پیوند جلسه برخط"), blank=True)
    state = models.CharField(
        _("وضعیت"), max_length=20, choices=MeetingState, default=MeetingState.DRAFT
    )
    state_reason = models.TextField(_("علت تعویق یا لغو"), blank=True)
    quorum_met = models.BooleanField(_("حد نصاب"), null=True, blank=True)
    is_public = models.BooleanField(
        _("عمومی"), default=False, help_text=_("صورتجلسه تأییدشده برای عموم نمایش داده شود.")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("ایجادکننده"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-starts_at"]
        verbose_name = _("جلسه")
        verbose_name_plural = _("جلسات")
        constraints = [
            models.UniqueConstraint(
                fields=["body", "number"],
                name="meeting_number_unique",
                violation_error_message=_("این رکن جلسه‌ای با همین شماره دارد."),
            ),
            models.CheckConstraint(
                condition=Q(ends_at__isnull=True) | Q(ends_at__gt=F("starts_at")),
                name="meeting_ends_after_start",
                violation_error_message=_("زمان پایان جلسه باید بعد از زمان شروع باشد."),
            ),
        ]
        # Lists newest first (the register, the calendar, search) read the newest meetings
        # from here and their resolutions by meeting, and stop at the page's end.
        indexes = [models.Index(fields=["-starts_at", "-id"], name="meeting_newest")]

    def __str__(self) -> str:
        return f"{self.title} {self.body}"

    @property
    def title(self) -> str:
        """«جلسه ششم»; «پیش‌نویس جلسه ۱۴۰۵/۰۹/۱۷» for a draft (numbered when scheduled);
        «جلسه مورخ ۱۳۹۴/۰۲/۰۷» for a historical meeting of unknown number."""
        if self.number is None and self.state == MeetingState.DRAFT:
            return _("پیش‌نویس جلسه %(date)s") % {"date": display_short(self.starts_at)}
        if not self.number:
            return _("جلسه مورخ %(date)s") % {"date": display_short(self.starts_at)}
        return _("جلسه %(ordinal)s") % {"ordinal": ordinal(self.number)}

    @property
    def is_frozen(self) -> bool:
        return self.state == MeetingState.APPROVED

    def save(self, *args, **kwargs):
        if self.pk and Meeting.objects.filter(pk=self.pk, state=MeetingState.APPROVED).exists():
            raise FrozenError(_("صورتجلسه تأیید شده است و هیچ بخشی از آن تغییر نمی‌کند."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self.pk and Meeting.objects.filter(pk=self.pk, state=MeetingState.APPROVED).exists():
            raise FrozenError(_("صورتجلسه تأیید شده است و هیچ بخشی از آن حذف نمی‌شود."))
        return super().delete(*args, **kwargs)


class AgendaItem(Removable, FrozenWhenApproved, Versioned, TimeStampedModel):
    """An item of a meeting's agenda, with the discussion the minutes record for it."""

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("جلسه"), on_delete=models.CASCADE, related_name="agenda_items"
    )
    order = models.PositiveSmallIntegerField(_("ردیف"))
    title = models.CharField(_("عنوان"), max_length=300, validators=[validate_no_bidi_controls])
    description = models.TextField(_("شرح"), blank=True)
    presenter = models.CharField(_("ارائه‌دهنده"), max_length=200, blank=True)
    discussion = models.TextField(_("خلاصه مذاکرات"), blank=True)

    class Meta:
        ordering = ["meeting", "order", "pk"]
        verbose_name = _("دستور جلسه")
        verbose_name_plural = _("دستورهای جلسه")

    def __str__(self) -> str:
        return self.title


def paper_upload_to(instance, filename: str) -> str:
    return f"papers/{instance.agenda_item.meeting_id}/{uuid.uuid4().hex}"


class Paper(FrozenWhenApproved, TimeStampedModel):
    """A document attached to an agenda item, stored privately and served through a view."""

    agenda_item = models.ForeignKey(
        AgendaItem, verbose_name=_("دستور جلسه"), on_delete=models.CASCADE, related_name="papers"
    )
    file = models.FileField(_("پرونده"), upload_to=paper_upload_to, max_length=300)
    original_name = models.CharField(_("نام پرونده"), max_length=255)
    content_type = models.CharField(_("نوع"), max_length=100)
    size = models.PositiveBigIntegerField(_("اندازه (بایت)"))
    sha256 = models.CharField(_("چکیده SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["agenda_item", "pk"]
        verbose_name = _("پیوست")
        verbose_name_plural = _("پیوست‌ها")

    def __str__(self) -> str:
        return self.original_name

    def meeting_id_for_freeze(self) -> int | None:
        return (
            AgendaItem.objects.filter(pk=self.agenda_item_id)
            .values_list("meeting_id", flat=True)
            .first()
        )


class RSVP(models.TextChoices):
    PENDING = "pending", _("بی‌پاسخ")
    ATTENDING = "attending", _("حضور می‌یابم")
    NOT_ATTENDING = "not_attending", _("حضور نمی‌یابم")
    SUBSTITUTE = "substitute", _("جانشین می‌فرستم")


class AttendanceStatus(models.TextChoices):
    PRESENT = "present", _("حاضر")
    ABSENT = "absent", _("غایب")
    EXCUSED = "excused", _("غایب با عذر")
    SUBSTITUTE = "substitute", _("جانشین")


class Invitation(FrozenWhenApproved, TimeStampedModel):
    """An invitation of a seat holder to a meeting, his answer and his attendance."""

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("جلسه"), on_delete=models.CASCADE, related_name="invitations"
    )
    person = models.ForeignKey(
        Person, verbose_name=_("مدعو"), on_delete=models.PROTECT, related_name="invitations"
    )
    seat = models.ForeignKey(
        Seat,
        verbose_name=_("جایگاه"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="invitations",
    )
    sent_at = models.DateTimeField(_("زمان ارسال"), null=True, blank=True)
    reminder_sent_at = models.DateTimeField(_("زمان یادآوری"), null=True, blank=True)
    rsvp = models.CharField(_("پاسخ"), max_length=20, choices=RSVP, default=RSVP.PENDING)
    responded_at = models.DateTimeField(_("زمان پاسخ"), null=True, blank=True)
    substitute_name = models.CharField(_("نام جانشین"), max_length=200, blank=True)
    substitute_post = models.CharField(_("سمت جانشین"), max_length=200, blank=True)
    attendance = models.CharField(_("حضور"), max_length=20, choices=AttendanceStatus, blank=True)
    checked_in_at = models.DateTimeField(
        _("زمان اعلام حضور"),
        null=True,
        blank=True,
        help_text=_(
            "مدعو در ساعت جلسه خودش حضورش را اعلام کرد؛ دبیرخانه آن را در حضور و غیاب ثبت می‌کند."
        ),
    )

    class Meta:
        ordering = ["meeting", "seat__order", "pk"]
        verbose_name = _("دعوت‌نامه")
        verbose_name_plural = _("دعوت‌نامه‌ها")
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "person"],
                name="invitation_once_per_person",
                violation_error_message=_("این شخص پیش‌تر به این جلسه دعوت شده است."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} — {self.meeting}"

    @property
    def counts_for_quorum(self) -> bool:
        return self.attendance in {AttendanceStatus.PRESENT, AttendanceStatus.SUBSTITUTE}


class Guest(FrozenWhenApproved, TimeStampedModel):
    """Someone present at a meeting who is not a member (مدعو)."""

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("جلسه"), on_delete=models.CASCADE, related_name="guests"
    )
    name = models.CharField(_("نام"), max_length=200, validators=[validate_no_bidi_controls])
    agency = models.CharField(_("دستگاه"), max_length=200, blank=True)

    class Meta:
        ordering = ["meeting", "pk"]
        verbose_name = _("مهمان")
        verbose_name_plural = _("مهمانان")

    def __str__(self) -> str:
        return self.name


class Minutes(FrozenWhenApproved, Versioned, TimeStampedModel):
    """The minutes of a meeting (صورتجلسه): its review, approval and fingerprint."""

    meeting = models.OneToOneField(
        Meeting, verbose_name=_("جلسه"), on_delete=models.CASCADE, related_name="minutes"
    )
    preamble = models.TextField(_("مقدمه"), blank=True)
    review_deadline = models.DateTimeField(_("مهلت اظهارنظر"), null=True, blank=True)
    sent_for_review_at = models.DateTimeField(_("زمان ارسال برای بررسی"), null=True, blank=True)
    approved_at = models.DateTimeField(_("زمان تصویب"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("تصویب‌کننده"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    letter_number = models.CharField(_("شماره صورتجلسه"), max_length=50, blank=True)
    letter_date = JalaliDateField(_("تاریخ صورتجلسه"), null=True, blank=True)
    fingerprint = models.CharField(_("اثر انگشت SHA-256"), max_length=64, blank=True, db_index=True)
    # Everything the approved minutes print, frozen at approval (names, posts, seats, agencies,
    # times, place, agenda, attendance, resolutions): the PDF, the print view and /verify/
    # read it, and the fingerprint is its hash (resolutions.documents.minutes).
    snapshot = models.JSONField(_("متن تأییدشده"), default=dict, blank=True, editable=False)
    # Minutes approved before snapshots existed: the fingerprint printed on their copies then
    # (the SHA-256 of ``canonical``); those copies still verify.
    previous_fingerprint = models.CharField(
        _("اثر انگشت پیشین"), max_length=64, blank=True, editable=False, db_index=True
    )
    canonical = models.TextField(_("متن متعارف امضاشده"), blank=True, editable=False)
    # The approved minutes' PDF/A file, rendered and signed once (at approval, or on the first
    # request for minutes approved before files were kept) and served as it is ever after
    # (resolutions.documents.archive). Written once: the database lets these three columns go
    # from empty to set on approved minutes, and nothing else (migration minutes_archive).
    archive = models.FileField(
        _("نسخه بایگانی (PDF)"), upload_to="minutes/", max_length=200, blank=True, editable=False
    )
    archive_sha256 = models.CharField(
        _("SHA-256 نسخه بایگانی"), max_length=64, blank=True, editable=False, db_index=True
    )
    # The signing certificate's subject; empty: the file is not signed.
    archive_signer = models.CharField(
        _("امضاکننده نسخه بایگانی"), max_length=300, blank=True, editable=False
    )

    class Meta:
        verbose_name = _("صورتجلسه")
        verbose_name_plural = _("صورتجلسه‌ها")

    def __str__(self) -> str:
        return _("صورتجلسه %(meeting)s") % {"meeting": self.meeting}


class ReviewDecision(models.TextChoices):
    CONFIRMED = "confirmed", _("تأیید پیش‌نویس")
    COMMENTED = "commented", _("نظر دارم")


class MinutesReview(TimeStampedModel):
    """An attendee's confirmation of, or comment on, the draft minutes."""

    minutes = models.ForeignKey(
        Minutes, verbose_name=_("صورتجلسه"), on_delete=models.CASCADE, related_name="reviews"
    )
    person = models.ForeignKey(
        Person, verbose_name=_("شخص"), on_delete=models.PROTECT, related_name="+"
    )
    decision = models.CharField(_("نظر"), max_length=20, choices=ReviewDecision)

    class Meta:
        ordering = ["minutes", "pk"]
        verbose_name = _("بررسی صورتجلسه")
        verbose_name_plural = _("بررسی‌های صورتجلسه")
        constraints = [
            models.UniqueConstraint(
                fields=["minutes", "person"],
                name="minutes_review_once_per_person",
                violation_error_message=_("نظر این شخص پیش‌تر ثبت شده است."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person}: {self.get_decision_display()}"


class MinutesComment(FrozenWhenApproved, TimeStampedModel):
    """An attendee's comment on the draft minutes: on the whole draft, on one agenda item's
    discussion or on one resolution of that meeting (never both). An attendee may write
    several; the secretariat marks each handled («رسیدگی شد») until the minutes are
    approved. The resolution is named by its app's label only (no import of it here)."""

    minutes = models.ForeignKey(
        Minutes, verbose_name=_("صورتجلسه"), on_delete=models.CASCADE, related_name="comments"
    )
    person = models.ForeignKey(
        Person, verbose_name=_("شخص"), on_delete=models.PROTECT, related_name="+"
    )
    agenda_item = models.ForeignKey(
        AgendaItem,
        verbose_name=_("دستور جلسه"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="review_comments",
    )
    resolution = models.ForeignKey(
        "resolutions.Resolution",
        verbose_name=_("مصوبه"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="review_comments",
    )
    text = models.TextField(_("متن نظر"), validators=[validate_no_bidi_controls])
    handled_at = models.DateTimeField(_("زمان رسیدگی"), null=True, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("رسیدگی‌کننده"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["minutes", "pk"]
        verbose_name = _("نظر درباره صورتجلسه")
        verbose_name_plural = _("نظرها درباره صورتجلسه")
        constraints = [
            models.CheckConstraint(
                condition=Q(agenda_item__isnull=True) | Q(resolution__isnull=True),
                name="minutes_comment_one_target",
                violation_error_message=_("نظر یا درباره یک دستور است یا درباره یک مصوبه."),
            ),
            models.CheckConstraint(
                condition=Q(handled_at__isnull=True, handled_by__isnull=True)
                | Q(handled_at__isnull=False, handled_by__isnull=False),
                name="minutes_comment_handled_by_whom",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person}: {self.text[:50]}"

    @property
    def is_handled(self) -> bool:
        return self.handled_at is not None

    def meeting_id_for_freeze(self) -> int | None:
        return (
            Minutes.objects.filter(pk=self.minutes_id).values_list("meeting_id", flat=True).first()
        )


class CalendarFeedToken(models.Model):
    """A user's secret calendar address (``/calendar/<token>.ics``), for calendar apps that
    cannot sign in. Only the SHA-256 of the secret is stored, so the address is shown once;
    renewing makes a new one and revoking stops the old at once."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("کاربر"),
        on_delete=models.CASCADE,
        related_name="calendar_feeds",
    )
    key_hash = models.CharField(_("چکیده SHA-256"), max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("زمان ایجاد"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("زمان ابطال"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("آخرین استفاده"), null=True, blank=True)

    class Meta:
        ordering = ["user", "-created_at"]
        verbose_name = _("نشانی محرمانه تقویم")
        verbose_name_plural = _("نشانی‌های محرمانه تقویم")
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(revoked_at__isnull=True),
                name="calendar_feed_one_live_per_user",
                violation_error_message=_("این کاربر یک نشانی تقویم فعال دارد."),
            ),
        ]

    def __str__(self) -> str:
        return _("نشانی تقویم %(user)s") % {"user": self.user}
