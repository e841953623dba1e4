"""Forms of the resolutions pages: the resolution, the inbox and directive actions, the
dashboard's and the register's filters. They parse input; the services decide."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy
from django.utils.translation import gettext_lazy as _

from committees.models import Body
from egov_portal.forms import (
    JalaliDateField,
    PersianCharField,
    PersianIntegerField,
    SafeModelMultipleChoiceField,
    StyledFormMixin,
)
from egov_portal.text.collation import persian_order
from egov_portal.uploads import ALLOWED_EXTENSIONS, size_label
from egov_portal.versioning import VersionedFormMixin
from members.models import Agency
from resolutions.models import (
    Classification,
    DirectiveState,
    Priority,
    Referral,
    ReferralState,
    Resolution,
    ResolutionKind,
)
from resolutions.selectors import dashboard as dashboard_selectors
from resolutions.selectors import register as register_selectors

MAX_QUERY = 100


class _PeriodForm(StyledFormMixin, forms.Form):
    """A GET filter form with a Jalali period («از» / «تا», any digits)."""

    date_from = JalaliDateField(label=gettext_lazy("از تاریخ"), required=False)
    date_to = JalaliDateField(label=gettext_lazy("تا تاریخ"), required=False)

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("پایان دوره پیش از آغاز آن است."))
        return data

    def valid_data(self) -> dict:
        """The fields that were valid (an invalid one is shown with its error and ignored)."""
        if not self.is_bound:
            return {}
        self.is_valid()
        return self.cleaned_data

    @staticmethod
    def gregorian(day):
        """The Gregorian date of a Jalali form value: the period's explicit bounds."""
        return day.togregorian() if day else None


class DashboardFilterForm(_PeriodForm):
    body = forms.ModelChoiceField(
        label=gettext_lazy("رکن"),
        queryset=Body.objects.none(),
        required=False,
        empty_label=gettext_lazy("همه ارکان"),
    )
    agency = forms.ModelChoiceField(
        label=gettext_lazy("دستگاه"),
        queryset=Agency.objects.none(),
        required=False,
        empty_label=gettext_lazy("همه دستگاه‌ها"),
    )
    status = forms.ChoiceField(label=gettext_lazy("وضعیت"), required=False)

    field_order = ["body", "agency", "status", "date_from", "date_to"]

    def __init__(self, *args, directives, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body"].queryset = Body.objects.filter(
            pk__in=directives.values("body_id")
        ).order_by("order", "pk")
        self.fields["agency"].queryset = Agency.objects.filter(
            pk__in=directives.values("agency_id")
        ).order_by(persian_order("name"))
        self.fields["status"].choices = [
            ("", _("همه وضعیت‌ها")),
            (dashboard_selectors.STATUS_OPEN, _("باز (هنوز انجام نشده)")),
            (dashboard_selectors.STATUS_OVERDUE, _("معوق")),
            *DirectiveState.choices,
        ]
        self.fields["date_from"].label = _("ابلاغ از تاریخ")

    def filters(self) -> dashboard_selectors.DashboardFilters:
        data = self.valid_data()
        return dashboard_selectors.DashboardFilters(
            body=data.get("body"),
            agency=data.get("agency"),
            status=data.get("status") or "",
            date_from=self.gregorian(data.get("date_from")),
            date_to=self.gregorian(data.get("date_to")),
        )


