"""Refusing an oversized request before its body is read.

Django streams uploads to disk, so without a cap a 120 MB POST is read in full before the
upload check finds the file too large. :class:`RequestSizeLimitMiddleware` looks at the
declared ``Content-Length`` only and answers 413 with the portal's page at once; the body
is never touched. The reverse proxy should refuse the same sizes (README, "Beyond one
machine"); a request without ``Content-Length`` gives Django no body to read.
"""

from __future__ import annotations

from django.conf import settings
from django.shortcuts import render

from egov_portal.uploads import size_label


def request_max_bytes() -> int:
    """The largest request accepted: ``REQUEST_MAX_BYTES``, by default the upload limit
    plus what the form fields may take."""
    return settings.REQUEST_MAX_BYTES


def declared_length(request) -> int:
    """The request's ``Content-Length``; a missing or malformed one counts as 0, as Django
    then reads no body either."""
    try:
        return max(int(request.META.get("CONTENT_LENGTH") or 0), 0)
    except ValueError:
        return 0


def too_large(request, *, limit: int | None = None, fields: bool = False):
    """The portal's 413 page: the whole request over ``limit``, or with ``fields`` its form
    fields (everything but the files) over ``DATA_UPLOAD_MAX_MEMORY_SIZE``."""
    if fields:
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    elif limit is None:
        limit = request_max_bytes()
    context = {
        "limit": size_label(limit),
        "file_limit": size_label(settings.UPLOAD_MAX_BYTES),
        "fields": fields,
    }
    return render(request, "413.html", context, status=413)


class RequestSizeLimitMiddleware:
    """Answer 413 to any request whose ``Content-Length`` exceeds :func:`request_max_bytes`."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        limit = request_max_bytes()
        if declared_length(request) > limit:
            return too_large(request, limit=limit)
        return self.get_response(request)
