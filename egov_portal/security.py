"""Session timeouts and the security log (sign-ins, failures, refusals)."""

from __future__ import annotations

import logging
import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.shortcuts import redirect
from django.utils.translation import gettext as _

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
    if request is not None and hasattr(request, "session"):
        request.session[SESSION_STARTED] = now
        request.session[SESSION_SEEN] = now
    log.info("sign-in user=%s address=%s", user.get_username(), client_address(request))


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
