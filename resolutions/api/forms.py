"""The IT manager's forms: a new key for the agency's system, a webhook address."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from egov_portal.forms import JalaliDateField, PersianCharField, StyledFormMixin


class ApiTokenForm(StyledFormMixin, forms.Form):
    name = PersianCharField(
        label=_("نام سامانه"),
        max_length=100,
        help_text=_("مثلاً «اتوماسیون اداری دستگاه»."),
    )
    expires_on = JalaliDateField(
        label=_("معتبر تا"), help_text=_("کلید در پایان این روز از کار می‌افتد؛ حداکثر دو سال.")
    )
    allowed_addresses = forms.CharField(
        label=_("نشانی‌های مجاز"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3, "dir": "ltr"}),
        help_text=_("هر سطر یک نشانی IP یا شبکه (مانند 10.20.0.0/16)؛ خالی یعنی از هر نشانی."),
    )


class WebhookForm(StyledFormMixin, forms.Form):
    url = forms.CharField(
        label=_("نشانی HTTPS سامانه دستگاه"),
        max_length=500,
        widget=forms.URLInput(attrs={"dir": "ltr"}),
    )
