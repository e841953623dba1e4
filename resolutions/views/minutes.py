"""The minutes: the chair's approval, the PDF and the printable page, and the public page
that verifies them."""

from __future__ import annotations

import re

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from committees.models import Meeting, MeetingState, Minutes
from committees.permissions import meeting_for_user, require
from egov_portal import signing
from egov_portal.limits import declared_length, too_large
from egov_portal.pdf import pdf_response, render_pdf
from egov_portal.text.i18n import official_document
from egov_portal.text.persian import to_latin_digits
from resolutions.documents.minutes import PRINTABLE_STATES, minutes_document
from resolutions.forms import DocumentVerifyForm
from resolutions.selectors.archive import Verdict, document_verify
from resolutions.selectors.minutes import minutes_verify
from resolutions.services import archive as archive_services
from resolutions.services import minutes as minutes_services


@login_required
@require_POST
def minutes_approve(request, pk: int):
    """Approval cannot be taken back: before the review deadline, or while attendees have
    not answered the draft, the chair first sees how many answered and confirms
    (``confirm=1``)."""
    meeting, access = meeting_for_user(request.user, pk)
    require(access.chair)
    confirmed = request.POST.get("confirm") == "1"
    try:
        minutes_services.minutes_approve(meeting=meeting, user=request.user, confirmed=confirmed)
    except ValidationError as error:
        if not confirmed and all(
            getattr(e, "code", None) == "needs_confirmation" for e in error.error_list
        ):
            return render(
                request,
                "resolutions/minutes_approve_confirm.html",
                {"meeting": meeting, "concerns": error.messages},
            )
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("صورتجلسه تصویب شد و از این پس تغییر نمی‌کند."))
    return redirect("committees:meeting_detail", pk=meeting.pk)


# Longer input is not a fingerprint; it is cut before it is echoed back on the page.
MAX_FINGERPRINT_INPUT = 128
_SPACES_RE = re.compile(r"[\s\u200c\u200e\u200f]+")


def _printable_meeting(request, pk: int) -> Meeting:
    """The meeting if the user may read it and its minutes exist as a draft or approved."""
    meeting, _access = meeting_for_user(
        request.user, pk, queryset=Meeting.objects.select_related("body")
    )
    if meeting.state not in PRINTABLE_STATES:
        raise Http404
    return meeting


@require_safe
def minutes_pdf(request, pk: int):
    """Approved minutes: their archived file, the same bytes at every request (kept at
    approval, or now for minutes approved before files were kept). A draft: rendered now."""
    meeting = _printable_meeting(request, pk)
    if meeting.state == MeetingState.APPROVED:
        minutes = Minutes.objects.select_related("meeting").get(meeting=meeting)
        try:
            pdf = archive_services.minutes_archive_read(minutes)
        except archive_services.ArchivedFileMissing:
            context = {"meeting": meeting, "minutes": minutes}
            return render(request, "resolutions/minutes_archive_missing.html", context, status=503)
        return pdf_response(pdf, filename=f"minutes-{meeting.body_id}-{meeting.number}")
    with official_document():
        context = minutes_document(meeting)
        pdf = render_pdf("resolutions/pdf/minutes.html", context, request=request)
    suffix = "-draft" if context["is_draft"] else ""
    return pdf_response(pdf, filename=f"minutes-{meeting.body_id}-{meeting.number}{suffix}")


@require_safe
def minutes_print(request, pk: int):
    meeting = _printable_meeting(request, pk)
    with official_document():
        context = minutes_document(meeting)
        context["pdf_url"] = reverse("resolutions:minutes_pdf", args=[meeting.pk])
        return render(request, "resolutions/minutes_print.html", context)


def _clean_fingerprint(value: str) -> str:
    """What a person typed or scanned, without spaces, direction marks or Persian digits."""
    value = to_latin_digits(value or "")[:MAX_FINGERPRINT_INPUT]
    return _SPACES_RE.sub("", value).lower()


def _verification_context(fingerprint: str) -> dict:
    """The verdict and what the minutes' snapshot says of them (never the live records)."""
    result = minutes_verify(_clean_fingerprint(fingerprint))
    return {
        "result": result,
        # Only the length is said of a fingerprint that matches nothing: never how close it
        # came to a real one (one wrong character gets the same answer as a made-up value).
        "length": len(_clean_fingerprint(fingerprint)),
        "fingerprint": result.fingerprint[:MAX_FINGERPRINT_INPUT],
        "snapshot": result.snapshot if isinstance(result.snapshot, dict) else {},
    }


def _signing_context() -> dict:
    return {"signing_configured": signing.is_configured()}


@require_http_methods(["GET", "HEAD", "POST"])
def verify(request):
    """The public verification page: a fingerprint (GET ``f``), or a PDF file (POST)
    checked for the portal's signature and the archived file's SHA-256."""
    if request.method == "POST":
        return _verify_upload(request)
    fingerprint = request.GET.get("f", "")
    context = _verification_context(fingerprint) if fingerprint.strip() else {}
    context["asked"] = bool(fingerprint.strip())
    context["value"] = fingerprint[:MAX_FINGERPRINT_INPUT]
    context["upload_form"] = DocumentVerifyForm()
    return render(request, "resolutions/verify.html", {**context, **_signing_context()})


def _verify_upload(request):
    # Refused before the body is read: no document of the portal is this large.
    limit = settings.VERIFY_UPLOAD_MAX_BYTES + settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    if declared_length(request) > limit:
        return too_large(request, limit=limit)
    form = DocumentVerifyForm(request.POST, request.FILES)
    context = {"upload_form": form, "value": "", **_signing_context()}
    if not form.is_valid():
        return render(request, "resolutions/verify.html", context, status=400)
    check = document_verify(form.cleaned_data["document"])
    if check.verdict == Verdict.UNREADABLE:
        form.add_error("document", _("این پرونده PDF خوانا نیست."))
        return render(request, "resolutions/verify.html", context, status=400)
    context.update(check=check, snapshot=check.snapshot)
    return render(request, "resolutions/verify.html", context)


@require_safe
def verify_fingerprint(request, fingerprint: str):
    context = _verification_context(fingerprint)
    context["asked"] = True
    context["value"] = fingerprint[:MAX_FINGERPRINT_INPUT]
    context["upload_form"] = DocumentVerifyForm()
    return render(request, "resolutions/verify.html", {**context, **_signing_context()})
