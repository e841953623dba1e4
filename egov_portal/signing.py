"""Signing the portal's PDF documents with the province's organisational certificate, and
checking a PDF someone brings back.

The certificate is a PKCS#12 file (``SIGNING_P12``, its password ``SIGNING_P12_PASSWORD``)
holding the signing key, its certificate and the issuing CA's certificates. Signatures are
PAdES baseline B-B (``/ETSI.CAdES.detached``, SHA-256, no timestamp) made by pyHanko as an
incremental update, so a PDF/A file stays PDF/A. Without ``SIGNING_P12`` documents are made
unsigned (:func:`is_configured` is false) and the pages say so.

:func:`verify_pdf` trusts the CA certificates of the configured file (and the signing
certificate itself), and takes a signature for the portal's only when it is made by a
certificate with the configured certificate's subject: a certificate from the same CA
issued to someone else is "not ours". pyHanko is imported inside the functions: pages that
never sign should not pay for it.
"""

from __future__ import annotations

import asyncio
import enum
import functools
import io
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

#: The signature field every document is signed in.
SIGNATURE_FIELD = "EgovPortalSignature"


class SignatureState(enum.StrEnum):
    VALID = "valid"  # intact, covers the whole file, made with the portal's certificate
    ALTERED = "altered"  # the signed bytes changed, or bytes were added after signing
    FOREIGN = "foreign"  # intact but made with another certificate
    UNSIGNED = "unsigned"  # no signature at all
    UNREADABLE = "unreadable"  # not a PDF that can be read


@dataclass(frozen=True)
class SignatureCheck:
    state: SignatureState
    signer: str = ""  # the signing certificate's subject, as a readable string

    @property
    def valid(self) -> bool:
        return self.state == SignatureState.VALID


@dataclass(frozen=True)
class _Credentials:
    signer: object  # pyhanko.sign.signers.SimpleSigner
    certificate: object  # asn1crypto.x509.Certificate of the signing key
    trust_roots: tuple  # asn1crypto.x509.Certificate: the file's CAs and the certificate


def is_configured() -> bool:
    """Whether documents are signed: ``SIGNING_P12`` names a file."""
    return bool(getattr(settings, "SIGNING_P12", ""))


@functools.cache
def _load(path: str, password: str) -> _Credentials:
    from pyhanko.sign import signers

    if not Path(path).is_file():
        raise ImproperlyConfigured(f"SIGNING_P12={path!r} is not a file.")
    try:
        signer = signers.SimpleSigner.load_pkcs12(path, passphrase=password.encode() or None)
    except Exception as error:  # pyHanko reports a wrong password in several ways
        raise ImproperlyConfigured(
            f"SIGNING_P12={path!r} cannot be read with SIGNING_P12_PASSWORD: {error}"
        ) from None
    if signer is None:
        raise ImproperlyConfigured(
            f"SIGNING_P12={path!r} cannot be read with SIGNING_P12_PASSWORD."
        )
    certificate = signer.signing_cert
    others = tuple(signer.cert_registry)
    return _Credentials(signer, certificate, (certificate, *others))


def _credentials() -> _Credentials:
    return _load(str(settings.SIGNING_P12), settings.SIGNING_P12_PASSWORD)


def signer_name(certificate) -> str:
    """A certificate's subject as people read it («CN=…, O=…»)."""
    return certificate.subject.human_friendly


def configured_signer() -> str:
    """The subject of the configured certificate, or "" when documents are not signed."""
    return signer_name(_credentials().certificate) if is_configured() else ""


def sign_pdf(pdf: bytes, *, reason: str = "", location: str = "") -> bytes:
    """``pdf`` signed (PAdES B-B) with the configured certificate, or unchanged when none is
    configured (see :func:`is_configured`)."""
    if not is_configured():
        return pdf
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    credentials = _credentials()
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    meta = signers.PdfSignatureMetadata(
        field_name=SIGNATURE_FIELD,
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        reason=reason or None,
        location=location or None,
    )
    output = _outside_event_loop(lambda: signers.sign_pdf(writer, meta, signer=credentials.signer))
    return output.getvalue()


def _outside_event_loop(call):
    """``call()``, in a thread of its own when this thread runs an asyncio event loop.

    pyHanko's synchronous API runs its coroutines with ``asyncio.run``, which refuses to
    start inside a running loop (an ASGI server, a test driving a browser): there the call
    goes to a short-lived thread instead of failing, or of a valid signature being judged
    altered."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return call()
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(call).result()


def verify_pdf(pdf: bytes) -> SignatureCheck:
    """Check the last signature of ``pdf`` against the configured certificate's chain.

    Valid only when the signed bytes are intact, the signature covers the whole file
    (nothing was appended after signing), the chain leads to a trusted certificate of the
    configured file, and the signer is the configured certificate's subject.
    """
    from pyhanko.pdf_utils.reader import PdfFileReader

    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        signatures = reader.embedded_signatures
    except Exception:  # a damaged file fails in many ways inside the parser
        return SignatureCheck(SignatureState.UNREADABLE)
    if not signatures:
        return SignatureCheck(SignatureState.UNSIGNED)
    return _check_signature(signatures[-1])


def _check_signature(embedded) -> SignatureCheck:
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    try:
        signer = signer_name(embedded.signer_cert)
    except Exception:
        signer = ""
    context = None
    ours = None
    if is_configured():
        credentials = _credentials()
        context = ValidationContext(trust_roots=list(credentials.trust_roots))
        ours = credentials.certificate.subject
    try:
        status = _outside_event_loop(lambda: validate_pdf_signature(embedded, context))
    except Exception:  # a damaged signature fails in many ways inside the validator
        return SignatureCheck(SignatureState.ALTERED, signer)
    if not status.intact or status.coverage != SignatureCoverageLevel.ENTIRE_FILE:
        return SignatureCheck(SignatureState.ALTERED, signer)
    if not status.valid:
        return SignatureCheck(SignatureState.ALTERED, signer)
    if ours is None or not status.trusted or embedded.signer_cert.subject != ours:
        return SignatureCheck(SignatureState.FOREIGN, signer)
    return SignatureCheck(SignatureState.VALID, signer)


def embedded_file(pdf: bytes, name: str) -> bytes | None:
    """The file called ``name`` embedded in ``pdf`` (its /EmbeddedFiles name tree), or None
    when there is none or the PDF cannot be read."""
    from pyhanko.pdf_utils.reader import PdfFileReader

    def walk(node):
        node = node.get_object()
        names = node.get("/Names")
        if names is not None:
            names = names.get_object()
            for index in range(0, len(names) - 1, 2):
                yield str(names[index]), names[index + 1].get_object()
        for kid in node.get("/Kids", ()):
            yield from walk(kid)

    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        tree = reader.root["/Names"]["/EmbeddedFiles"]
        for key, spec in walk(tree):
            if key == name or str(spec.get("/UF", spec.get("/F", ""))) == name:
                return spec["/EF"]["/F"].get_object().data
    except Exception:  # no attachments, or a damaged file
        return None
    return None
