"""Request-wide middleware: the query string cleaned of control characters, and the
language (Persian unless the user chose another language himself)."""

from __future__ import annotations

from django.conf import settings
from django.http import QueryDict
from django.utils import translation

from egov_portal.text.persian import strip_control_chars


def query_without_control_chars(query: QueryDict) -> QueryDict | None:
    """``query`` with control characters and lone surrogates stripped from every name and
    value (:func:`~egov_portal.text.persian.strip_control_chars`), or ``None`` when it had
    none. The result is immutable, like ``request.GET``."""
    cleaned = QueryDict(mutable=True, encoding=query.encoding)
    changed = False
    for name, values in query.lists():
        clean_name = strip_control_chars(name)
        clean_values = [strip_control_chars(value) for value in values]
        changed |= clean_name != name or clean_values != values
        for value in clean_values:
            cleaned.appendlist(clean_name, value)
    if not changed:
        return None
    cleaned._mutable = False
    return cleaned


class QueryControlCharsMiddleware:
    """Strip control characters (NUL above all) from every query parameter before any view
    reads one.

    A NUL typed into the header search, or into any parameter of any page, reached
    PostgreSQL, which refuses it with an error: a 500, for anonymous visitors too. Search
    keeps its meaning without them, so they are dropped rather than refused; tab, line
    feed and carriage return are kept. ``QUERY_STRING`` is rewritten to match, so links
    built from ``request.get_full_path()`` carry the cleaned parameters too.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        cleaned = query_without_control_chars(request.GET)
        if cleaned is not None:
            request.GET = cleaned
            request.META["QUERY_STRING"] = cleaned.urlencode()
        return self.get_response(request)


class ChosenLanguageMiddleware:
    """Activate the language from the language cookie, else ``LANGUAGE_CODE``.

    Unlike Django's ``LocaleMiddleware`` it ignores the browser's Accept-Language: a
    civil servant whose browser says English still gets the Persian portal by default.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in self.supported else settings.LANGUAGE_CODE
        request.LANGUAGE_CODE = language
        # Only for this request: the thread goes back to what it had (the portal's
        # language), so nothing that runs after it in the thread speaks English by accident.
        with translation.override(language):
            response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response
