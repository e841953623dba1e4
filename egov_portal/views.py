"""Cross-cutting views."""

from django.http import HttpResponsePermanentRedirect
from django.templatetags.static import static
from django.views.decorators.http import require_safe


@require_safe
def favicon(request):
    """Browsers ask for /favicon.ico on their own; send them to the vendored icon."""
    return HttpResponsePermanentRedirect(static("favicon.svg"))


def run_action(request, call, success: str) -> bool:
    """Run a service for a POST action and tell the user how it went.

    A refusal (the service's ``ValidationError``, in Persian, with nothing changed) becomes
    error messages; otherwise ``success`` is shown. Returns whether the service succeeded.
    """
    from django.contrib import messages
    from django.core.exceptions import ValidationError

    try:
        call()
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return False
    messages.success(request, success)
    return True
