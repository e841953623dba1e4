"""What the API says of directives, their reports and the agency's meetings.

Dates are Gregorian ISO 8601 (``2026-04-04``) with the Jalali form beside them where a
person reads it (``issued_on_jalali``: «۱۴۰۵/۰۱/۱۵»); times are ISO 8601 with the offset.
"""

from __future__ import annotations

import jdatetime
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from committees.models import MeetingState
from egov_portal.text.jalali import display_short
from resolutions.models import DirectiveState


class GregorianDateField(serializers.DateField):
    """A Jalali date column, given as its Gregorian ISO date."""

    def to_representation(self, value):
        if isinstance(value, jdatetime.date):
            value = value.togregorian()
        return super().to_representation(value)


@extend_schema_field({"type": "string", "nullable": True, "example": "۱۴۰۵/۰۱/۱۵"})
class JalaliTextField(serializers.Field):
    """The same date as people write it: «۱۴۰۵/۰۱/۱۵»."""

    def __init__(self, **kwargs):
        kwargs.setdefault("read_only", True)
        super().__init__(**kwargs)

    def to_representation(self, value):
        return display_short(value) if value else None


class BodyRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    short_name = serializers.CharField()


class ResolutionRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    label = serializers.CharField(help_text=_("بند مصوبه در جلسه (الف، ب …)"))
    meeting_id = serializers.IntegerField()


@extend_schema_field({"type": "string", "format": "uri"})
class _ApiUrlField(serializers.Field):
    """An absolute address of the API's own resource for the row."""

    def __init__(self, route: str, **kwargs):
        self.route = route
        kwargs["source"] = "*"
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def to_representation(self, value):
        path = reverse(self.route, args=[value.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path


class DirectiveSummarySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    url = _ApiUrlField("resolutions:api_directive_detail")
    letter_number = serializers.CharField()
    issued_on = GregorianDateField()
    issued_on_jalali = JalaliTextField(source="issued_on")
    state = serializers.ChoiceField(choices=DirectiveState.choices)
    state_label = serializers.CharField(source="get_state_display")
    role = serializers.CharField()
    priority = serializers.CharField()
    classification = serializers.CharField()
    due_date = GregorianDateField(allow_null=True)
    due_date_jalali = JalaliTextField(source="due_date", allow_null=True)
    deadline_rule = serializers.CharField()
    is_overdue = serializers.BooleanField(source="overdue")
    progress = serializers.IntegerField(min_value=0, max_value=100)
    acknowledged_at = serializers.DateTimeField(allow_null=True)
    modified_at = serializers.DateTimeField(source="updated_at")
    body = BodyRefSerializer()
    resolution = ResolutionRefSerializer()


class LegalBasisSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    article = serializers.CharField()
    kind = serializers.CharField()
    approving_authority = serializers.CharField()


class MeetingRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    starts_at = serializers.DateTimeField()


class ResolutionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    label = serializers.CharField()
    text = serializers.CharField()
    kind = serializers.CharField()
    meeting = MeetingRefSerializer()


class EvidenceSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(source="original_name")
    content_type = serializers.CharField()
    size = serializers.IntegerField()
    sha256 = serializers.CharField()


class ProgressReportSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    percent = serializers.IntegerField(min_value=0, max_value=100)
    narrative = serializers.CharField()
    is_final = serializers.BooleanField()
    created_at = serializers.DateTimeField()
    evidence = EvidenceSerializer(many=True, source="evidence.all")


class DirectiveEventSerializer(serializers.Serializer):
    state = serializers.CharField()
    at = serializers.DateTimeField()
    note = serializers.CharField()


class DirectiveDetailSerializer(DirectiveSummarySerializer):
    resolution = ResolutionSerializer()
    legal_chain = LegalBasisSerializer(
        many=True,
        source="body.legal_chain",
        help_text=_("مبانی قانونی رکن ابلاغ‌کننده، از مبنای خود آن تا ماده ۶"),
    )
    letter_pdf = _ApiUrlField("resolutions:api_directive_letter")
    return_comment = serializers.CharField()
    reports = ProgressReportSerializer(many=True, source="reports.all")
    history = DirectiveEventSerializer(many=True, source="events.all")


class DirectiveFilterSerializer(serializers.Serializer):
    """The list's filters (query parameters)."""

    state = serializers.ChoiceField(choices=DirectiveState.choices, required=False)
    modified_since = serializers.DateTimeField(
        required=False, help_text=_("فقط ابلاغ‌هایی که پس از این زمان تغییر کرده‌اند (ISO 8601)")
    )


class MeetingFilterSerializer(serializers.Serializer):
    modified_since = serializers.DateTimeField(required=False)


class ProgressReportInputSerializer(serializers.Serializer):
    """A progress report, as the page takes it: multipart with ``evidence`` files, or JSON
    without them. The limits are the page's (``ProgressReportForm``) and the service's."""

    percent = serializers.IntegerField(min_value=0, max_value=100)
    narrative = serializers.CharField(max_length=5000)
    final = serializers.BooleanField(
        required=False, default=False, help_text=_("گزارش انجام کامل (درصد را ۱۰۰ می‌کند)")
    )
    evidence = serializers.ListField(
        child=serializers.FileField(), required=False, help_text=_("پرونده‌های مستند")
    )


class InvitationSerializer(serializers.Serializer):
    seat = serializers.CharField(source="seat.title", allow_null=True)
    person = serializers.CharField(source="person.full_name")
    rsvp = serializers.CharField()
    attendance = serializers.CharField()


class MeetingSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    body = BodyRefSerializer()
    state = serializers.ChoiceField(choices=MeetingState.choices)
    state_label = serializers.CharField(source="get_state_display")
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField(allow_null=True)
    place = serializers.CharField()
    online_link = serializers.CharField()
    modified_at = serializers.DateTimeField(source="updated_at")
    invitations = InvitationSerializer(many=True, source="agency_invitations")
