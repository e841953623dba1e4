"""Forms of the committees pages (structure, meetings, agenda papers): they parse and
normalise input; the services decide."""

from __future__ import annotations

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from committees.models import RSVP, AttendanceStatus, Membership, ReviewDecision
from committees.services.structure import membership_validate
from egov_portal.forms import (
    JalaliDateField,
    JalaliDateTimeMixin,
    PersianCharField,
    StyledFormMixin,
    TimeField24,
)
from egov_portal.uploads import ALLOWED_EXTENSIONS
from egov_portal.versioning import VersionedFormMixin


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


class ConfirmConcernsMixin:
    """A form whose service may ask for confirmation (``rules.require_confirmed``): the
    ``confirm`` box is hidden until then; after a refusal that names its reasons the form
    comes back with them and the box «با وجود این، ثبت شود», the typed values kept."""

    concerns: list[str] = []

    def add_confirm_field(self) -> None:
        self.fields["confirm"] = forms.BooleanField(
            label=_("با وجود این، ثبت شود"), required=False, widget=forms.HiddenInput
        )
        self.concerns = []

    def offer_confirmation(self) -> None:
        """Turn the service's ``needs_confirmation`` refusals into the warning and the box."""
        errors = self._errors.get(NON_FIELD_ERRORS) if self._errors else None
        if not errors:
            return
        asked = [e for e in errors.as_data() if e.code == "needs_confirmation"]
        if not asked:
            return
        self.concerns = [message for e in asked for message in e.messages]
        remaining = [e for e in errors.as_data() if e.code != "needs_confirmation"]
        if remaining:
            self._errors[NON_FIELD_ERRORS] = self.error_class(remaining)
        else:
            del self._errors[NON_FIELD_ERRORS]
        field = self.fields["confirm"]
        field.widget = forms.CheckboxInput(attrs={"class": "form-check-input"})


