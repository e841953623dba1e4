"""What browsers and proxies may keep: personal responses nothing, public pages with a
validator.

* :class:`PrivateResponseMiddleware` marks every response that depends on who is asking
  ``Cache-Control: private, no-store``: any response to a signed-in user (directive pages,
  letters, exports, the dashboard, the inbox, «صفحه من» …) or to a request carrying
  ``Authorization``, and a visitor's page that shows him flash messages or reads a
  session holding something of his. Views that set their own ``Cache-Control`` keep it,
  with ``private`` and ``no-store`` added.
* :class:`ConditionalGetMiddleware` gives everything else (the structure, bodies,
  agencies, public resolutions, the verification page, for visitors who are not signed in)
  an ``ETag``, and answers ``304 Not Modified`` to a matching ``If-None-Match``.

Every page carries the language switch, a form with a CSRF token that Django masks afresh
on each response, so the page's bytes never repeat. The ETag is therefore computed with
that token's value left out and the visitor's CSRF secret (his cookie) put in: it is the
same as long as the page and his cookie are, and another visitor, whose token would not
match, never gets a 304 for it. Such pages also set the CSRF cookie and ``Vary: Cookie``,
so none of them is marked ``public``.
"""

from __future__ import annotations

import hashlib
import re

from django.middleware.http import ConditionalGetMiddleware as DjangoConditionalGetMiddleware
from django.utils.cache import patch_cache_control, quote_etag

# What Django's {% csrf_token %} renders; the value is the masked token.
CSRF_TOKEN_RE = re.compile(rb'(name="csrfmiddlewaretoken" value=")[A-Za-z0-9]*(")')


def is_personal(request) -> bool:
    """Whether the response to ``request`` may depend on who sent it.

    A request with credentials of its own (``Authorization``) may. Otherwise only through
    the session can it: a request whose session was never read was answered the same for
    everyone, and reading it is how the signed-in user is found. (A view that recognises
    its caller some other way, by a key in its URL say, marks its responses itself.)
    """
    if "HTTP_AUTHORIZATION" in request.META:
        return True
    session = getattr(request, "session", None)
    if session is None or not session.accessed:
        return False
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return True
    messages = getattr(request, "_messages", None)
    if messages is not None and messages.used:
        return True
    return not session.is_empty()


class PrivateResponseMiddleware:
    """``Cache-Control: private, no-store`` on every response that :func:`is_personal`."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if is_personal(request):
            patch_cache_control(response, private=True, no_store=True)
        return response


def page_etag(request, response) -> str:
    """A weak ETag of ``response``'s content, blind to the masked CSRF token (see the
    module's docstring)."""
    content, tokens = CSRF_TOKEN_RE.subn(rb"\1\2", response.content)
    digest = hashlib.sha256(content)
    if tokens:
        digest.update(b"\0" + request.META.get("CSRF_COOKIE", "").encode())
    return "W/" + quote_etag(digest.hexdigest()[:32])


class ConditionalGetMiddleware(DjangoConditionalGetMiddleware):
    """Django's conditional GET (``304`` to a matching ``If-None-Match``), with the
    :func:`page_etag` that survives the language switch's CSRF token. Responses marked
    ``no-store`` get none."""

    def process_response(self, request, response):
        if (
            request.method == "GET"
            and not response.streaming
            and response.content
            and self.needs_etag(response)
            and not response.has_header("ETag")
        ):
            response.headers["ETag"] = page_etag(request, response)
        return super().process_response(request, response)
