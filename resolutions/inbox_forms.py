"""Forms of the directive inbox and the directive page; the services decide what is allowed."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from egov_portal.forms import PersianCharField, StyledFormMixin
from egov_portal.uploads import ALLOWED_EXTENSIONS
from members.models import Agency
from resolutions.models import DirectiveState

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
        label=_("گزارش انجام: کار به‌طور کامل انجام شد (۱۰۰ درصد)"), required=False
    )


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
