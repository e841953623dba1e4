"""The endpoints of the directives API (``/api/v1/``); the OpenAPI document and its page.

Every endpoint needs an agency key (``authentication``), is limited per key
(``throttling``), answers errors as JSON with a Persian ``detail`` and a stable ``code``
(``errors``) and is recorded in the audit trail (``audit``). A directive of another agency
is 404, as on the pages. Writes go through ``resolutions.services.directives``, the
services behind the pages, which validate and refuse with the same messages.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from drf_spectacular.views import SpectacularAPIView
from rest_framework import exceptions, generics, status
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import BasePermission
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from egov_portal.page_cache import kept
from egov_portal.pdf import pdf_response
from members.models import AgencyApiToken
from resolutions.api import selectors
from resolutions.api.audit import acting_for, api_use_record
from resolutions.api.authentication import AgencyTokenAuthentication
from resolutions.api.errors import ErrorSerializer
from resolutions.api.serializers import (
    DirectiveDetailSerializer,
    DirectiveFilterSerializer,
    DirectiveSummarySerializer,
    MeetingFilterSerializer,
    MeetingSerializer,
    ProgressReportInputSerializer,
    ProgressReportSerializer,
)
from resolutions.api.throttling import AgencyTokenThrottle
from resolutions.documents.letters import directive_queryset, letter_pdf
from resolutions.forms import ProgressReportForm
from resolutions.services import directives as follow


def _errors(*codes: int) -> dict:
    described = {
        400: _("داده‌های درخواست نادرست است"),
        401: _("کلید فرستاده نشده، نامعتبر، باطل یا منقضی است"),
        403: _("کلید از این نشانی پذیرفته نیست"),
        404: _("یافت نشد (یا ابلاغ دستگاه دیگری است)"),
        409: _("وضعیت ابلاغ این کار را نمی‌پذیرد"),
        429: _("شمار درخواست‌ها از حد مجاز گذشته است"),
    }
    return {code: OpenApiResponse(ErrorSerializer, description=described[code]) for code in codes}


READ_ERRORS = (401, 403, 404, 429)


class IsAgencySystem(BasePermission):
    """The request carries a valid agency key."""

    def has_permission(self, request, view) -> bool:
        return isinstance(request.auth, AgencyApiToken)


class Pages(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


class AgencyApiView(generics.GenericAPIView):
    """The common ground of every endpoint: the key, the limit, the audit record, and
    ``Cache-Control: private, no-store`` (an agency's data is nobody else's)."""

    authentication_classes = [AgencyTokenAuthentication]
    permission_classes = [IsAgencySystem]
    throttle_classes = [AgencyTokenThrottle]
    pagination_class = Pages

    @property
    def token(self) -> AgencyApiToken:
        return self.request.auth

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        patch_cache_control(response, private=True, no_store=True)
        token = getattr(request, "_auth", None)  # set once authentication has run
        if isinstance(token, AgencyApiToken):
            api_use_record(token, request, status=response.status_code)
        return response


class KeptListMixin:
    """A list answered from the cache while nothing it shows has changed: kept per agency,
    language, day (a directive turns overdue at midnight), host (the page links are
    absolute) and query string, under the version that any write of the portal's data
    ends (``egov_portal.page_cache.kept``), for at most ``API_LIST_CACHE_SECONDS``. The
    key, the limit and the audit record apply to every request, a kept answer included;
    refusals (a bad filter) are never kept."""

    def list(self, request, *args, **kwargs):
        def compute() -> bytes:
            # Kept as the JSON the client gets (the API renders JSON only): a hit neither
            # unpickles the rows nor encodes them again.
            data = super(KeptListMixin, self).list(request, *args, **kwargs).data
            return JSONRenderer().render(data)

        parts = (
            "api",
            type(self).__name__,
            self.token.agency_id,
            get_language(),
            timezone.localdate().isoformat(),
            hashlib.sha256(request.build_absolute_uri().encode()).hexdigest()[:32],
        )
        body = kept(parts, compute, seconds=settings.API_LIST_CACHE_SECONDS)
        return HttpResponse(body, content_type=JSONRenderer.media_type)


class DirectiveQuerysetMixin:
    def get_queryset(self):
        return selectors.agency_directive_detail(
            agency_id=self.token.agency_id, today=timezone.localdate()
        )


@extend_schema_view(
    get=extend_schema(
        operation_id="directives_list",
        parameters=[DirectiveFilterSerializer],
        responses={200: DirectiveSummarySerializer(many=True), **_errors(400, *READ_ERRORS)},
        summary="The agency's directives",
    )
)
class DirectiveList(KeptListMixin, AgencyApiView, generics.ListAPIView):
    """The directives addressed to the key's agency, the least recently changed first;
    with ``modified_since`` only those changed after that moment."""

    serializer_class = DirectiveSummarySerializer

    def get_queryset(self):
        filters = DirectiveFilterSerializer(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        directives = selectors.agency_directives(
            agency_id=self.token.agency_id, today=timezone.localdate()
        )
        if state := filters.validated_data.get("state"):
            directives = directives.filter(state=state)
        if since := filters.validated_data.get("modified_since"):
            directives = directives.filter(updated_at__gt=since)
        return directives


@extend_schema_view(
    get=extend_schema(
        operation_id="directives_retrieve",
        responses={200: DirectiveDetailSerializer, **_errors(*READ_ERRORS)},
        summary="One directive, with its resolution, deadline, legal chain, reports and history",
    )
)
class DirectiveDetail(DirectiveQuerysetMixin, AgencyApiView, generics.RetrieveAPIView):
    """A directive of the key's agency (another agency's is 404): the resolution's text,
    the deadline and the rule that set it, the issuing body's legal chain up to Article 6,
    the letter number and the letter's PDF, the reports with their evidence and the
    history."""

    serializer_class = DirectiveDetailSerializer


class DirectiveAcknowledge(DirectiveQuerysetMixin, AgencyApiView):
    """Acknowledge receipt, as «اعلام رسید» on the directive's page. Asking again changes
    nothing and answers the same."""

    serializer_class = DirectiveDetailSerializer

    @extend_schema(
        operation_id="directives_acknowledge",
        request=None,
        responses={200: DirectiveDetailSerializer, **_errors(*READ_ERRORS, 409)},
        summary="Acknowledge receipt (repeating it changes nothing)",
    )
    def post(self, request, pk: int):
        directive = self.get_object()
        with acting_for(self.token):
            follow.directive_acknowledge(directive=directive, user=self.token.account)
        return Response(self.get_serializer(self.get_queryset().get(pk=directive.pk)).data)


class DirectiveReports(DirectiveQuerysetMixin, AgencyApiView):
    """A progress report: ``percent`` (0–100), ``narrative`` (at most 5,000 characters),
    ``final`` (done: the report then counts as 100 %, as on the page) and ``evidence`` files (multipart), checked by content and
    size as on the page (PDF, Office documents, images)."""

    serializer_class = ProgressReportSerializer

    @extend_schema(
        operation_id="directives_reports_create",
        request={
            "multipart/form-data": ProgressReportInputSerializer,
            "application/json": ProgressReportInputSerializer,
        },
        responses={201: ProgressReportSerializer, **_errors(400, *READ_ERRORS, 409)},
        summary="Report progress (percent, narrative, evidence files)",
    )
    def post(self, request, pk: int):
        directive = self.get_object()
        if not isinstance(request.data, Mapping):
            raise exceptions.ParseError()
        form = ProgressReportForm(data=request.data, files=request.FILES)
        if not form.is_valid():
            raise exceptions.ValidationError(
                {field: list(errors) for field, errors in form.errors.items()}, code="invalid"
            )
        data = form.cleaned_data
        with acting_for(self.token):
            report = follow.progress_report_add(
                directive=directive,
                user=self.token.account,
                percent=data["percent"],
                narrative=data["narrative"],
                files=request.FILES.getlist("evidence"),
                final=data["final"],
            )
        return Response(self.get_serializer(report).data, status=status.HTTP_201_CREATED)


class JsonErrorsNegotiation(BaseContentNegotiation):
    """The letter is PDF whatever the client accepts; its errors are JSON."""

    def select_parser(self, request, parsers):
        return parsers[0]

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


class DirectiveLetter(DirectiveQuerysetMixin, AgencyApiView):
    """The directive's letter as PDF, as the agency's IT manager prints it."""

    content_negotiation_class = JsonErrorsNegotiation

    @extend_schema(
        operation_id="directives_letter",
        responses={
            (200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY),
            **_errors(*READ_ERRORS),
        },
        summary="The signed directive letter (PDF)",
    )
    def get(self, request, pk: int):
        directive = self.get_object()
        letter = directive_queryset().get(pk=directive.pk)
        return pdf_response(letter_pdf(letter, request=request._request), filename=f"letter-{pk}")


@extend_schema_view(
    get=extend_schema(
        operation_id="meetings_list",
        parameters=[MeetingFilterSerializer],
        responses={200: MeetingSerializer(many=True), **_errors(400, *READ_ERRORS)},
        summary="Meetings to which the agency is invited",
    )
)
class MeetingList(KeptListMixin, AgencyApiView, generics.ListAPIView):
    """The meetings (drafts aside) to which the key's agency is invited — its
    representative's seat, a seat that goes with one of its posts, or one of its people —
    newest first, each with those invitations and their answers."""

    serializer_class = MeetingSerializer

    def get_queryset(self):
        filters = MeetingFilterSerializer(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        meetings = selectors.agency_meetings(agency_id=self.token.agency_id)
        if since := filters.validated_data.get("modified_since"):
            meetings = meetings.filter(updated_at__gt=since)
        return meetings


class SchemaView(SpectacularAPIView):
    """The OpenAPI 3 document, generated from the views above; public (it holds no data)."""

    authentication_classes = []
    permission_classes = []
    throttle_classes = []


@require_safe
def api_docs(request):
    """A readable page for the OpenAPI document (Swagger UI, vendored; started by a
    static script, as the portal's CSP allows no inline script)."""
    return render(request, "resolutions/api/docs.html")
