"""Two-factor sign-in with django-otp: who must use it, and enrolling, verifying and removing.

A user's second factor is a confirmed ``TOTPDevice`` (an authenticator app: six-digit
codes) plus a ``StaticDevice`` holding ten one-time backup codes of ten digits. Whoever has
a confirmed device enters a code after his password; with ``TWO_FACTOR_REQUIRED`` on,
superusers, staff and secretariat staff must have one (``two_factor_required``).

What a signed-in session still owes is kept in the session (``SESSION_STATE``), worked out
at sign-in, so ordinary requests cost no query; it is worked out again when
``TWO_FACTOR_REQUIRED`` changes, and for a staff user whose session says "nothing" while the
setting is on. A role granted in the middle of a session takes effect at the next sign-in.
``egov_portal.security.TwoFactorMiddleware`` enforces it on every page, the admin included.

Every success, failure, refusal, enrolment and removal goes to the ``egov_portal.security``
log; enrolment and removal are also written to the audit trail.
"""

from __future__ import annotations

import logging
import math
import re
import time
from base64 import b32encode
from binascii import unhexlify

import django_otp
import segno
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django_otp.models import Device
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice, default_key
from django_otp.util import random_number_token

from egov_portal.models import AuditAction, AuditEvent, AuditSource
from egov_portal.notifications.services import notify
from egov_portal.scopes import secretariat_body_ids
from egov_portal.text.i18n import digits, portal_language
from egov_portal.text.persian import to_latin_digits

log = logging.getLogger("egov_portal.security")

TOTP_DIGITS = 6
BACKUP_CODE_DIGITS = 10
BACKUP_CODE_COUNT = 10

#: What a signed-in session still owes before the portal opens.
STEP_NONE = ""
STEP_VERIFY = "verify"  # he has a device: enter a code
STEP_ENROL = "enrol"  # it is mandatory and he has none: enrol first

SESSION_STATE = "egov_2fa"
#: How often a session that owes nothing checks whether its user has enrolled since.
RECHECK_SECONDS = 60
#: The secret of an enrolment in progress (hex), until it is confirmed with a code.
SESSION_PENDING_KEY = "egov_2fa_pending_key"
#: The backup codes of a new enrolment, until the page that shows them once.
SESSION_BACKUP_CODES = "egov_2fa_backup_codes"

_SEPARATORS = re.compile(r"[\s\-_\u200c\u200f\u200e]+")


# --- who ---------------------------------------------------------------------------


def is_secretariat_staff(user) -> bool:
    """Whether ``user`` is on the secretariat of at least one body: he holds
    ``committees.manage_body`` on it, himself or through a group (guardian)."""
    return secretariat_body_ids(user).exists()


def two_factor_required(user) -> bool:
    """The rule: with ``TWO_FACTOR_REQUIRED`` on, superusers, staff users and secretariat
    staff must sign in with a second factor. Everyone else may choose to."""
    if not settings.TWO_FACTOR_REQUIRED or not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or user.is_staff or is_secretariat_staff(user)


def confirmed_device(user) -> TOTPDevice | None:
    """The user's authenticator app, if he has enrolled one."""
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).order_by("pk").first()


def sign_in_step(user) -> str:
    """What ``user`` must do after his password: ``STEP_VERIFY`` (he has a device),
    ``STEP_ENROL`` (mandatory, no device) or ``STEP_NONE``."""
    if TOTPDevice.objects.devices_for_user(user, confirmed=True).exists():
        return STEP_VERIFY
    if two_factor_required(user):
        return STEP_ENROL
    return STEP_NONE


def backup_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


# --- the session ---------------------------------------------------------------------


def session_state_set(request, user) -> str:
    """Work out and remember what the session owes (at sign-in and after a change)."""
    step = sign_in_step(user)
    request.session[SESSION_STATE] = {
        "step": step,
        "required": bool(settings.TWO_FACTOR_REQUIRED),
        "checked": int(time.time()),
    }
    return step


