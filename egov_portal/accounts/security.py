"""Session timeouts, the second factor's gate and the security log (sign-ins, failures,
refusals, two-factor events)."""

from __future__ import annotations

import logging
import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from egov_portal.accounts import two_factor

log = logging.getLogger("egov_portal.security")

SESSION_STARTED = "egov_started"
SESSION_SEEN = "egov_seen"
#: How stale the "last seen" mark may get before it is written again (keeps requests
#: from writing the session every time).
SEEN_RESOLUTION = 60


def client_address(request) -> str:
    return request.META.get("REMOTE_ADDR", "") if request is not None else ""


@receiver(user_logged_in)
def _on_login(sender, request, user, **kwargs):
    now = int(time.time())
    step = two_factor.STEP_NONE
    if request is not None and hasattr(request, "session"):
        request.session[SESSION_STARTED] = now
        request.session[SESSION_SEEN] = now
        # What the session owes before the portal opens (TwoFactorMiddleware).
        step = two_factor.session_state_set(request, user)
    log.info("sign-in user=%s address=%s", user.get_username(), client_address(request))
    if step != two_factor.STEP_NONE:
        log.info(
            "2fa needed (%s) user=%s address=%s", step, user.get_username(), client_address(request)
        )


@receiver(user_logged_out)
def _on_logout(sender, request, user, **kwargs):
    log.info(
        "sign-out user=%s address=%s",
        user.get_username() if user else "-",
        client_address(request),
    )


@receiver(user_login_failed)
def _on_failure(sender, credentials, request=None, **kwargs):
    log.warning(
        "sign-in failed user=%s address=%s",
        (credentials or {}).get("username", "-"),
        client_address(request),
    )


class SessionTimeoutMiddleware:
    """Ends a signed-in session after ``SESSION_IDLE_SECONDS`` without a request or
    ``SESSION_ABSOLUTE_SECONDS`` after sign-in, whichever comes first."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = int(time.time())
            started = request.session.get(SESSION_STARTED, now)
            seen = request.session.get(SESSION_SEEN, now)
            idle = now - seen > settings.SESSION_IDLE_SECONDS
            expired = now - started > settings.SESSION_ABSOLUTE_SECONDS
            if idle or expired:
                log.info(
                    "session ended (%s) user=%s",
                    "idle" if idle else "absolute",
                    user.get_username(),
                )
                logout(request)
                messages.info(request, _("نشست شما به پایان رسید؛ دوباره وارد شوید."))
                return redirect(f"{settings.LOGIN_URL_PATH}?next={request.path}")
            if SESSION_STARTED not in request.session:
                request.session[SESSION_STARTED] = now
            if now - seen >= SEEN_RESOLUTION or SESSION_SEEN not in request.session:
                request.session[SESSION_SEEN] = now
        return self.get_response(request)


class TwoFactorMiddleware:
    """Until a signed-in user has passed his second factor (``egov_portal.two_factor``),
    every page — the admin included — sends him to enter a code, or to enrol when two-factor
    sign-in is mandatory for him and he has no device. Sign-out, help and the language
    switch stay open; static files are served before any view. Place after
    ``OTPMiddleware``; costs no query once the session knows what it owes."""

    #: Views open whatever the session owes (``view_name`` of the resolved URL).
    ALWAYS_OPEN = frozenset(
        {"logout", "help:index", "help:page", "set_language", "egov_portal.views.favicon"}
    )
    OPEN_FOR_STEP = {
        two_factor.STEP_VERIFY: ("two_factor:verify", frozenset({"two_factor:verify"})),
        two_factor.STEP_ENROL: ("two_factor:enrol", frozenset({"two_factor:enrol"})),
    }

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        view_name = request.resolver_match.view_name if request.resolver_match else ""
        if view_name in self.ALWAYS_OPEN:
            return None
        step = two_factor.pending_step(request)
        if step == two_factor.STEP_NONE:
            return None
        target, open_views = self.OPEN_FOR_STEP[step]
        if view_name in open_views:
            return None
        url = reverse(target)
        if request.method in {"GET", "HEAD"}:
            url = f"{url}?{urlencode({'next': request.get_full_path()})}"
        return redirect(url)
