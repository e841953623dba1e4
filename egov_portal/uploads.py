"""Checking uploaded files and serving stored ones back, for agenda papers and evidence.

A file is recognised by its content (magic bytes, the structure of a ZIP container), never
by its name or the content type the browser sends; the name's extension must then agree
with what was found. ZIP containers are judged from their central directory alone and are
never extracted, so a ZIP bomb costs nothing. Stored files are served only as attachments
with ``nosniff`` and a sandboxing Content-Security-Policy.
"""

from __future__ import annotations

import hashlib
import os
import re
import time
import unicodedata
import zipfile
import zlib
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadhandler import MemoryFileUploadHandler, TemporaryFileUploadHandler
from django.http import FileResponse, Http404
from django.utils.translation import gettext as _

from egov_portal.text.persian import BIDI_CONTROL_CHARS, normalize_text, to_persian_digits

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
HEAD_BYTES = 64
ODF_MIMETYPE_MAX_BYTES = 100
NAME_MAX_CHARS = 255
EXTENSION_MAX_CHARS = 16  # with its dot; every accepted extension is far shorter


@dataclass(frozen=True)
class UploadKind:
    """An accepted kind of file: its content type and the extensions it may carry."""

    key: str
    content_type: str
    extensions: tuple[str, ...]


@dataclass(frozen=True)
class UploadInfo:
    """What :func:`inspect_upload` found: ``kind`` is a key of :data:`ALLOWED_KINDS`."""

    kind: str
    content_type: str
    extension: str
    size: int
    sha256: str


_KINDS = (
    UploadKind("pdf", "application/pdf", ("pdf",)),
    UploadKind(
        "docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ("docx",),
    ),
    UploadKind(
        "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ("xlsx",)
    ),
    UploadKind(
        "pptx",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        ("pptx",),
    ),
    UploadKind("doc", "application/msword", ("doc",)),
    UploadKind("xls", "application/vnd.ms-excel", ("xls",)),
    UploadKind("ppt", "application/vnd.ms-powerpoint", ("ppt",)),
    UploadKind("odt", "application/vnd.oasis.opendocument.text", ("odt",)),
    UploadKind("ods", "application/vnd.oasis.opendocument.spreadsheet", ("ods",)),
    UploadKind("odp", "application/vnd.oasis.opendocument.presentation", ("odp",)),
    UploadKind("odg", "application/vnd.oasis.opendocument.graphics", ("odg",)),
    UploadKind("png", "image/png", ("png",)),
    UploadKind("jpeg", "image/jpeg", ("jpg", "jpeg")),
    UploadKind("gif", "image/gif", ("gif",)),
    UploadKind("webp", "image/webp", ("webp",)),
)
ALLOWED_KINDS: dict[str, UploadKind] = {kind.key: kind for kind in _KINDS}
ALLOWED_EXTENSIONS: tuple[str, ...] = tuple(ext for kind in _KINDS for ext in kind.extensions)
_KIND_BY_CONTENT_TYPE = {kind.content_type: kind for kind in _KINDS}
_KIND_BY_EXTENSION = {ext: kind for kind in _KINDS for ext in kind.extensions}

_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGIC = b"PK\x03\x04"
_OOXML_MAIN_PARTS = (("word/", "docx"), ("xl/", "xlsx"), ("ppt/", "pptx"))
_ODF_KINDS = {ALLOWED_KINDS[key].content_type: key for key in ("odt", "ods", "odp", "odg")}


def upload_max_bytes() -> int:
    return getattr(settings, "UPLOAD_MAX_BYTES", DEFAULT_MAX_BYTES)