def pending_step(request) -> str:
    """What still stands between the signed-in user and the portal: ``STEP_VERIFY``,
    ``STEP_ENROL`` or ``STEP_NONE`` (nothing, or already verified in this session)."""
    user = request.user
    state = request.session.get(SESSION_STATE)
    required = bool(settings.TWO_FACTOR_REQUIRED)
    stale = (
        not isinstance(state, dict)
        or state.get("required") != required
        or (state.get("step") == STEP_NONE and required and (user.is_staff or user.is_superuser))
        # A session that owes nothing looks again now and then: if the user has since
        # enrolled (say, fearing someone else has his password), every other session of
        # his is asked for a code within RECHECK_SECONDS.
        or (
            state.get("step") == STEP_NONE
            and time.time() - state.get("checked", 0) >= RECHECK_SECONDS
        )
    )
    step = session_state_set(request, user) if stale else state.get("step", STEP_NONE)
    if step == STEP_NONE or user.is_verified():
        return STEP_NONE
    return step


def session_verified(request, device: Device) -> None:
    """Mark the session as having passed the second factor with ``device``."""
    django_otp.login(request, device)
    request.session.cycle_key()
    session_state_set(request, request.user)


# --- enrolment helpers ----------------------------------------------------------------


def new_secret() -> str:
    """A fresh TOTP secret (20 random bytes, hex) for an enrolment."""
    return default_key()


def secret_for_display(key: str) -> str:
    """The secret as authenticator apps take it when typed: base32 in groups of four."""
    text = b32encode(unhexlify(key)).decode().rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def provisioning_uri(*, user, key: str) -> str:
    """The ``otpauth://`` address the QR code carries (no query: the user is given)."""
    return TOTPDevice(user=user, key=key).config_url


def qr_data_uri(text: str) -> str:
    """The QR code of ``text`` as an SVG ``data:`` URL (the CSP allows ``img-src data:``)."""
    return segno.make(text, error="m").svg_data_uri(scale=5, border=2)


def format_backup_code(code: str) -> str:
    half = len(code) // 2
    return f"{code[:half]}-{code[half:]}"


def normalize_code(text: str) -> str:
    """A code typed with Persian, Arabic-Indic or Latin digits, spaces or dashes, as
    Latin digits only."""
    return _SEPARATORS.sub("", to_latin_digits(text or ""))


def _check_format(code: str) -> None:
    if not (code.isascii() and code.isdigit() and len(code) in {TOTP_DIGITS, BACKUP_CODE_DIGITS}):
        raise ValidationError(
            _("کد باید شش رقم از برنامه احراز هویت یا یکی از کدهای پشتیبان ده‌رقمی باشد."),
            code="format",
        )


def _audit(*, user, device: Device, action: str, before: dict, after: dict, address: str):
    AuditEvent.objects.create(
        actor=user,
        source=AuditSource.WEB,
        action=action,
        model=device._meta.label,
        object_id=str(device.pk),
        object_repr=_("ورود دومرحله‌ای %(user)s") % {"user": user.get_username()},
        before=before,
        after=after,
        address=address or None,
    )


# --- services ------------------------------------------------------------------------


