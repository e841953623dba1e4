"""Form fields shared by every app: Jalali dates and normalised Persian text."""

from __future__ import annotations

import datetime
import re

import jdatetime
from django import forms
from django.core import validators
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_jalali import forms as jforms

from egov_portal.text.jalali import parse_jalali_date, to_jalali
from egov_portal.text.persian import normalize_text, to_latin_digits, to_persian_digits
from egov_portal.validators import (
    normalize_mobile,
    normalize_national_code,
    validate_no_bidi_controls,
)
from egov_portal.versioning import StaleVersion, VersionedFormMixin


class JalaliDateInput(jforms.jDateInput):
    """A text input showing «۱۴۰۳/۰۱/۱۵»; typing accepts any digits and ``/`` or ``-``.

    ``data-jdp`` opens the vendored Jalali date picker (``static/vendor/jalalidatepicker``,
    started by ``static/js/datepicker-init.js``). Its files are loaded by ``base.html``,
    because templates do not print ``{{ form.media }}``; the picker leaves the input
    editable, so typing keeps working without JavaScript too.
    """

    input_type = "text"

    def __init__(self, attrs=None):
        final = {
            "placeholder": "۱۴۰۳/۰۱/۱۵",
            "inputmode": "numeric",
            "autocomplete": "off",
            "data-jdp": "",
        }
        final.update(attrs or {})
        super().__init__(attrs=final)

    def format_value(self, value):
        if isinstance(value, jdatetime.date | jdatetime.datetime) or hasattr(value, "isoformat"):
            jalali = to_jalali(value)
            return to_persian_digits(jalali.strftime("%Y/%m/%d")) if jalali else ""
        return value

    def _format_value(self, value):
        # django-jalali's render() formats a stored date with ``DATE_INPUT_FORMATS`` (so a
        # Gregorian ``2026-12-08`` reached the picker, which read it as Jalali year 2026)
        # before ``format_value`` runs: show every stored date as «۱۴۰۵/۰۹/۱۷» instead.
        return "" if value is None else self.format_value(value)


class JalaliDateField(jforms.jDateField):
    """A Jalali date from any digit script, with Persian errors for impossible dates
    (30 Esfand of a common year) and for Gregorian years typed by mistake."""

    widget = JalaliDateInput

    def to_python(self, value):
        if value in validators.EMPTY_VALUES:
            return None
        if isinstance(value, jdatetime.datetime):
            return value.date()
        if isinstance(value, jdatetime.date):
            return value
        return parse_jalali_date(value)


_TIME_RE = re.compile(r"(\d{1,2})\s*[:٫.]\s*(\d{2})(?:\s*[:٫.]\s*\d{2})?", re.ASCII)
_DIRECTION_MARKS_RE = re.compile("[\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069]")


class TimeInput24(forms.TextInput):
    """A text input showing a 24-hour time in Persian digits («۱۴:۳۰»); the browser's
    ``type="time"`` shows «۲:۳۰ ب.ظ.» in some locales and refuses Persian digits."""

    def __init__(self, attrs=None):
        final = {
            "placeholder": "۱۴:۳۰",
            "inputmode": "numeric",
            "autocomplete": "off",
            "dir": "ltr",
            "size": "5",
            "maxlength": "8",
        }
        final.update(attrs or {})
        super().__init__(attrs=final)

    def format_value(self, value):
        if isinstance(value, datetime.time):
            return to_persian_digits(value.strftime("%H:%M"))
        return super().format_value(value)


class TimeField24(forms.TimeField):
    """A time of day, 00:00–23:59, typed with any digits («۱۴:۳۰», «14:30», «٩:٠٥»)."""

    widget = TimeInput24
    default_error_messages = {
        "invalid": _("ساعت را به شکل ۲۴ ساعته وارد کنید، مانند ۱۴:۳۰."),
    }

    def to_python(self, value):
        if value in validators.EMPTY_VALUES:
            return None
        if isinstance(value, datetime.time):
            return value
        text = _DIRECTION_MARKS_RE.sub("", to_latin_digits(str(value))).strip()
        match = _TIME_RE.fullmatch(text)
        if match:
            hour, minute = int(match[1]), int(match[2])
            if hour < 24 and minute < 60:
                return datetime.time(hour, minute)
        raise ValidationError(self.error_messages["invalid"], code="invalid")


