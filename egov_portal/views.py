"""Cross-cutting views."""

from django.contrib import messages
from django.core.exceptions import RequestDataTooBig, ValidationError
from django.http import HttpResponse, HttpResponseBadRequest, HttpResponsePermanentRedirect
from django.http.multipartparser import MultiPartParserError
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.views.decorators.csrf import requires_csrf_token
from django.views.decorators.http import require_safe

from egov_portal.limits import too_large


@require_safe
def bench_bare(request):
    """Two bytes through the whole middleware stack: the benchmark's baseline (``make
    bench``). Routed only when the environment sets ``BENCH_BARE_VIEW=1``."""
    return HttpResponse(b"ok", content_type="text/plain")


def favicon(request):
    """Browsers ask for /favicon.ico on their own; send them to the vendored icon."""
    return HttpResponsePermanentRedirect(static("favicon.svg"))


def report_form_errors(request, form) -> None:
    """Put a refused form's Persian errors where the user will see them after a redirect:
    one message each, a field's errors prefixed with its label."""
    for error in form.non_field_errors():
        messages.error(request, error)
    for field in form:
        for error in field.errors:
            messages.error(request, f"{field.label}: {error}")


def run_action(request, call, success: str) -> bool:
    """Run a service for a POST action and tell the user how it went.

    A refusal (the service's ``ValidationError``, in Persian, with nothing changed) becomes
    error messages; otherwise ``success`` is shown. Returns whether the service succeeded.
    """
    try:
        call()
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return False
    messages.success(request, success)
    return True


@requires_csrf_token
def bad_request(request, exception):
    """The portal's 400 page (``handler400``), saying what went wrong where it is known.

    Form fields beyond ``DATA_UPLOAD_MAX_MEMORY_SIZE`` get the 413 page. A multipart part
    whose headers pass Django's 1 KB limit is, in practice, a file with a very long name
    (600 Persian letters are 1,200 bytes): the page says so.
    """
    if isinstance(exception, RequestDataTooBig):
        return too_large(request, fields=True)
    long_name = isinstance(exception, MultiPartParserError) and "header size" in str(exception)
    body = render_to_string("400.html", {"long_name": long_name}, request=request)
    return HttpResponseBadRequest(body)