def two_factor_verify(*, user, code: str, address: str = "", purpose: str = "sign-in") -> Device:
    """The device that accepts ``code``: a six-digit code of the authenticator app, or a
    ten-digit backup code (each works once). Otherwise a Persian ``ValidationError``.

    Wrong codes count towards django-otp's throttle of the device (after the n-th wrong
    code in a row the next try waits 2ⁿ⁻¹ seconds); the count is committed even though the
    caller is refused.
    """
    code = normalize_code(code)
    _check_format(code)
    backup = len(code) == BACKUP_CODE_DIGITS
    model = StaticDevice if backup else TOTPDevice
    method = "backup-code" if backup else "totp"
    wait = None
    with transaction.atomic():
        device = (
            model.objects.devices_for_user(user, confirmed=True)
            .select_for_update()
            .order_by("pk")
            .first()
        )
        if device is None:
            accepted = False
        else:
            allowed, info = device.verify_is_allowed()
            if not allowed:
                accepted = False
                until = (info or {}).get("locked_until") or timezone.now()
                wait = max(1, math.ceil((until - timezone.now()).total_seconds()))
            else:
                accepted = device.verify_token(code)
    username = user.get_username()
    if accepted:
        log.info(
            "2fa code accepted user=%s method=%s purpose=%s address=%s",
            username,
            method,
            purpose,
            address,
        )
        if backup:
            _tell_owner(user, "backup_used")
        return device
    if wait is not None:
        log.warning(
            "2fa throttled user=%s method=%s purpose=%s failures=%s address=%s",
            username,
            method,
            purpose,
            device.throttling_failure_count,
            address,
        )
        raise ValidationError(
            _(
                "چند کد نادرست پشت سر هم وارد شد؛ برای امنیت حساب، %(seconds)s ثانیه دیگر دوباره تلاش کنید."
            )
            % {"seconds": digits(wait)},
            code="throttled",
        )
    log.warning(
        "2fa code refused user=%s method=%s purpose=%s failures=%s address=%s",
        username,
        method,
        purpose,
        device.throttling_failure_count if device is not None else "-",
        address,
    )
    if backup:
        message = _("این کد پشتیبان درست نیست یا پیش‌تر به کار رفته است.")
    else:
        message = _("کد درست نیست یا زمانش گذشته است؛ کد تازه را از برنامه احراز هویت وارد کنید.")
    raise ValidationError(message, code="wrong")


@transaction.atomic
def two_factor_enrol(*, user, key: str, code: str, address: str = "") -> list[str]:
    """Confirm the authenticator app holding ``key`` with a ``code`` it shows, save it,
    and give the user ten new backup codes (returned once, to be shown once)."""
    get_user_model().objects.select_for_update().filter(pk=user.pk).first()
    if TOTPDevice.objects.devices_for_user(user, confirmed=True).exists():
        raise ValidationError(_("ورود دومرحله‌ای حساب شما از پیش فعال است."), code="enrolled")
    code = normalize_code(code)
    totp = TOTP(unhexlify(key), digits=TOTP_DIGITS)
    totp.time = time.time()
    if not (
        code.isascii()
        and code.isdigit()
        and len(code) == TOTP_DIGITS
        and totp.verify(int(code), tolerance=1)
    ):
        log.warning("2fa enrolment code refused user=%s address=%s", user.get_username(), address)
        raise ValidationError(
            _(
                "کد درست نیست. کد شش‌رقمی‌ای را وارد کنید که برنامه احراز هویت پس از خواندن همین رمزینه نشان می‌دهد."
            ),
            code="wrong",
        )
    with portal_language():  # the device names and the audit record are stored
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
        device = TOTPDevice.objects.create(
            user=user,
            name=_("برنامه احراز هویت"),
            key=key,
            digits=TOTP_DIGITS,
            confirmed=True,
            last_t=totp.t(),  # the code just used cannot be used again to sign in
            drift=totp.drift,
        )
        backup = StaticDevice.objects.create(user=user, name=_("کدهای پشتیبان"), confirmed=True)
        codes = _new_backup_codes(backup)
        _audit(
            user=user,
            device=device,
            action=AuditAction.CREATE,
            before={},
            after={_("ورود دومرحله‌ای"): _("فعال"), _("کدهای پشتیبان"): BACKUP_CODE_COUNT},
            address=address,
        )
    log.info("2fa enrolled user=%s address=%s", user.get_username(), address)
    _tell_owner(user, "enrolled")
    return codes


def _new_backup_codes(device: StaticDevice) -> list[str]:
    """Replace the backup codes of ``device`` with ten new ones, returned once."""
    StaticToken.objects.filter(device=device).delete()
    codes: list[str] = []
    while len(codes) < BACKUP_CODE_COUNT:
        candidate = random_number_token(BACKUP_CODE_DIGITS)
        if candidate not in codes:
            codes.append(candidate)
    StaticToken.objects.bulk_create(StaticToken(device=device, token=c) for c in codes)
    return codes