class NumberInputFa(forms.TextInput):
    """A whole number shown in Persian digits; a text input with a numeric keyboard, since
    ``type="number"`` refuses Persian digits typed in it (the value silently goes empty)."""

    def __init__(self, attrs=None):
        final = {"inputmode": "numeric", "autocomplete": "off", "dir": "ltr", "size": "6"}
        final.update(attrs or {})
        super().__init__(attrs=final)

    def format_value(self, value):
        if isinstance(value, int):
            return to_persian_digits(value)
        return super().format_value(value)


class PersianIntegerField(forms.IntegerField):
    """A whole number typed with any digits («۱۰», «10», «١٠»)."""

    widget = NumberInputFa

    def to_python(self, value):
        if isinstance(value, str):
            value = _DIRECTION_MARKS_RE.sub("", to_latin_digits(value)).strip()
        return super().to_python(value)

    def widget_attrs(self, widget):
        # No min/max attributes: they belong to type="number"; the field checks the range.
        return {}


class PersianCharField(forms.CharField):
    """Text normalised on input (ي→ی, ك→ک, spaces) before validation; bidi control
    characters are refused (they can disguise names and numbers)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if validate_no_bidi_controls not in self.validators:
            self.validators.append(validate_no_bidi_controls)

    def to_python(self, value):
        value = super().to_python(value)
        return normalize_text(value) if value else value


class NationalCodeField(forms.CharField):
    """An Iranian national code typed with any digits, spaces or dashes."""

    def to_python(self, value):
        value = super().to_python(value)
        return normalize_national_code(value) if value else value


class MobileField(forms.CharField):
    """A mobile number in any common form, stored as ``09xxxxxxxxx``."""

    def to_python(self, value):
        value = super().to_python(value)
        return normalize_mobile(value) if value else value


def run_service(form: forms.Form, call):
    """Run ``call()`` (a service) and turn its ValidationError into form errors.

    Returns the service's result, or None when it refused (the form then has the errors
    and nothing was saved: services run in transactions).
    """
    try:
        return call()
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            for field, messages in error.message_dict.items():
                form.add_error(field if field in form.fields else None, messages)
        else:
            form.add_error(None, error)  # keeps each message's code («needs_confirmation»)
        if isinstance(error, StaleVersion) and isinstance(form, VersionedFormMixin):
            form.version_refresh(error.version)
        return None


class JalaliDateTimeMixin:
    """Combine a Jalali date field and a time field into an aware datetime."""

    @staticmethod
    def combine(day, time):
        if day is None or time is None:
            return None
        gregorian = day.togregorian() if hasattr(day, "togregorian") else day
        return timezone.make_aware(datetime.datetime.combine(gregorian, time))


class StyledFormMixin:
    """Give every widget its Bootstrap class, so templates stay a loop over fields."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.style_fields()

    def style_fields(self) -> None:
        """Style every field (call again after adding fields dynamically)."""
        for field in self.fields.values():
            widget = field.widget
            checkable = forms.RadioSelect | forms.CheckboxSelectMultiple | forms.CheckboxInput
            if isinstance(widget, checkable):
                css = "form-check-input"
            elif isinstance(widget, forms.Select | forms.SelectMultiple):
                css = "form-select"
            else:
                css = "form-control"
            existing = widget.attrs.get("class", "")
            if css not in existing:
                widget.attrs["class"] = f"{existing} {css}".strip()


class SafeModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Refuses ids no database integer can hold before querying (SQLite would raise
    OverflowError on an ``IN`` lookup with such a number)."""

    LIMIT = 2**63 - 1

    def _check_values(self, value):
        for pk in value:
            try:
                number = int(str(pk))
            except (TypeError, ValueError):
                continue
            if not -self.LIMIT <= number <= self.LIMIT:
                raise forms.ValidationError(
                    self.error_messages["invalid_choice"],
                    code="invalid_choice",
                    params={"value": pk},
                )
        return super()._check_values(value)
