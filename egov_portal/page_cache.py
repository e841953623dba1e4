"""A server-side cache of the public pages, for visitors who carry no state of their own.

The structure, the agencies, a body and the public resolutions are the same for every
visitor who is not signed in, in his language and on a given day. :func:`public_page`
keeps such a page in Django's cache (Redis in production) and serves it again without
running the view:

* **Who gets a cached page.** A ``GET``/``HEAD`` with no session cookie, no messages
  cookie and no ``Authorization``: nothing in such a request can make the page personal.
  A signed-in user, or a visitor with a flash message waiting, always gets a fresh page.
* **What is kept.** The body of a ``200`` response, with the one part that differs per
  response — the masked CSRF token of the language switch — replaced by a mark that a hit
  fills with this visitor's token (so his CSRF cookie is set exactly as a fresh page
  would set it).
* **How long.** Until anything the public pages show is written: every save, delete or
  many-to-many change of a model of ``members``, ``committees`` or ``resolutions`` (and
  the province and its slogans) bumps one version number, after the transaction commits.
  A page is kept with the version it was made at and served only while that is the
  version (both read in one round trip); a reader who saw the old version stores his
  page tagged with it, so the next visitor makes it again. Writes that bypass model
  signals (``QuerySet.update``) show within :data:`PUBLIC_PAGE_CACHE_SECONDS` at the
  latest. The date is part of the key, so a holding that starts or ends today shows today.
"""

from __future__ import annotations

import functools
import hashlib

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils import timezone
from django.utils.translation import get_language

from egov_portal.caching import CSRF_TOKEN_RE

VERSION_KEY = "public-page:version"
# Apps whose every model a public page may show; from the core, only these models.
PUBLIC_APPS = frozenset({"members", "committees", "resolutions"})
PUBLIC_CORE_MODELS = frozenset(
    {"egov_portal.slogan", "egov_portal.province", "auth.user_groups", "auth.group"}
)
_MARK = b"\x00csrf\x00"


def _version() -> int:
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, 1, timeout=None)
        version = cache.get(VERSION_KEY, 1)
    return version


def versioned_key(*parts) -> str:
    """A cache key that goes stale with the public pages: for anything else computed from
    the same data (``members``, ``committees``, ``resolutions``), such as the dashboard's
    figures. The caller puts into ``parts`` whatever makes the value differ — whose view
    it is above all."""
    return ":".join(["data", str(_version()), *map(str, parts)])


def kept(parts: tuple, compute, *, seconds: int):
    """``compute()``, kept in the cache under :func:`versioned_key` of ``parts`` for at
    most ``seconds`` (0: not kept, computed every time)."""
    if seconds <= 0:
        return compute()
    key = versioned_key(*parts)
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, timeout=seconds)
    return value


def invalidate() -> None:
    """Make every cached public page stale (after the current transaction commits)."""

    def bump():
        try:
            cache.incr(VERSION_KEY)
        except ValueError:  # no version yet: nothing is cached under one either
            cache.add(VERSION_KEY, 1, timeout=None)

    transaction.on_commit(bump)


def _shows_publicly(sender) -> bool:
    meta = getattr(sender, "_meta", None)
    return meta is not None and (
        meta.app_label in PUBLIC_APPS or meta.label_lower in PUBLIC_CORE_MODELS
    )


def _on_write(sender, **kwargs):
    if _shows_publicly(sender):
        invalidate()


def connect_signals() -> None:
    """Called once from the core app's ``ready()``."""
    for signal in (post_save, post_delete, m2m_changed):
        signal.connect(_on_write, dispatch_uid=f"public-page-cache-{signal!r}")


def carries_state(request) -> bool:
    """Whether anything in ``request`` may make its page differ from another visitor's."""
    return (
        request.method not in ("GET", "HEAD")
        or settings.SESSION_COOKIE_NAME in request.COOKIES
        or "messages" in request.COOKIES
        or "HTTP_AUTHORIZATION" in request.META
    )


def _key(request) -> str:
    path = hashlib.sha256(request.get_full_path().encode()).hexdigest()[:32]
    return f"public-page:{get_language()}:{timezone.localdate().isoformat()}:{path}"


def _lookup(key: str) -> tuple[int, tuple | None]:
    """The data's version and the page kept under ``key`` if it was made at that version,
    in one round trip to the cache (the page is stored with the version it was made at)."""
    found = cache.get_many([VERSION_KEY, key])
    version = found.get(VERSION_KEY)
    if version is None:
        return _version(), None
    entry = found.get(key)
    if entry is not None and entry[0] == version:
        return version, entry
    return version, None


def public_page(view=None, *, on_every_view=None):
    """Serve ``view``'s page from the cache to visitors without state (module docstring).

    ``on_every_view`` is called on every request, a hit included (the structure page's
    view counter).
    """

    def decorate(view):
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            if settings.PUBLIC_PAGE_CACHE_SECONDS <= 0 or carries_state(request):
                return view(request, *args, **kwargs)
            key = _key(request)
            version, kept = _lookup(key)
            if kept is not None:
                if on_every_view is not None:
                    on_every_view()
                _version_made, content_type, body = kept
                token = get_token(request).encode()
                return HttpResponse(body.replace(_MARK, token), content_type=content_type)
            response = view(request, *args, **kwargs)
            if response.status_code == 200 and not response.streaming:
                body = CSRF_TOKEN_RE.sub(rb"\1" + _MARK + rb"\2", response.content)
                # Tagged with the version read before the view ran: a write committed
                # meanwhile has bumped it, and the next visitor makes the page again.
                cache.set(
                    key,
                    (version, response["Content-Type"], body),
                    timeout=settings.PUBLIC_PAGE_CACHE_SECONDS,
                )
            return response

        return wrapped

    return decorate if view is None else decorate(view)
