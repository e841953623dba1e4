"""PDF rendering with WeasyPrint from HTML templates, fetching nothing but our static files.

WeasyPrint is imported inside the functions: it is heavy, and pages that never print
should not pay for it.
"""

from __future__ import annotations

import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.text import slugify

# The base URL documents are rendered against; it is never fetched over the network.
PDF_BASE_URL = "https://portal.invalid/"


def static_file_for_url(url: str) -> Path | None:
    """The file behind ``url`` when it names one of the portal's static files, else None."""
    parts = urlsplit(url)
    if parts.scheme != "https" or parts.netloc != "portal.invalid":
        return None
    static_prefix = "/" + settings.STATIC_URL.strip("/") + "/"
    path = unquote(parts.path)
    if not path.startswith(static_prefix):
        return None
    relative = path[len(static_prefix) :]
    if not relative or ".." in Path(relative).parts:
        return None
    found = finders.find(relative)
    if found:
        return Path(found)
    collected = Path(settings.STATIC_ROOT) / relative
    return collected if collected.is_file() else None


def static_only_fetcher():
    """The URL fetcher every PDF uses (for code that drives WeasyPrint itself)."""
    return _fetcher()


def _fetcher():
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticOnlyFetcher(URLFetcher):
        """Serves the portal's static files and ``data:`` URIs; refuses everything else
        (``file://``, the network, other paths) so user text can never pull content in."""

        def fetch(self, url, headers=None):
            if url.startswith("data:"):
                return super().fetch(url, headers)
            path = static_file_for_url(url)
            if path is None:
                raise ValueError(f"PDF rendering may not fetch {url[:100]!r}")
            content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": content_type})

    return StaticOnlyFetcher(allowed_protocols=("https", "data"))


def render_pdf(template_name: str, context: dict, *, request=None) -> bytes:
    """Render ``template_name`` to PDF bytes."""
    from weasyprint import HTML

    html = render_to_string(template_name, {**context, "pdf": True}, request=request)
    return HTML(string=html, base_url=PDF_BASE_URL, url_fetcher=_fetcher()).write_pdf()


#: The archival variant: PDF/A-3 (files may be embedded), level B; tagged all the same, so
#: screen readers and copy-paste follow the reading order.
ARCHIVAL_VARIANT = "pdf/a-3b"


def render_archival_pdf(
    template_name: str, context: dict, *, attachments: list[tuple[str, bytes, str]] = ()
) -> bytes:
    """Render ``template_name`` as a tagged PDF/A-3 file carrying ``attachments``, each
    ``(file name, bytes, description)`` embedded with the relationship «Data» (the
    document's source data). Nothing is fetched beyond the portal's static files."""
    from weasyprint import HTML, Attachment

    html = render_to_string(template_name, {**context, "pdf": True})
    files = [
        Attachment(string=data, name=name, description=description, relationship="Data")
        for name, data, description in attachments
    ]
    document = HTML(string=html, base_url=PDF_BASE_URL, url_fetcher=_fetcher())
    return document.write_pdf(pdf_variant=ARCHIVAL_VARIANT, pdf_tags=True, attachments=files)


def pdf_response(pdf: bytes, *, filename: str, inline: bool = True) -> HttpResponse:
    """An HTTP response carrying ``pdf`` with a safe ASCII file name."""
    safe = slugify(Path(filename).stem) or "document"
    response = HttpResponse(pdf, content_type="application/pdf")
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{safe}.pdf"'
    return response