def two_factor_backup_codes_renew(*, user, code: str, address: str = "") -> list[str]:
    """Ten new backup codes for ``user`` after a current code; the old ones stop working.
    For a lost or used-up set, while the authenticator app still works."""
    if confirmed_device(user) is None:
        raise ValidationError(_("ورود دومرحله‌ای حساب شما فعال نیست."), code="absent")
    two_factor_verify(user=user, code=code, address=address, purpose="backup-renewal")
    with transaction.atomic(), portal_language():
        device = StaticDevice.objects.select_for_update().filter(user=user).order_by("pk").first()
        if device is None:
            device = StaticDevice.objects.create(user=user, name=_("کدهای پشتیبان"), confirmed=True)
        before = StaticToken.objects.filter(device=device).count()
        codes = _new_backup_codes(device)
        _audit(
            user=user,
            device=device,
            action=AuditAction.UPDATE,
            before={_("کدهای پشتیبان"): before},
            after={_("کدهای پشتیبان"): BACKUP_CODE_COUNT},
            address=address,
        )
    log.info("2fa backup codes renewed user=%s address=%s", user.get_username(), address)
    _tell_owner(user, "renewed")
    return codes


# What the account holder is told, by e-mail and in the portal, of each change to his second
# factor: if it was not him, he hears of it at once.
OWNER_NOTICES = {
    "enrolled": gettext_noop("ورود دومرحله‌ای برای حساب شما فعال شد."),
    "removed": gettext_noop("ورود دومرحله‌ای حساب شما خاموش شد."),
    "renewed": gettext_noop(
        "کدهای پشتیبان تازه برای حساب شما ساخته شد و کدهای پیشین از کار افتاد."
    ),
    "backup_used": gettext_noop("با یکی از کدهای پشتیبان به حساب شما وارد شدند."),
}


def _tell_owner(user, event: str) -> None:
    """After the transaction commits: a notice in the portal and, when the account has an
    address, an e-mail. A mail server that cannot be reached is logged, not raised."""

    def tell() -> None:
        with portal_language():
            title = _(OWNER_NOTICES[event])
            body = _("اگر این کار را خود شما نکرده‌اید، بی‌درنگ با مدیر سامانه تماس بگیرید.")
            notify(user=user, title=title, body=body, url=reverse("two_factor:settings"))
            if not user.email:
                return
            try:
                send_mail(title, body, None, [user.email])
            except OSError:
                log.exception("2fa notice e-mail not sent user=%s", user.get_username())

    transaction.on_commit(tell)


def two_factor_remove(*, user, code: str, address: str = "") -> None:
    """Turn two-factor sign-in off for ``user`` after a current code (or a backup code);
    refused while it is mandatory for him."""
    if two_factor_required(user):
        log.warning(
            "2fa removal refused (mandatory) user=%s address=%s", user.get_username(), address
        )
        raise ValidationError(
            _("ورود دومرحله‌ای برای حساب شما الزامی است و نمی‌توان آن را برداشت."),
            code="mandatory",
        )
    if confirmed_device(user) is None:
        raise ValidationError(_("ورود دومرحله‌ای حساب شما فعال نیست."), code="absent")
    two_factor_verify(user=user, code=code, address=address, purpose="removal")
    with transaction.atomic():
        devices = list(TOTPDevice.objects.filter(user=user).select_for_update())
        left = backup_codes_left(user)
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
        for device in devices:
            with portal_language():
                _audit(
                    user=user,
                    device=device,
                    action=AuditAction.DELETE,
                    before={_("ورود دومرحله‌ای"): _("فعال"), _("کدهای پشتیبان"): left},
                    after={},
                    address=address,
                )
    log.info("2fa removed user=%s address=%s", user.get_username(), address)
    _tell_owner(user, "removed")
