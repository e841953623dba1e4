"""Cross-cutting views."""

from django.http import HttpResponsePermanentRedirect
from django.templatetags.static import static
from django.views.decorators.http import require_safe


@require_safe
def favicon(request):
    """Browsers ask for /favicon.ico on their own; send them to the vendored icon."""
    return HttpResponsePermanentRedirect(static("favicon.svg"))


def report_form_errors(request, form) -> None:
    """Put a refused form's Persian errors where the user will see them after a redirect:
    one message each, a field's errors prefixed with its label."""
    from django.contrib import messages

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