class RegisterFilterForm(_PeriodForm):
    q = forms.CharField(label=gettext_lazy("جستجو در متن"), required=False, max_length=MAX_QUERY)
    body = forms.ModelChoiceField(
        label=gettext_lazy("رکن"),
        queryset=Body.objects.none(),
        required=False,
        empty_label=gettext_lazy("همه ارکان"),
    )
    kind = forms.ChoiceField(label=gettext_lazy("نوع"), required=False)
    public = forms.ChoiceField(
        label=gettext_lazy("انتشار"),
        required=False,
        choices=[
            ("", gettext_lazy("عمومی و غیرعمومی")),
            ("yes", gettext_lazy("عمومی")),
            ("no", gettext_lazy("غیرعمومی")),
        ],
    )

    field_order = ["q", "body", "kind", "public", "date_from", "date_to"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body"].queryset = register_selectors.register_bodies(user).order_by(
            "order", "pk"
        )
        self.fields["kind"].choices = [("", _("همه انواع")), *ResolutionKind.choices]
        self.fields["date_from"].label = _("جلسه از تاریخ")
        self.fields["q"].widget.attrs.update(type="search", placeholder=_("بخشی از متن مصوبه…"))

    def filters(self) -> register_selectors.RegisterFilters:
        data = self.valid_data()
        public = {"yes": True, "no": False}.get(data.get("public") or "")
        return register_selectors.RegisterFilters(
            body=data.get("body"),
            kind=data.get("kind") or "",
            date_from=self.gregorian(data.get("date_from")),
            date_to=self.gregorian(data.get("date_to")),
            public=public,
            query=(data.get("q") or "")[:MAX_QUERY],
        )


def lower_bodies(body: Body):
    """The bodies below ``body`` in the tree (children, grandchildren…), two levels deep."""
    return Body.objects.filter(models.Q(parent=body) | models.Q(parent__parent=body)).order_by(
        "order"
    )


class FieldGroup:
    """Some of a form's fields, for ``includes/form_fields.html`` (as its ``form``) when a
    page places them in parts: the form's own errors and hidden fields are shown once, with
    the first part."""

    def __init__(self, fields: list):
        self.fields = fields

    def visible_fields(self) -> list:
        return self.fields

    def non_field_errors(self) -> list:
        return []

    def hidden_fields(self) -> list:
        return []


