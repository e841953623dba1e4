"""Errors of the API as JSON: ``{"detail": <Persian>, "code": <stable>}``, with ``errors``
(field → messages) when the input was refused field by field.

The codes are the API's contract (README, "APIs"); the messages are the portal's, in the
portal's language. A service's refusal (``django.core.exceptions.ValidationError``) keeps
its own code: a step the directive's state does not allow is 409, bad input 400.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response
from rest_framework.views import set_rollback

from egov_portal.text.persian import to_persian_digits

#: Service refusals that are about the directive's state, not the request's content.
CONFLICT_CODES = frozenset({"invalid_state", "not_acknowledged"})


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "invalid_state"


class ErrorSerializer(serializers.Serializer):
    """The body of every error response."""

    detail = serializers.CharField()
    code = serializers.CharField()
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()), required=False
    )


def _first_code(codes) -> str:
    """The first code of DRF's nested ``get_codes()`` result."""
    while isinstance(codes, dict | list):
        if not codes:
            return "invalid"
        codes = next(iter(codes.values())) if isinstance(codes, dict) else codes[0]
    return str(codes or "invalid")


def _messages(detail) -> dict[str, list[str]]:
    if isinstance(detail, dict):
        return {
            str(field): [str(m) for m in (value if isinstance(value, list) else [value])]
            for field, value in detail.items()
        }
    return {
        "non_field_errors": [str(m) for m in (detail if isinstance(detail, list) else [detail])]
    }


def from_service(error: DjangoValidationError) -> exceptions.APIException:
    """A service's Persian refusal as an API error that keeps the service's code."""
    if hasattr(error, "error_dict"):
        errors = {
            field: [str(m) for e in errs for m in e.messages]
            for field, errs in error.error_dict.items()
        }
        code = next((e.code for errs in error.error_dict.values() for e in errs if e.code), None)
        refusal = exceptions.ValidationError(errors, code=code or "invalid")
        refusal.service_code = code or "invalid"
        return refusal
    code = getattr(error, "code", None) or (error.error_list[0].code if error.error_list else None)
    message = " ".join(error.messages)
    if code in CONFLICT_CODES:
        return Conflict(message, code=code)
    refusal = exceptions.ValidationError(
        {"non_field_errors": error.messages}, code=code or "invalid"
    )
    refusal.service_code = code or "invalid"
    return refusal


def _detail_and_code(exc: exceptions.APIException) -> tuple[str, str, dict | None]:
    code = _first_code(exc.get_codes())
    if isinstance(exc, exceptions.ValidationError):
        errors = _messages(exc.detail)
        code = getattr(exc, "service_code", None) or code
        first = next((m for messages in errors.values() for m in messages), "")
        detail = first or _("داده‌های درخواست پذیرفته نشد.")
        return detail, code, errors
    if isinstance(exc, exceptions.NotAuthenticated):
        return (
            _("کلید دسترسی فرستاده نشده است (Authorization: Bearer <کلید>)."),
            "not_authenticated",
            None,
        )
    if isinstance(exc, exceptions.NotFound):
        return _("یافت نشد."), "not_found", None
    if isinstance(exc, exceptions.Throttled):
        wait = int(exc.wait or 0) + 1
        return (
            _("شمار درخواست‌های این کلید از حد مجاز گذشته است؛ %(n)s ثانیه دیگر دوباره بفرستید.")
            % {"n": to_persian_digits(wait)},
            "throttled",
            None,
        )
    if isinstance(exc, exceptions.MethodNotAllowed):
        return _("این روش درخواست پذیرفته نیست."), "method_not_allowed", None
    if isinstance(exc, exceptions.UnsupportedMediaType):
        return _("نوع محتوای درخواست پذیرفته نیست."), "unsupported_media_type", None
    if isinstance(exc, exceptions.NotAcceptable):
        return _("پاسخ فقط به صورت JSON فرستاده می‌شود."), "not_acceptable", None
    if isinstance(exc, exceptions.ParseError):
        return _("محتوای درخواست خوانا نیست."), "parse_error", None
    if isinstance(exc, exceptions.PermissionDenied) and code == "permission_denied":
        return _("اجازه این کار را ندارید."), code, None
    if isinstance(exc, exceptions.AuthenticationFailed | exceptions.PermissionDenied | Conflict):
        return str(exc.detail), code, None
    return _("درخواست پذیرفته نشد."), code, None


def api_exception_handler(exc, context):
    """DRF's exception handler, with the portal's JSON error body."""
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    elif isinstance(exc, DjangoValidationError):
        exc = from_service(exc)
    if not isinstance(exc, exceptions.APIException):
        return None
    detail, code, errors = _detail_and_code(exc)
    data = {"detail": detail, "code": code}
    if errors:
        data["errors"] = errors
    headers = {}
    if getattr(exc, "auth_header", None):
        headers["WWW-Authenticate"] = exc.auth_header
    if getattr(exc, "wait", None) is not None:
        headers["Retry-After"] = str(int(exc.wait))
    set_rollback()
    return Response(data, status=exc.status_code, headers=headers)
