"""The resolution form; the services decide what is allowed."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from egov_portal.forms import JalaliDateField, PersianCharField, StyledFormMixin
from members.models import Agency
from resolutions.models import ResolutionKind


class ResolutionForm(StyledFormMixin, forms.Form):
    text = PersianCharField(label=_("متن مصوبه"), widget=forms.Textarea(attrs={"rows": 4}))
    kind = forms.ChoiceField(label=_("نوع"), choices=ResolutionKind.choices)
    agenda_item = forms.ChoiceField(label=_("دستور جلسه"), required=False)
    all_agencies = forms.BooleanField(label=_("همه دستگاه‌های اجرایی استان"), required=False)
    responsible = forms.ModelMultipleChoiceField(
        label=_("دستگاه مسئول اجرا"),
        queryset=Agency.objects.filter(is_active=True).order_by("name"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    collaborating = forms.ModelMultipleChoiceField(
        label=_("دستگاه‌های همکار"),
        queryset=Agency.objects.filter(is_active=True).order_by("name"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    deadline = JalaliDateField(label=_("مهلت اجرا"), required=False)
    is_public = forms.BooleanField(label=_("در صفحه عمومی مصوبات نمایش داده شود"), required=False)

    def __init__(self, *args, meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.items = {str(item.pk): item for item in meeting.agenda_items.order_by("order")}
        self.fields["agenda_item"].choices = [("", "—")] + [
            (pk, item.title) for pk, item in self.items.items()
        ]

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
            "is_public": resolution.is_public,
        }
