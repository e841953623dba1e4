"""The upload form of agenda papers: the checks themselves live in egov_portal.uploads."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from egov_portal.uploads import ALLOWED_EXTENSIONS, inspect_upload, size_label, upload_max_bytes

ACCEPT = ",".join(f".{ext}" for ext in ALLOWED_EXTENSIONS)


class PaperUploadForm(forms.Form):
    file = forms.FileField(
        label=_("پیوست"),
        error_messages={
            "required": _("پرونده‌ای انتخاب نشده است."),
            "empty": _("پرونده خالی است."),
        },
        widget=forms.FileInput(attrs={"accept": ACCEPT}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = gettext("PDF، اسناد Office یا تصویر، تا %(limit)s.") % {
            "limit": size_label(upload_max_bytes())
        }
        self.upload_info = None

    def clean_file(self):
        uploaded = self.cleaned_data["file"]
        self.upload_info = inspect_upload(uploaded)
        return uploaded
