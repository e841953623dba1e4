"""Two-factor sign-in pages: the user's own settings, enrolment with a QR code, the backup
codes shown once, the code after the password, and turning it off.

The rules and the writes are in ``egov_portal.two_factor``; the gate that keeps an
unverified session away from every other page is ``egov_portal.security.TwoFactorMiddleware``.
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from egov_portal.accounts import two_factor
from egov_portal.accounts.security import client_address
from egov_portal.forms import StyledFormMixin, run_service
from egov_portal.text.i18n import digits
from egov_portal.views import run_action


class OneTimeCodeInput(forms.TextInput):
    """A code is never written back into the page, not even a wrong one."""

    def format_value(self, value):
        return None


class CodeForm(StyledFormMixin, forms.Form):
    code = forms.CharField(
        label=gettext_lazy("کد"),
        max_length=32,
        widget=OneTimeCodeInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "dir": "ltr",
                "autofocus": True,
                "spellcheck": "false",
            }
        ),
        error_messages={"required": gettext_lazy("کد را وارد کنید.")},
    )


def _next_url(request) -> str:
    """Where to go after the code: the ``next`` asked for, if it is a path on this site.
    (Anything else, a word say, would be taken by ``redirect()`` for a URL name: a 500.)"""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate.startswith("/") and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return resolve_url(settings.LOGIN_REDIRECT_URL)


@login_required
@never_cache
@require_safe
def two_factor_settings(request):
    """The «ورود دومرحله‌ای» page: on or off, backup codes left, enrol or turn off."""
    user = request.user
    device = user.otp_device  # the device that verified this session, already loaded
    if not isinstance(device, TOTPDevice):
        device = two_factor.confirmed_device(user)
    form = CodeForm(auto_id="id_remove_%s")
    form.fields["code"].widget.attrs.pop("autofocus", None)
    renew_form = CodeForm(auto_id="id_renew_%s")
    renew_form.fields["code"].widget.attrs.pop("autofocus", None)
    context = {
        "device": device,
        "required": two_factor.two_factor_required(user),
        "backup_left": two_factor.backup_codes_left(user) if device else 0,
        "form": form,
        "renew_form": renew_form,
    }
    return render(request, "registration/two_factor_settings.html", context)


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def two_factor_enrol(request):
    """Scan the QR code (or type the secret), confirm with a code, get the backup codes."""
    user = request.user
    if two_factor.confirmed_device(user) is not None:
        if not user.is_verified():
            # Enrolled meanwhile (in another session): this one enters a code like any other.
            two_factor.session_state_set(request, user)
            return redirect("two_factor:verify")
        messages.info(request, _("ورود دومرحله‌ای حساب شما از پیش فعال است."))
        return redirect("two_factor:settings")
    step = two_factor.pending_step(request)
    if step == two_factor.STEP_ENROL and not two_factor.two_factor_required(user):
        # No longer mandatory for him (his role changed): the session owes nothing.
        step = two_factor.session_state_set(request, user)
    key = request.session.get(two_factor.SESSION_PENDING_KEY)
    if not key:
        key = two_factor.new_secret()
        request.session[two_factor.SESSION_PENDING_KEY] = key
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = run_service(
            form,
            lambda: two_factor.two_factor_enrol(
                user=user,
                key=key,
                code=form.cleaned_data["code"],
                address=client_address(request),
            ),
        )
        if codes is not None:
            request.session.pop(two_factor.SESSION_PENDING_KEY, None)
            request.session[two_factor.SESSION_BACKUP_CODES] = codes
            two_factor.session_verified(request, two_factor.confirmed_device(user))
            messages.success(request, _("ورود دومرحله‌ای برای حساب شما فعال شد."))
            return redirect("two_factor:backup_codes")
    uri = two_factor.provisioning_uri(user=user, key=key)
    context = {
        "form": form,
        "qr": two_factor.qr_data_uri(uri),
        "secret": two_factor.secret_for_display(key),
        "mandatory": step == two_factor.STEP_ENROL,
    }
    return render(request, "registration/two_factor_enrol.html", context)


@login_required
@never_cache
@require_safe
def two_factor_backup_codes(request):
    """The ten backup codes of a new enrolment, shown this once."""
    codes = request.session.pop(two_factor.SESSION_BACKUP_CODES, None)
    if not codes:
        messages.info(
            request, _("کدهای پشتیبان فقط یک بار، درست پس از فعال‌سازی، نشان داده می‌شوند.")
        )
        return redirect("two_factor:settings")
    shown = [two_factor.format_backup_code(code) for code in codes]
    return render(request, "registration/two_factor_backup_codes.html", {"codes": shown})


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def two_factor_verify(request):
    """The second step of signing in: a code from the app, or a backup code."""
    user = request.user
    next_url = _next_url(request)
    if user.is_verified():
        return redirect(next_url)
    if two_factor.confirmed_device(user) is None:
        # No device (any more): enrol if it is mandatory, else nothing to verify.
        if two_factor.session_state_set(request, user) == two_factor.STEP_ENROL:
            return redirect("two_factor:enrol")
        return redirect(next_url)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = run_service(
            form,
            lambda: two_factor.two_factor_verify(
                user=user, code=form.cleaned_data["code"], address=client_address(request)
            ),
        )
        if device is not None:
            two_factor.session_verified(request, device)
            if isinstance(device, StaticDevice):
                left = two_factor.backup_codes_left(user)
                messages.warning(
                    request,
                    ngettext(
                        "با یک کد پشتیبان وارد شدید؛ %(left)s کد دیگر مانده است. اگر برنامه احراز هویت در دسترس نیست، با مدیر سامانه تماس بگیرید.",
                        "با یک کد پشتیبان وارد شدید؛ %(left)s کد دیگر مانده است. اگر برنامه احراز هویت در دسترس نیست، با مدیر سامانه تماس بگیرید.",
                        left,
                    )
                    % {"left": digits(left)},
                )
            return redirect(next_url)
    return render(request, "registration/two_factor_verify.html", {"form": form, "next": next_url})


def _act_with_code(request, service, success: str) -> tuple[bool, object]:
    """Run ``service(user=…, code=…, address=…)`` with the current code the user POSTed and
    report how it went: ``(done, what the service returned)``."""
    form = CodeForm(request.POST)
    if not form.is_valid():
        for error in form.errors.get("code", []):
            messages.error(request, error)
        return False, None
    returned = []

    def call() -> None:
        code = form.cleaned_data["code"]
        returned.append(service(user=request.user, code=code, address=client_address(request)))

    done = run_action(request, call, success)
    return done, returned[0] if done else None


@login_required
@require_POST
def two_factor_remove(request):
    """Turn two-factor sign-in off, with a current code; refused while mandatory."""
    removed, _nothing = _act_with_code(
        request, two_factor.two_factor_remove, _("ورود دومرحله‌ای حساب شما خاموش شد.")
    )
    if removed:
        request.session.pop(DEVICE_ID_SESSION_KEY, None)
        two_factor.session_state_set(request, request.user)
    return redirect("two_factor:settings")


@login_required
@require_POST
def two_factor_backup_codes_renew(request):
    """Ten new backup codes, with a current code; shown once on the backup-codes page."""
    renewed, codes = _act_with_code(
        request,
        two_factor.two_factor_backup_codes_renew,
        _("کدهای پشتیبان تازه ساخته شد؛ کدهای پیشین دیگر کار نمی‌کنند."),
    )
    if renewed:
        request.session[two_factor.SESSION_BACKUP_CODES] = codes
        return redirect("two_factor:backup_codes")
    return redirect("two_factor:settings")
