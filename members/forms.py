"""Forms for agencies, people and holdings: normalise input, then let services validate."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from egov_portal.forms import MobileField, NationalCodeField, PersianCharField
from members.models import Person, PositionHolding
from members.services import holding_validate_period


class PersonForm(forms.ModelForm):
    class Meta:
        model = Person
        fields = [
            "title",
            "first_name",
            "last_name",
            "national_code",
            "mobile",
            "email",
            "agency",
            "user",
        ]
        field_classes = {
            "first_name": PersianCharField,
            "last_name": PersianCharField,
            "national_code": NationalCodeField,
            "mobile": MobileField,
        }

    def clean_national_code(self):
        # An empty code is stored as NULL so that the unique constraint allows many.
        return self.cleaned_data.get("national_code") or None


class PositionHoldingForm(forms.ModelForm):
    class Meta:
        model = PositionHolding
        fields = [
            "position",
            "person",
            "start_date",
            "end_date",
            "appointment_letter_number",
            "appointment_letter_date",
        ]

    def clean(self):
        data = super().clean()
        position, start = data.get("position"), data.get("start_date")
        if position and start:
            try:
                holding_validate_period(
                    position=position,
                    start_date=start,
                    end_date=data.get("end_date"),
                    exclude_pk=self.instance.pk,
                )
            except ValidationError as error:
                raise ValidationError(error.messages) from None
        return data