def size_label(size: int) -> str:
    """«۲۰ مگابایت» for a whole number of MiB, else KiB, else bytes."""
    for unit, template in (
        (1024 * 1024, _("%(n)s مگابایت")),
        (1024, _("%(n)s کیلوبایت")),
    ):
        if size >= unit and size % unit == 0:
            return template % {"n": to_persian_digits(size // unit)}
    return _("%(n)s بایت") % {"n": to_persian_digits(size)}


def kind_for_content_type(content_type: str) -> UploadKind | None:
    return _KIND_BY_CONTENT_TYPE.get(content_type)


# --- recognising the content --------------------------------------------------------------


def _magic_kinds(head: bytes) -> list[str]:
    if head.startswith(b"%PDF-"):
        return ["pdf"]
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return ["png"]
    if head.startswith(b"\xff\xd8\xff"):
        return ["jpeg"]
    if head.startswith((b"GIF87a", b"GIF89a")):
        return ["gif"]
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return ["webp"]
    if head.startswith(_OLE2_MAGIC):
        # The compound-file magic is shared by .doc, .xls and .ppt; the extension decides.
        return ["doc", "xls", "ppt"]
    return []


def _zip_kinds(file) -> list[str]:
    """Office Open XML or OpenDocument, judged from the central directory (never extracted).

    Only the tiny, size-checked ``mimetype`` member of an OpenDocument file is read.
    Macro-enabled documents (a ``vbaProject.bin`` part) are not accepted.
    """
    try:
        with zipfile.ZipFile(file) as archive:
            members = archive.infolist()
            names = {member.filename for member in members}
            if any(name.rsplit("/", 1)[-1].lower() == "vbaproject.bin" for name in names):
                return []
            if "[Content_Types].xml" in names:
                return [
                    key
                    for prefix, key in _OOXML_MAIN_PARTS
                    if any(name.startswith(prefix) for name in names)
                ]
            mimetype = next((m for m in members if m.filename == "mimetype"), None)
            if mimetype is None or mimetype.file_size > ODF_MIMETYPE_MAX_BYTES:
                return []
            with archive.open(mimetype) as member:
                declared = member.read(ODF_MIMETYPE_MAX_BYTES + 1)
    except (
        zipfile.BadZipFile,
        zlib.error,
        RuntimeError,
        NotImplementedError,
        EOFError,
        OSError,
        ValueError,
    ):
        return []
    key = _ODF_KINDS.get(declared.decode("ascii", "replace").strip())
    return [key] if key else []


def _detected_kinds(file, head: bytes) -> list[str]:
    if head.startswith(_ZIP_MAGIC):
        file.seek(0)
        try:
            return _zip_kinds(file)
        finally:
            file.seek(0)
    return _magic_kinds(head)


def _extension(name: str) -> str:
    return os.path.splitext(os.path.basename(name or ""))[1].lstrip(".").lower()


def _sha256(file) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    for chunk in file.chunks():
        digest.update(chunk)
        size += len(chunk)
    file.seek(0)
    return digest.hexdigest(), size


def inspect_upload(uploaded_file) -> UploadInfo:
    """Recognise ``uploaded_file`` (a Django ``UploadedFile`` or ``File``) or refuse it.

    Raises ``ValidationError`` (codes ``empty``, ``too_large``, ``file_type``,
    ``extension_mismatch``). The file is left positioned at its start.
    """
    limit = upload_max_bytes()
    size = uploaded_file.size or 0
    if size == 0:
        raise ValidationError(_("پرونده خالی است."), code="empty")
    if size > limit:
        raise ValidationError(
            _("حجم پرونده بیش از %(limit)s است.") % {"limit": size_label(limit)},
            code="too_large",
        )
    uploaded_file.seek(0)
    head = uploaded_file.read(HEAD_BYTES)
    uploaded_file.seek(0)
    candidates = _detected_kinds(uploaded_file, head)
    if not candidates:
        raise ValidationError(
            _("نوع پرونده مجاز نیست؛ فقط PDF، اسناد Office و تصویر."), code="file_type"
        )
    extension = _extension(uploaded_file.name)
    matching = [key for key in candidates if extension in ALLOWED_KINDS[key].extensions]
    if not matching:
        raise ValidationError(_("پسوند پرونده با محتوای آن نمی‌خواند."), code="extension_mismatch")
    sha256, counted = _sha256(uploaded_file)
    if counted > limit:  # the declared size understated the content
        raise ValidationError(
            _("حجم پرونده بیش از %(limit)s است.") % {"limit": size_label(limit)},
            code="too_large",
        )
    kind = ALLOWED_KINDS[matching[0]]
    return UploadInfo(
        kind=kind.key,
        content_type=kind.content_type,
        extension=extension,
        size=counted,
        sha256=sha256,
    )


# --- names --------------------------------------------------------------------------------

_UNSAFE_IN_NAMES_RE = re.compile(r'[<>:"/\\|?*]')
_SPACES_RE = re.compile(r"\s+")
_KEPT_FORMAT_CHARS = {"\u200c", "\u200d"}  # ZWNJ and ZWJ belong to Persian spelling


def _name_char(ch: str) -> str:
    category = unicodedata.category(ch)
    if category == "Cc":
        return " "
    if ch in BIDI_CONTROL_CHARS or (category == "Cf" and ch not in _KEPT_FORMAT_CHARS):
        return ""
    return ch


def clean_file_name(name: str, *, max_length: int = NAME_MAX_CHARS) -> str:
    """A user-supplied file name fit for storing and showing: no folders, no control or
    bidi characters, Persian letters normalised, at most ``max_length`` characters with
    the extension kept."""
    name = str(name or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(_name_char(ch) for ch in name)
    name = normalize_text(_SPACES_RE.sub(" ", name)).strip(" .")
    if len(name) > max_length:
        stem, ext = os.path.splitext(name)
        ext = ext[:EXTENSION_MAX_CHARS]
        name = stem[: max_length - len(ext)].rstrip(" .") + ext
    return name


def short_upload_name(name: str) -> str:
    """``name`` as it arrived, unless longer than :data:`NAME_MAX_CHARS` or with an
    extension longer than :data:`EXTENSION_MAX_CHARS`: then cut to those lengths."""
    stem, ext = os.path.splitext(name)
    if len(name) <= NAME_MAX_CHARS and len(ext) <= EXTENSION_MAX_CHARS:
        return name
    ext = ext[:EXTENSION_MAX_CHARS]
    return stem[: NAME_MAX_CHARS - len(ext)] + ext


class _ShortNames:
    """Django names a large upload's temporary file ``tmp….upload<extension>``, so an
    extension of 250 characters (a file name of 600, say) made the system refuse the name
    and the request a 500. The name is cut before anything is made of it; a cut extension
    is never an accepted one, so the upload check refuses such a file in Persian."""

    def new_file(self, field_name, file_name, *args, **kwargs):
        super().new_file(field_name, short_upload_name(file_name), *args, **kwargs)


class ShortNameMemoryFileUploadHandler(_ShortNames, MemoryFileUploadHandler):
    """Django's in-memory upload handler (small files), with :func:`short_upload_name`."""


class ShortNameTemporaryFileUploadHandler(_ShortNames, TemporaryFileUploadHandler):
    """Django's temporary-file upload handler (large files), with :func:`short_upload_name`,
    writing into the portal's own :func:`upload_temp_dir`."""

    def new_file(self, *args, **kwargs):
        upload_temp_dir()
        super().new_file(*args, **kwargs)


# --- temporary files of large uploads -----------------------------------------------------

# tempfile's "tmp" + 8 random characters, then Django's ".upload" + the file's extension.
_TEMPORARY_UPLOAD_RE = re.compile(r"tmp[a-z0-9_]{8}\.upload")


def upload_temp_dir() -> Path:
    """``FILE_UPLOAD_TEMP_DIR``, where an upload larger than ``FILE_UPLOAD_MAX_MEMORY_SIZE``
    is written while the request is read; made (readable by the portal only) if missing."""
    path = Path(settings.FILE_UPLOAD_TEMP_DIR)
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def remove_stale_uploads(*, older_than: timedelta) -> list[Path]:
    """Delete the temporary upload files untouched for ``older_than`` and return them.

    Django deletes an upload's temporary file when its request ends; a worker killed in the
    middle of one (a timeout, a restart, the out-of-memory killer) leaves it behind. Only
    files named as Django names them are considered, so a directory shared by mistake
    loses nothing else; a request still being read keeps writing to its file, which stays
    fresh.
    """
    directory = Path(settings.FILE_UPLOAD_TEMP_DIR)
    if not directory.is_dir():
        return []
    cutoff = time.time() - older_than.total_seconds()
    removed = []
    for path in sorted(directory.iterdir()):
        if not _TEMPORARY_UPLOAD_RE.match(path.name) or not path.is_file() or path.is_symlink():
            continue
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink()
                removed.append(path)
        except FileNotFoundError:  # its request ended (or another run removed it) meanwhile
            continue
    return removed


def safe_download_name(original_name: str, extension: str) -> str:
    """The name to offer a download under: ``original_name`` cleaned of folders, control
    and bidi characters and of characters no file system accepts, ending in ``extension``
    (an extension of the same kind, like .jpeg for .jpg, is kept)."""
    extension = extension.lstrip(".").lower()
    name = _UNSAFE_IN_NAMES_RE.sub("_", clean_file_name(original_name, max_length=150))
    stem, ext = os.path.splitext(name)
    same_kind = _KIND_BY_EXTENSION.get(ext.lstrip(".").lower())
    if ext.lstrip(".").lower() == extension or (
        same_kind is not None and same_kind is _KIND_BY_EXTENSION.get(extension)
    ):
        extension = ext.lstrip(".").lower()
    else:
        stem = name
    stem = stem.strip(" .") or _("پرونده")
    return f"{stem}.{extension}" if extension else stem


def _ascii_fallback(name: str) -> str:
    stem, ext = os.path.splitext(name)
    ascii_stem = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode()
    ascii_stem = re.sub(r"[^A-Za-z0-9._-]+", "_", ascii_stem).strip("._") or "file"
    ascii_ext = re.sub(r"[^A-Za-z0-9]+", "", ext)
    return f"{ascii_stem}.{ascii_ext}" if ascii_ext else ascii_stem


def content_disposition(download_name: str) -> str:
    """``attachment`` with an ASCII ``filename`` and, for other names, the RFC 6266
    ``filename*=UTF-8''…`` that modern browsers prefer."""
    fallback = _ascii_fallback(download_name)
    header = f'attachment; filename="{fallback}"'
    if download_name != fallback:
        header += f"; filename*=UTF-8''{quote(download_name, safe='')}"
    return header


def file_response(file_field, *, download_name: str, content_type: str) -> FileResponse:
    """Serve a stored file as an attachment that the browser will neither sniff nor run.

    ``download_name`` should come from :func:`safe_download_name`. A file missing from
    storage is a 404.
    """
    try:
        handle = file_field.open("rb")
    except FileNotFoundError as missing:
        raise Http404 from missing
    response = FileResponse(handle, content_type=content_type)
    response["Content-Disposition"] = content_disposition(download_name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox"
    response["Cache-Control"] = "private, no-store"
    return response