class ResolutionForm(VersionedFormMixin, StyledFormMixin, forms.Form):
    text = PersianCharField(label=_("متن مصوبه"), widget=forms.Textarea(attrs={"rows": 4}))
    kind = forms.ChoiceField(label=_("نوع"), choices=ResolutionKind.choices)
    agenda_item = forms.ChoiceField(label=_("دستور جلسه"), required=False)
    all_agencies = forms.BooleanField(label=_("همه دستگاه‌های اجرایی استان"), required=False)
    responsible = SafeModelMultipleChoiceField(
        label=_("دستگاه مسئول اجرا"),
        queryset=Agency.objects.filter(is_active=True).order_by(persian_order("name")),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8, "data-searchable": ""}),
    )
    collaborating = SafeModelMultipleChoiceField(
        label=_("دستگاه‌های همکار"),
        queryset=Agency.objects.filter(is_active=True).order_by(persian_order("name")),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8, "data-searchable": ""}),
    )
    deadline = JalaliDateField(label=_("مهلت اجرا (تاریخ معین)"), required=False)
    deadline_working_days = PersianIntegerField(
        label=_("یا مهلت به روز کاری پس از ابلاغ"),
        required=False,
        min_value=1,
        max_value=365,
        help_text=_(
            "جمعه‌ها، تعطیلات رسمی، پنجشنبه‌ها (بنا به تنظیم) و تعطیلی‌های اعلام‌شده شمرده نمی‌شوند."
        ),
    )
    classification = forms.ChoiceField(
        label=_("طبقه‌بندی ابلاغ"),
        choices=Classification.choices,
        required=False,
        initial=Classification.NORMAL,
    )
    priority = forms.ChoiceField(
        label=_("فوریت ابلاغ"), choices=Priority.choices, required=False, initial=Priority.NORMAL
    )
    refer_to = forms.ModelChoiceField(
        label=_("رکن مقصد ارجاع"),
        queryset=Body.objects.none(),
        required=False,
        help_text=_("رکن پایین‌دستی که موضوع برای بررسی به آن فرستاده می‌شود."),
    )
    amends = forms.ModelChoiceField(
        label=_("اصلاح مصوبه پیشین"),
        queryset=Resolution.objects.none(),
        required=False,
        help_text=_("مصوبه تأییدشده‌ای که این مصوبه اصلاح می‌کند؛ ابلاغ‌های باز آن جایگزین می‌شوند."),
    )
    answers = forms.ModelChoiceField(
        label=_("پاسخ به ارجاع رسیده"), queryset=Referral.objects.none(), required=False
    )
    is_public = forms.BooleanField(label=_("در صفحه عمومی مصوبات نمایش داده شود"), required=False)

    #: asked only for a resolution of the referral kind (``kind-only`` in the page).
    REFERRAL_FIELD = "refer_to"
    #: rarely used; folded behind a disclosure that opens when one has a value or an error.
    RARE_FIELDS = ("amends", "answers")

    def __init__(self, *args, meeting, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("responsible", "collaborating"):
            # Read by static/js/resolution-form.js (the native list works without it).
            self.fields[name].widget.attrs.update(
                {
                    "data-search-placeholder": _("جستجوی دستگاه…"),
                    "data-no-results": _("موردی یافت نشد"),
                    "data-remove-label": _("حذف"),
                }
            )
        self.items = {str(item.pk): item for item in meeting.agenda_items.order_by("order")}
        self.fields["agenda_item"].choices = [("", "—")] + [
            (pk, item.title) for pk, item in self.items.items()
        ]
        self.fields["refer_to"].queryset = lower_bodies(meeting.body)
        self.fields["amends"].queryset = (
            Resolution.objects.filter(meeting__body=meeting.body, meeting__state="approved")
            .select_related("meeting__body")
            .order_by("-meeting__starts_at", "order")
        )
        self.fields["answers"].queryset = Referral.objects.filter(
            to_body=meeting.body, state__in=[ReferralState.WAITING, ReferralState.ON_AGENDA]
        ).select_related("resolution__meeting__body")

    def lead_fields(self) -> list:
        """The text and the kind; the referral target follows them in the page."""
        return [self["text"], self["kind"]]

    def main_group(self) -> FieldGroup:
        """The other fields shown in every case, in the form's order."""
        skip = {"text", "kind", self.REFERRAL_FIELD, *self.RARE_FIELDS}
        return FieldGroup([field for field in self.visible_fields() if field.name not in skip])

    def referral_field(self):
        return self[self.REFERRAL_FIELD]

    def rare_fields(self) -> list:
        return [self[name] for name in self.RARE_FIELDS]

    def rare_group(self) -> FieldGroup:
        return FieldGroup(self.rare_fields())

    def rare_open(self) -> bool:
        """The disclosure of the rare fields starts open when one has a value or an error."""
        return any(field.errors or field.value() not in (None, "") for field in self.rare_fields())

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "text": data["text"],
            "kind": data["kind"],
            "agenda_item": self.items.get(data.get("agenda_item") or ""),
            "all_agencies": data["all_agencies"],
            "responsible": list(data["responsible"]),
            "collaborating": list(data["collaborating"]),
            "deadline": data["deadline"],
            "deadline_working_days": data["deadline_working_days"],
            "classification": data["classification"] or Classification.NORMAL,
            "priority": data["priority"] or Priority.NORMAL,
            "refer_to": data["refer_to"],
            "answers": data["answers"],
            "amends": data["amends"],
            "is_public": data["is_public"],
            "strict": True,
        }

    @staticmethod
    def initial_for(resolution) -> dict:
        addressees = list(resolution.addressees.all())
        return {
            "text": resolution.text,
            "kind": resolution.kind,
            "agenda_item": str(resolution.agenda_item_id or ""),
            "all_agencies": resolution.all_agencies,
            "responsible": [a.agency_id for a in addressees if a.role == "responsible"],
            "collaborating": [a.agency_id for a in addressees if a.role == "collaborating"],
            "deadline": resolution.deadline,
            "deadline_working_days": resolution.deadline_working_days,
            "classification": resolution.classification,
            "priority": resolution.priority,
            "refer_to": resolution.refer_to_id,
            "answers": resolution.answers_id,
            "amends": resolution.amends_id,
            "is_public": resolution.is_public,
            "version": resolution.version,
        }


