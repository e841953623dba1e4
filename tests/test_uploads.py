"""egov_portal.uploads: files are recognised by content, names made safe, downloads locked down.

The sample builders here (``pdf_bytes``, ``docx_bytes`` …) are reused by the paper tests.
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from urllib.parse import quote

import pypdf
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from PIL import Image

from egov_portal.uploads import (
    ALLOWED_EXTENSIONS,
    ALLOWED_KINDS,
    content_disposition,
    inspect_upload,
    safe_download_name,
    size_label,
    upload_max_bytes,
)

NOT_ALLOWED = "نوع پرونده مجاز نیست؛ فقط PDF، اسناد Office و تصویر."
MISMATCH = "پسوند پرونده با محتوای آن نمی‌خواند."
EMPTY = "پرونده خالی است."

# --- samples -------------------------------------------------------------------------------


def pdf_bytes() -> bytes:
    writer = pypdf.PdfWriter()
    writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def image_bytes(image_format: str) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (2, 2), (0, 128, 255)).save(out, format=image_format)
    return out.getvalue()


def zip_bytes(members: dict[str, bytes], *, stored_first: str | None = None) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        if stored_first:
            archive.writestr(stored_first, members[stored_first], zipfile.ZIP_STORED)
        for name, data in members.items():
            if name != stored_first:
                archive.writestr(name, data)
    return out.getvalue()


CONTENT_TYPES_XML = b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>'


def ooxml_bytes(main_part: str, extra: dict[str, bytes] | None = None) -> bytes:
    return zip_bytes(
        {
            "[Content_Types].xml": CONTENT_TYPES_XML,
            "_rels/.rels": b"<Relationships/>",
            main_part: b"<document/>",
            **(extra or {}),
        }
    )


def docx_bytes() -> bytes:
    return ooxml_bytes("word/document.xml")


def odf_bytes(mimetype: bytes) -> bytes:
    return zip_bytes(
        {"mimetype": mimetype, "content.xml": b"<office:document-content/>"},
        stored_first="mimetype",
    )


def ole2_bytes() -> bytes:
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504


def upload(name: str, content: bytes, content_type: str = "application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def refusal(uploaded) -> ValidationError:
    with pytest.raises(ValidationError) as info:
        inspect_upload(uploaded)
    return info.value


# --- accepted ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "kind"),
    [
        ("گزارش عملکرد.pdf", pdf_bytes(), "pdf"),
        ("نمودار.png", image_bytes("PNG"), "png"),
        ("عکس.jpg", image_bytes("JPEG"), "jpeg"),
        ("عکس.JPEG", image_bytes("JPEG"), "jpeg"),
        ("نقشه.gif", image_bytes("GIF"), "gif"),
        ("نقشه.webp", image_bytes("WEBP"), "webp"),
        ("نامه.docx", docx_bytes(), "docx"),
        ("بودجه.xlsx", ooxml_bytes("xl/workbook.xml"), "xlsx"),
        ("ارائه.pptx", ooxml_bytes("ppt/presentation.xml"), "pptx"),
        ("نامه.doc", ole2_bytes(), "doc"),
        ("بودجه.xls", ole2_bytes(), "xls"),
        ("ارائه.ppt", ole2_bytes(), "ppt"),
        ("نامه.odt", odf_bytes(b"application/vnd.oasis.opendocument.text"), "odt"),
        ("بودجه.ods", odf_bytes(b"application/vnd.oasis.opendocument.spreadsheet"), "ods"),
    ],
)
def test_inspect_upload_accepts_kind_by_content(name, content, kind):
    info = inspect_upload(upload(name, content))
    assert info.kind == kind
    assert info.content_type == ALLOWED_KINDS[kind].content_type
    assert info.extension == name.rsplit(".", 1)[1].lower()
    assert info.size == len(content)
    assert info.sha256 == hashlib.sha256(content).hexdigest()


def test_inspect_upload_ignores_the_browsers_content_type():
    info = inspect_upload(upload("a.pdf", pdf_bytes(), content_type="text/html"))
    assert info.content_type == "application/pdf"


def test_inspect_upload_leaves_file_at_start():
    uploaded = upload("a.docx", docx_bytes())
    inspect_upload(uploaded)
    assert uploaded.tell() == 0
    assert uploaded.read(2) == b"PK"


# --- refused -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("setup.exe", b"MZ\x90\x00" + b"\x00" * 200),
        ("tool.exe", b"\x7fELF\x02\x01\x01" + b"\x00" * 200),
        ("نامه.pdf", b"<!DOCTYPE html><html><script>alert(1)</script></html>"),
        ("نقشه.png", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
        ("archive.zip", zip_bytes({"readme.txt": b"hello"})),
        ("نامه.docx", zip_bytes({"readme.txt": b"hello"})),
        ("نامه.docx", zip_bytes({"word/document.xml": b"<d/>"})),  # no [Content_Types].xml
        ("نامه.docx", ooxml_bytes("customXml/item1.xml")),  # no main part
        ("نامه.docx", ooxml_bytes("word/document.xml", {"word/vbaProject.bin": b"\x00"})),
        ("فرمول.odf", odf_bytes(b"application/vnd.oasis.opendocument.formula")),
        ("نامه.odt", odf_bytes(b"application/vnd.oasis.opendocument.text" + b" " * 200)),
        ("broken.docx", b"PK\x03\x04" + b"\x00" * 100),
        ("notes.txt", "متن ساده".encode()),
    ],
)
def test_inspect_upload_refuses_other_kinds(name, content):
    error = refusal(upload(name, content, content_type="application/pdf"))
    assert error.code == "file_type"
    assert error.messages == [NOT_ALLOWED]


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("نمودار.png", pdf_bytes()),
        ("گزارش.pdf", image_bytes("PNG")),
        ("گزارش.pdf.exe", pdf_bytes()),
        ("گزارش", pdf_bytes()),
        ("نامه.xlsx", docx_bytes()),
        ("نامه.zip", docx_bytes()),
        ("نامه.docx", ole2_bytes()),
        ("نامه.ods", odf_bytes(b"application/vnd.oasis.opendocument.text")),
    ],
)
def test_inspect_upload_refuses_extension_that_disagrees(name, content):
    error = refusal(upload(name, content))
    assert error.code == "extension_mismatch"
    assert error.messages == [MISMATCH]


def test_inspect_upload_refuses_empty_file():
    error = refusal(upload("خالی.pdf", b""))
    assert error.code == "empty"
    assert error.messages == [EMPTY]


def test_inspect_upload_limit_is_inclusive():
    content = pdf_bytes()
    with override_settings(UPLOAD_MAX_BYTES=len(content)):
        assert inspect_upload(upload("a.pdf", content)).size == len(content)
    with override_settings(UPLOAD_MAX_BYTES=len(content) - 1):
        error = refusal(upload("a.pdf", content))
    assert error.code == "too_large"


def test_inspect_upload_refuses_one_byte_over_twenty_megabytes():
    limit = 20 * 1024 * 1024
    content = pdf_bytes()
    content += b"\n" * (limit + 1 - len(content))
    with override_settings(UPLOAD_MAX_BYTES=limit):
        error = refusal(upload("بزرگ.pdf", content))
    assert error.messages == ["حجم پرونده بیش از ۲۰ مگابایت است."]


def test_upload_limit_defaults_to_twenty_megabytes(settings):
    if hasattr(settings, "UPLOAD_MAX_BYTES"):
        del settings.UPLOAD_MAX_BYTES
    assert upload_max_bytes() == 20 * 1024 * 1024


@pytest.mark.parametrize(
    ("size", "label"),
    [(20 * 1024 * 1024, "۲۰ مگابایت"), (512 * 1024, "۵۱۲ کیلوبایت"), (1000, "۱۰۰۰ بایت")],
)
def test_size_label_in_persian(size, label):
    assert size_label(size) == label


def test_inspect_upload_never_expands_zip_members(monkeypatch):
    """A ZIP bomb costs nothing: only the central directory is read, no member is opened
    (an OpenDocument's few-byte ``mimetype`` is the one exception)."""
    bomb = ooxml_bytes("word/document.xml", {"word/media/zeros.bin": b"\x00" * 5_000_000})
    assert len(bomb) < 100_000

    def refuse(*args, **kwargs):
        raise AssertionError("a ZIP member was read")

    monkeypatch.setattr(zipfile.ZipFile, "open", refuse)
    monkeypatch.setattr(zipfile.ZipFile, "read", refuse)
    monkeypatch.setattr(zipfile.ZipFile, "extract", refuse)
    monkeypatch.setattr(zipfile.ZipFile, "extractall", refuse)
    assert inspect_upload(upload("bomb.docx", bomb)).kind == "docx"


# --- names and downloads -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("original", "extension", "expected"),
    [
        ("گزارش عملکرد ۱۴۰۳.pdf", "pdf", "گزارش عملکرد ۱۴۰۳.pdf"),
        ("گزارش.PDF", "pdf", "گزارش.pdf"),
        ("عکس.jpeg", "jpg", "عکس.jpeg"),
        ("C:\\Users\\me\\نامه.docx", "docx", "نامه.docx"),
        ("../../etc/passwd", "pdf", "passwd.pdf"),
        ("گزارش\u202eexe.pdf", "pdf", "گزارشexe.pdf"),
        ("invoice.exe", "pdf", "invoice.exe.pdf"),
        ('a<b>:"c"|?*.pdf', "pdf", "a_b___c____.pdf"),
        ("نامه\u200cها\r\n.pdf", "pdf", "نامه\u200cها.pdf"),
        ("", "png", "پرونده.png"),
        ("...", "pdf", "پرونده.pdf"),
    ],
)
def test_safe_download_name(original, extension, expected):
    assert safe_download_name(original, extension) == expected


def test_safe_download_name_is_short():
    name = safe_download_name("الف" * 400 + ".pdf", "pdf")
    assert len(name) <= 150
    assert name.endswith(".pdf")


def test_content_disposition_for_persian_name_has_ascii_fallback():
    header = content_disposition("گزارش عملکرد.pdf")
    assert header == (
        "attachment; filename=\"file.pdf\"; filename*=UTF-8''" + quote("گزارش عملکرد.pdf")
    )


def test_content_disposition_for_plain_ascii_name():
    assert content_disposition("report-2024.pdf") == 'attachment; filename="report-2024.pdf"'


def test_content_disposition_quotes_nothing_dangerous():
    header = content_disposition('a";b.pdf')
    assert header.startswith('attachment; filename="a_b.pdf"; filename*=UTF-8')
    assert header.count('"') == 2


def test_allowed_extensions_cover_every_kind():
    assert set(ALLOWED_EXTENSIONS) == {e for k in ALLOWED_KINDS.values() for e in k.extensions}
    assert "svg" not in ALLOWED_EXTENSIONS
    assert "html" not in ALLOWED_EXTENSIONS
