"""The resolution form; the services decide what is allowed."""

from __future__ import annotations

from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _

from committees.models import Body
from egov_portal.collation import persian_order
from egov_portal.forms import (
    JalaliDateField,
    PersianCharField,
    SafeModelMultipleChoiceField,
    StyledFormMixin,
)
from members.models import Agency
from resolutions.models import (
    Classification,
    Priority,
    Referral,
    ReferralState,
    Resolution,
    ResolutionKind,
)


def lower_bodies(body: Body):
    """The bodies below ``body`` in the tree (children, grandchildren…), two levels deep."""
    return Body.objects.filter(models.Q(parent=body) | models.Q(parent__parent=body)).order_by(
        "order"
    )


class ResolutionForm(StyledFormMixin, forms.Form):
    text = PersianCharField(label=_("متن مصوبه"), widget=forms.Textarea(attrs={"rows": 4}))
    kind = forms.ChoiceField(label=_("نوع"), choices=ResolutionKind.choices)
    agenda_item = forms.ChoiceField(label=_("دستور جلسه"), required=False)
    all_agencies = forms.BooleanField(label=_("همه دستگاه‌های اجرایی استان"), required=False)
    responsible = SafeModelMultipleChoiceField(
        label=_("دستگاه مسئول اجرا"),
        queryset=Agency.objects.filter(is_active=True).order_by(persian_order("name")),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    collaborating = SafeModelMultipleChoiceField(
        label=_("دستگاه‌های همکار"),
        queryset=Agency.objects.filter(is_active=True).order_by(persian_order("name")),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    deadline = JalaliDateField(label=_("مهلت اجرا (تاریخ معین)"), required=False)
    deadline_working_days = forms.IntegerField(
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
        label=_("ارجاع به رکن پایین‌دست"), queryset=Body.objects.none(), required=False
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

    def __init__(self, *args, meeting, **kwargs):
        super().__init__(*args, **kwargs)
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
        }