ACCEPT = ",".join(f".{ext}" for ext in ALLOWED_EXTENSIONS)


class InboxFilterForm(StyledFormMixin, forms.Form):
    """The inbox filters (GET); ``agencies`` is what the user may see."""

    state = forms.ChoiceField(
        label=_("وضعیت"), choices=[("", _("همه وضعیت‌ها")), *DirectiveState.choices], required=False
    )
    agency = forms.ModelChoiceField(
        label=_("دستگاه"),
        queryset=Agency.objects.none(),
        required=False,
        empty_label=_("همه دستگاه‌ها"),
    )
    overdue = forms.BooleanField(label=_("فقط دارای دیرکرد"), required=False)

    def __init__(self, *args, agencies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Renders ``<input type="file" multiple>``; the files are checked by content in the
    service, so the field only passes them on."""

    widget = MultipleFileInput

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [f for f in data if f]
        return [data] if data else []


class ProgressReportForm(StyledFormMixin, forms.Form):
    """Percent, narrative and evidence; the files are read with ``request.FILES.getlist``
    and checked by content in the service."""

    percent = forms.IntegerField(
        label=_("درصد پیشرفت"),
        min_value=0,
        max_value=100,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    narrative = PersianCharField(
        label=_("شرح اقدامات"), widget=forms.Textarea(attrs={"rows": 4}), max_length=5000
    )
    evidence = MultipleFileField(
        label=_("مستندات"),
        required=False,
        widget=MultipleFileInput(attrs={"accept": ACCEPT}),
        help_text=_("PDF، اسناد Office یا تصویر؛ چند پرونده را می‌توانید با هم برگزینید."),
    )
    final = forms.BooleanField(
        label=_("گزارش انجام: کار به‌طور کامل انجام شد (۱۰۰ درصد)"),
        required=False,
        widget=forms.CheckboxInput(attrs={"data-sets-percent": "100"}),
    )

    field_order = ["final", "percent", "narrative", "evidence"]

    def clean(self):
        data = super().clean()
        if data.get("final"):
            # «گزارش انجام» means the work is complete: the box sets 100 %, whatever the
            # percentage field said, instead of refusing the report and losing it.
            data["percent"] = 100
            self.errors.pop("percent", None)
        return data


class ReturnForm(StyledFormMixin, forms.Form):
    comment = PersianCharField(
        label=_("علت برگشت و آنچه باید تکمیل شود"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )


class CancelForm(StyledFormMixin, forms.Form):
    reason = PersianCharField(
        label=_("علت لغو ابلاغ"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )


class DocumentVerifyForm(forms.Form):
    """A PDF brought to the verification page: at most ``VERIFY_UPLOAD_MAX_BYTES``,
    starting as a PDF does."""

    document = forms.FileField(
        label=gettext_lazy("پرونده PDF"),
        error_messages={
            "required": gettext_lazy("پرونده PDF را برگزینید."),
            "empty": gettext_lazy("پرونده برگزیده خالی است."),
            "invalid": gettext_lazy("پرونده‌ای فرستاده نشد؛ دوباره برگزینید."),
        },
    )

    def clean_document(self):
        document = self.cleaned_data["document"]
        limit = settings.VERIFY_UPLOAD_MAX_BYTES
        if document.size > limit:
            raise forms.ValidationError(
                _("پرونده بزرگ‌تر از %(limit)s است؛ سند درگاه این اندازه را ندارد."),
                params={"limit": size_label(limit)},
                code="too_large",
            )
        document.seek(0)
        data = document.read()
        if not data.startswith(b"%PDF-"):
            raise forms.ValidationError(_("این پرونده PDF نیست."), code="not_pdf")
        return data