class MeetingForm(
    VersionedFormMixin, ConfirmConcernsMixin, StyledFormMixin, JalaliDateTimeMixin, forms.Form
):
    day = JalaliDateField(label=_("تاریخ جلسه"))
    start_time = TimeField24(label=_("ساعت شروع"))
    end_time = TimeField24(label=_("ساعت پایان"), required=False)
    place = PersianCharField(label=_("مکان"), max_length=200)
    online_link = forms.URLField(label=_("پیوند جلسه برخط"), required=False, assume_scheme="https")
    is_public = forms.BooleanField(label=_("صورتجلسه پس از تصویب عمومی باشد"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_confirm_field()

    @classmethod
    def initial_for(cls, meeting) -> dict:
        start = timezone.localtime(meeting.starts_at)
        end = timezone.localtime(meeting.ends_at) if meeting.ends_at else None
        return {
            "day": start.date(),
            "start_time": start.time().replace(second=0, microsecond=0),
            "end_time": end.time().replace(second=0, microsecond=0) if end else None,
            "place": meeting.place,
            "online_link": meeting.online_link,
            "is_public": meeting.is_public,
            "version": meeting.version,
        }

    def clean(self):
        data = super().clean()
        data["starts_at"] = self.combine(data.get("day"), data.get("start_time"))
        data["ends_at"] = self.combine(data.get("day"), data.get("end_time"))
        if data["starts_at"] and data["ends_at"] and data["ends_at"] <= data["starts_at"]:
            self.add_error("end_time", _("ساعت پایان باید بعد از ساعت شروع باشد."))
        return data


class ReasonForm(StyledFormMixin, forms.Form):
    reason = PersianCharField(label=_("علت"), widget=forms.Textarea(attrs={"rows": 2}))


class PostponeForm(JalaliDateTimeMixin, ReasonForm):
    day = JalaliDateField(label=_("تاریخ تازه (اختیاری)"), required=False)
    start_time = TimeField24(label=_("ساعت شروع تازه"), required=False)

    def clean(self):
        data = super().clean()
        data["starts_at"] = self.combine(data.get("day"), data.get("start_time"))
        if bool(data.get("day")) != bool(data.get("start_time")):
            self.add_error("start_time", _("تاریخ و ساعت تازه را با هم وارد کنید."))
        return data


class AgendaItemForm(StyledFormMixin, forms.Form):
    title = PersianCharField(label=_("عنوان"), max_length=300)
    description = PersianCharField(
        label=_("شرح"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    presenter = PersianCharField(label=_("ارائه‌دهنده"), max_length=200, required=False)


class AgendaItemEditForm(VersionedFormMixin, AgendaItemForm):
    """An agenda item's page: saved only over the version it was rendered from."""


class OrderForm(StyledFormMixin, forms.Form):
    """A new order as a comma-separated list of ids (what the up/down buttons send)."""

    order = forms.CharField(max_length=2000)

    def clean_order(self):
        try:
            return [int(pk) for pk in self.cleaned_data["order"].split(",") if pk.strip()]
        except ValueError:
            raise forms.ValidationError(_("ترتیب نامعتبر است.")) from None


class RSVPForm(StyledFormMixin, forms.Form):
    rsvp = forms.ChoiceField(
        label=_("پاسخ"),
        choices=[c for c in RSVP.choices if c[0] != RSVP.PENDING],
        widget=forms.RadioSelect,
    )
    substitute_name = PersianCharField(label=_("نام جانشین"), max_length=200, required=False)
    substitute_post = PersianCharField(label=_("سمت جانشین"), max_length=200, required=False)


class AttendanceForm(StyledFormMixin, forms.Form):
    """One status (and substitute name) per invitation, and the guests, one per line."""

    guests = PersianCharField(
        label=_("مهمانان (هر نفر در یک سطر: نام — دستگاه)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, invitations, **kwargs):
        super().__init__(*args, **kwargs)
        self.invitations = list(invitations)
        for invitation in self.invitations:
            # Nobody is «حاضر» by default: a status is what was recorded, or «حاضر» for an
            # invitee who checked in himself (the secretariat confirms it by saving).
            initial = invitation.attendance or (
                AttendanceStatus.PRESENT if invitation.checked_in_at else ""
            )
            self.fields[f"status_{invitation.pk}"] = forms.ChoiceField(
                label=str(invitation.person),
                choices=[("", _("— ثبت نشده —")), *AttendanceStatus.choices],
                initial=initial,
                required=False,
            )
            self.fields[f"substitute_{invitation.pk}"] = PersianCharField(
                label=_("نام جانشین"),
                max_length=200,
                required=False,
                initial=invitation.substitute_name,
            )
        self.style_fields()

    def rows(self):
        return [(i, self[f"status_{i.pk}"], self[f"substitute_{i.pk}"]) for i in self.invitations]

    def statuses(self) -> dict[int, dict]:
        return {
            i.pk: {
                "attendance": self.cleaned_data[f"status_{i.pk}"],
                "substitute_name": self.cleaned_data.get(f"substitute_{i.pk}", ""),
            }
            for i in self.invitations
        }

    def guest_list(self) -> list[dict]:
        guests = []
        for line in (self.cleaned_data.get("guests") or "").splitlines():
            name, _sep, agency = line.replace("—", "-").partition("-")
            if name.strip():
                guests.append({"name": name.strip(), "agency": agency.strip()})
        return guests


class MinutesForm(VersionedFormMixin, StyledFormMixin, forms.Form):
    preamble = PersianCharField(
        label=_("مقدمه"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, items, **kwargs):
        super().__init__(*args, **kwargs)
        self.items = list(items)
        for item in self.items:
            self.fields[f"discussion_{item.pk}"] = PersianCharField(
                label=item.title,
                required=False,
                initial=item.discussion,
                widget=forms.Textarea(attrs={"rows": 4}),
            )
        self.style_fields()

    def discussions(self) -> dict[int, str]:
        return {i.pk: self.cleaned_data.get(f"discussion_{i.pk}", "") for i in self.items}

    def item_fields(self):
        return [(item, self[f"discussion_{item.pk}"]) for item in self.items]


class SendForReviewForm(StyledFormMixin, JalaliDateTimeMixin, forms.Form):
    day = JalaliDateField(label=_("مهلت اظهارنظر (تاریخ)"))
    time = TimeField24(label=_("ساعت"))

    def clean(self):
        data = super().clean()
        data["deadline"] = self.combine(data.get("day"), data.get("time"))
        return data


class ReviewForm(StyledFormMixin, forms.Form):
    """An attendee's answer to the draft: «تأیید پیش‌نویس», or «نظر دارم» with a comment
    on the whole draft, one agenda item's discussion or one resolution (``about``: "",
    ``item-<pk>`` or ``resolution-<pk>``; the service checks it is of this meeting)."""

    decision = forms.ChoiceField(
        label=_("نظر شما"), choices=ReviewDecision.choices, widget=forms.RadioSelect
    )
    about = forms.CharField(label=_("درباره"), required=False, widget=forms.Select)
    comment = PersianCharField(
        label=_("متن نظر"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, targets=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.set_targets(targets)

    def set_targets(self, targets) -> None:
        """The choices of «درباره» after «کل پیش‌نویس»: ``(value, label)`` pairs."""
        self.fields["about"].widget.choices = [("", gettext("کل پیش‌نویس")), *targets]

    def clean_about(self) -> tuple[str, int | None]:
        value = self.cleaned_data["about"].strip()
        if not value:
            return ("", None)
        kind, _sep, pk = value.partition("-")
        if kind not in {"item", "resolution"} or not pk.isascii() or not pk.isdigit():
            raise ValidationError(_("موضوع نظر نامعتبر است."), code="invalid_about")
        return (kind, int(pk))


ACCEPT = ",".join(f".{ext}" for ext in ALLOWED_EXTENSIONS)
