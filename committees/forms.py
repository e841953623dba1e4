"""Forms for bodies and memberships: services validate, forms only translate errors."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from committees.models import Membership
from committees.services import membership_validate


class MembershipForm(forms.ModelForm):
    class Meta:
        model = Membership
        fields = [
            "seat",
            "person",
            "start_date",
            "end_date",
            "proposal_letter_number",
            "proposal_letter_date",
            "approval_letter_number",
            "approval_letter_date",
            "appointment_letter_number",
            "appointment_letter_date",
        ]

    def clean(self):
        data = super().clean()
        seat, person, start = data.get("seat"), data.get("person"), data.get("start_date")
        if seat and person and start:
            try:
                membership_validate(
                    seat=seat,
                    person=person,
                    start_date=start,
                    end_date=data.get("end_date"),
                    exclude_pk=self.instance.pk,
                )
            except ValidationError as error:
                raise ValidationError(error.messages) from None
        return data
