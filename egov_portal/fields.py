"""Model fields shared by the apps."""

from __future__ import annotations

from django.db import models
from django_jalali.db import models as jmodels

from egov_portal.forms import JalaliDateField as JalaliDateFormField


class JalaliDateField(jmodels.jDateField):
    """django-jalali's date field, whose forms accept any digits and explain bad dates in
    Persian (see ``egov_portal.forms.JalaliDateField``)."""

    def formfield(self, **kwargs):
        # jDateField.formfield() forces its own form class over ours, so skip it.
        return models.DateField.formfield(self, **{"form_class": JalaliDateFormField, **kwargs})
