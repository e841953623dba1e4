"""The PDF helper fetches only the portal's static files."""

from __future__ import annotations

import io

import pypdf
import pytest
from django.template import engines

from egov_portal import pdf


def _render(html: str) -> str:
    from weasyprint import HTML

    raw = engines["django"].from_string(html).render({})
    document = HTML(string=raw, base_url=pdf.PDF_BASE_URL, url_fetcher=pdf._fetcher())
    reader = pypdf.PdfReader(io.BytesIO(document.write_pdf()))
    return " ".join(page.extract_text() for page in reader.pages)


def test_static_urls_resolve_to_files():
    found = pdf.static_file_for_url("https://portal.invalid/static/css/pdf.css")
    assert found is not None and found.name == "pdf.css"


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


def test_user_text_cannot_pull_local_files_into_a_pdf():
    text = _render(
        '<p>سلام</p><img src="file:///etc/passwd"><iframe src="file:///etc/passwd"></iframe>'
        '<link rel="stylesheet" href="file:///etc/passwd">'
    )
    assert "root:" not in text


def test_pdf_response_has_a_safe_file_name():
    response = pdf.pdf_response(b"%PDF-1.7", filename='../"evil"\nname.pdf')
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'inline; filename="evil-name.pdf"'
