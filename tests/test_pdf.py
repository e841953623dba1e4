"""The PDF helper fetches only the portal's static files."""

from __future__ import annotations

import base64
import io

import pypdf
import pytest
from django.conf import settings as django_settings
from django.template import engines

from egov_portal import pdf

# A 1×1 PNG, and a stylesheet whose generated text shows in the PDF when it is applied.
DOT_PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg=="
)
MARKER = "PLANTEDMARKER"
MARKER_CSS = f'p::after {{ content: "{MARKER}" }}'


def _render(html: str) -> tuple[str, int]:
    """The text of the PDF rendered from ``html`` and the number of images in it."""
    from weasyprint import HTML

    raw = engines["django"].from_string(html).render({})
    document = HTML(string=raw, base_url=pdf.PDF_BASE_URL, url_fetcher=pdf._fetcher())
    reader = pypdf.PdfReader(io.BytesIO(document.write_pdf()))
    text = " ".join(page.extract_text() for page in reader.pages)
    return text, sum(len(page.images) for page in reader.pages)


def _user_text(*, stylesheet: str, image: str) -> str:
    """What a user might type into a resolution's text, pointing at two resources."""
    return f'<p>سلام</p><link rel="stylesheet" href="{stylesheet}"><img src="{image}" alt="">'


@pytest.fixture
def planted(settings, tmp_path):
    """The same stylesheet and image in two places: under the static root (the portal's
    own files, at /static/planted/…) and in a private folder outside it."""
    settings.STATIC_ROOT = tmp_path / "static"
    private = tmp_path / "private"
    for folder in (settings.STATIC_ROOT / "planted", private):
        folder.mkdir(parents=True)
        (folder / "marker.css").write_text(MARKER_CSS)
        (folder / "dot.png").write_bytes(DOT_PNG)
    return private


def test_static_urls_resolve_to_files():
    found = pdf.static_file_for_url("https://portal.invalid/static/css/pdf.css")
    assert found is not None and found.name == "pdf.css"


def test_the_fetcher_serves_the_static_file_itself():
    response = pdf.static_only_fetcher().fetch("https://portal.invalid/static/css/pdf.css")
    assert response.read() == (django_settings.BASE_DIR / "static" / "css" / "pdf.css").read_bytes()
    assert response.content_type == "text/css"


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "https://portal.invalid/static/../../etc/passwd",
        "https://example.org/static/css/pdf.css",
        "https://portal.invalid/admin/",
        "http://portal.invalid/static/css/pdf.css",
    ],
)
def test_everything_else_is_refused(url):
    assert pdf.static_file_for_url(url) is None
    with pytest.raises(ValueError):
        pdf._fetcher().fetch(url)


def test_user_text_pointing_at_static_files_gets_them_into_the_pdf(planted):
    # The control for the test below: the same markup, pointed at the portal's static
    # files, does bring the stylesheet's text and the image into the PDF.
    text, images = _render(
        _user_text(
            stylesheet="https://portal.invalid/static/planted/marker.css",
            image="/static/planted/dot.png",
        )
    )
    assert "سلام" in text and MARKER in text
    assert images == 1


def test_user_text_cannot_pull_local_files_into_a_pdf(planted):
    text, images = _render(
        _user_text(stylesheet=f"file://{planted}/marker.css", image=f"file://{planted}/dot.png")
        + '<img src="file:///etc/passwd"><iframe src="file:///etc/passwd"></iframe>'
        '<link rel="stylesheet" href="file:///etc/passwd">'
    )
    assert "سلام" in text
    assert MARKER not in text and "root:" not in text
    assert images == 0


def test_pdf_response_has_a_safe_file_name():
    response = pdf.pdf_response(b"%PDF-1.7", filename='../"evil"\nname.pdf')
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'inline; filename="evil-name.pdf"'
