"""The IT manager's pages for his agency's systems: keys of the API (made, shown once,
revoked) and webhook addresses with their deliveries. Administrators may use them for any
agency; a signed-in user who is neither gets 403 (agencies themselves are public)."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from committees.permissions import require
from egov_portal.views import run_action
from members import services as member_services
from members.models import Agency
from members.selectors import agency_api_tokens
from resolutions.api import webhooks
from resolutions.api.forms import ApiTokenForm, WebhookForm
from resolutions.models import AgencyWebhook


def _agency_for_manager(user, pk: int) -> Agency:
    agency = get_object_or_404(Agency, pk=pk)
    require(user.is_superuser or user.has_perm("members.manage_agency_directives", agency))
    return agency


def _end_of_day(day) -> datetime.datetime:
    moment = datetime.datetime.combine(day.togregorian(), datetime.time.max)
    return timezone.make_aware(moment.replace(microsecond=0))


def _add_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            target = field if field in form.fields else None
            for item in errors:
                form.add_error(target, item.messages)
    else:
        form.add_error(None, error.messages)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def api_tokens(request, pk: int):
    agency = _agency_for_manager(request.user, pk)
    form = ApiTokenForm(request.POST or None)
    created = secret = None
    if request.method == "POST" and form.is_valid():
        try:
            created, secret = member_services.agency_api_token_create(
                agency=agency,
                name=form.cleaned_data["name"],
                expires_at=_end_of_day(form.cleaned_data["expires_on"]),
                allowed_addresses=form.cleaned_data["allowed_addresses"],
                created_by=request.user,
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            form = ApiTokenForm()
    response = render(
        request,
        "resolutions/api/api_tokens.html",
        {
            "agency": agency,
            "tokens": agency_api_tokens(agency=agency),
            "form": form,
            "created": created,
            "secret": secret,
            "now": timezone.now(),
        },
        status=400 if request.method == "POST" and created is None else 200,
    )
    return response


@login_required
@require_POST
def api_token_revoke(request, pk: int, token_pk: int):
    agency = _agency_for_manager(request.user, pk)
    token = get_object_or_404(agency_api_tokens(agency=agency), pk=token_pk)
    member_services.agency_api_token_revoke(token=token, user=request.user)
    messages.success(request, _("کلید «%(name)s» باطل شد.") % {"name": token.name})
    return redirect("resolutions:agency_api_tokens", pk=agency.pk)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def webhooks_page(request, pk: int):
    agency = _agency_for_manager(request.user, pk)
    form = WebhookForm(request.POST or None)
    created = None
    if request.method == "POST" and form.is_valid():
        try:
            created = webhooks.webhook_create(
                agency=agency, url=form.cleaned_data["url"], user=request.user
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            form = WebhookForm()
    return render(
        request,
        "resolutions/api/webhooks.html",
        {
            "agency": agency,
            "webhooks": AgencyWebhook.objects.filter(agency=agency),
            "deliveries": webhooks.agency_deliveries(agency=agency),
            "form": form,
            "created": created,
            "signature_header": webhooks.SIGNATURE_HEADER,
            "timestamp_header": webhooks.TIMESTAMP_HEADER,
        },
        status=400 if request.method == "POST" and created is None else 200,
    )


@login_required
@require_POST
def webhook_deactivate(request, pk: int, webhook_pk: int):
    agency = _agency_for_manager(request.user, pk)
    webhook = get_object_or_404(AgencyWebhook, pk=webhook_pk, agency=agency)
    run_action(
        request,
        lambda: webhooks.webhook_deactivate(webhook=webhook),
        _("نشانی اعلان غیرفعال شد."),
    )
    return redirect("resolutions:agency_webhooks", pk=agency.pk)
