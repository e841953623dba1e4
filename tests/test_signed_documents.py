"""Archived, signed documents: approved minutes kept once as a signed PDF/A-3 file carrying
their canonical JSON, signed directive letters, and the verification page's PDF upload.

Signatures are checked with pyHanko's validator and with poppler's ``pdfsig`` (Debian
``poppler-utils``, installed by .ci/run): a missing ``pdfsig`` fails these tests.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import shutil
import subprocess

import pypdf
import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.test import TestCase
from django.urls import reverse

from committees.models import Minutes
from egov_portal import signing
from egov_portal.management.commands.make_demo_certificate import DEMO_SIGNER, make_demo_p12
from resolutions.documents.archive import ATTACHMENT_NAME
from resolutions.documents.minutes import canonical_json
from resolutions.models import Directive
from resolutions.services.minutes import minutes_approve
from resolutions.services.resolutions import resolution_create
from tests.conftest import PERSONAS, client_for
from tests.meeting_helpers import in_review_meeting, user

PASSWORD = "demo-password"
GENUINE = "این پرونده همان سند صادرشده از درگاه است و تغییر نکرده است"
ALTERED = "این پرونده پس از صدور از درگاه تغییر کرده است"
FOREIGN = "این پرونده را درگاه صادر نکرده است"
UNSIGNED = "این سند امضای دیجیتال ندارد"


@pytest.fixture(scope="session")
def demo_p12(tmp_path_factory):
    """The demo certificate, made once per test session."""
    path = tmp_path_factory.mktemp("signing") / "demo.p12"
    path.write_bytes(make_demo_p12(password=PASSWORD))
    return path


@pytest.fixture(scope="session")
def other_p12(tmp_path_factory):
    """Another demo CA and certificate with the same names: not the portal's."""
    path = tmp_path_factory.mktemp("signing-other") / "other.p12"
    path.write_bytes(make_demo_p12(password=PASSWORD))
    return path


@pytest.fixture
def signed(settings, demo_p12, media_root):
    settings.SIGNING_P12 = str(demo_p12)
    settings.SIGNING_P12_PASSWORD = PASSWORD
    return demo_p12


def _approved(body, *, file_kept: bool = True):
    """Approved minutes; their file is kept when the approval commits (which a test's
    transaction never does by itself: the callbacks are run here, or dropped)."""
    meeting = in_review_meeting(body)
    resolution_create(
        meeting=meeting, text="راه‌اندازی پنجره واحد", kind="assignment", all_agencies=True
    )
    with TestCase.captureOnCommitCallbacks(execute=file_kept) as callbacks:
        meeting = minutes_approve(meeting=meeting, user=user("chair"))
    assert callbacks, "the approval keeps the file once it commits"
    return Minutes.objects.select_related("meeting").get(meeting=meeting)


def _download(minutes) -> bytes:
    response = client_for("chair").get(
        reverse("resolutions:minutes_pdf", args=[minutes.meeting_id])
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    return response.content


def _ca_certificate(p12_path):
    from pyhanko.sign import signers

    signer = signers.SimpleSigner.load_pkcs12(str(p12_path), passphrase=PASSWORD.encode())
    return [c for c in signer.cert_registry if c.subject != signer.signing_cert.subject]


def _pyhanko_status(pdf: bytes, p12_path):
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    reader = PdfFileReader(io.BytesIO(pdf))
    assert len(reader.embedded_signatures) == 1
    embedded = reader.embedded_signatures[0]
    context = ValidationContext(trust_roots=_ca_certificate(p12_path))
    return embedded, validate_pdf_signature(embedded, context)


def _pdfsig(pdf: bytes, tmp_path) -> str:
    pdfsig = shutil.which("pdfsig")
    assert pdfsig, "pdfsig is missing: apt-get install poppler-utils (.ci/run installs it)"
    path = tmp_path / "document.pdf"
    path.write_bytes(pdf)
    result = subprocess.run([pdfsig, str(path)], capture_output=True, text=True, timeout=60)
    return result.stdout + result.stderr


def _one_byte_changed(pdf: bytes) -> bytes:
    """The file with one byte changed inside the signed range (in the producer's name)."""
    at = pdf.index(b"WeasyPrint")
    assert at < pdf.index(b"/ByteRange")
    changed = bytearray(pdf)
    changed[at] = ord("X")
    return bytes(changed)


def _other_pdf() -> bytes:
    """A PDF the portal did not make."""
    from weasyprint import HTML

    return HTML(string="<p>نامه‌ای دیگر</p>").write_pdf()


def _upload(pdf: bytes, *, persona: str = "anonymous", name: str = "minutes.pdf"):
    document = SimpleUploadedFile(name, pdf, content_type="application/pdf")
    return client_for(persona).post(reverse("resolutions:verify"), {"document": document})


# --- the archived minutes ----------------------------------------------------------------


@pytest.mark.django_db
def test_approved_minutes_are_kept_once_and_served_as_the_same_bytes(working_group, signed):
    minutes = _approved(working_group)
    assert len(minutes.archive_sha256) == 64
    stored = minutes.archive.read()
    first, second = _download(minutes), _download(minutes)
    assert first == second == stored
    assert hashlib.sha256(first).hexdigest() == minutes.archive_sha256
    assert minutes.archive_signer == signing.configured_signer()
    assert DEMO_SIGNER in minutes.archive_signer
    detail = reverse("committees:meeting_detail", args=[minutes.meeting_id])
    html = client_for("chair").get(detail).content.decode()
    assert 'data-testid="minutes-pdf"' in html and 'data-testid="minutes-unsigned"' not in html


@pytest.mark.django_db
def test_archived_minutes_are_pdfa3_tagged_and_carry_the_snapshot(working_group, signed):
    minutes = _approved(working_group)
    pdf = _download(minutes)
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    xmp = reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode("utf-8")
    assert re.search(r"pdfaid:part(>|=\")3", xmp), xmp
    assert re.search(r"pdfaid:conformance(>|=\")B", xmp), xmp
    root = reader.trailer["/Root"]
    assert bool(root["/MarkInfo"]["/Marked"]) is True
    assert "/StructTreeRoot" in root
    attached = reader.attachments[ATTACHMENT_NAME][0]
    assert attached == canonical_json(minutes.snapshot)
    assert json.loads(attached) == minutes.snapshot
    assert hashlib.sha256(attached).hexdigest() == minutes.fingerprint
    # PDF/A-3: the file is associated with the document as its source data.
    # (WeasyPrint 70 lists the one file specification twice in /AF.)
    associated = {(f.get_object()["/F"], f.get_object()["/AFRelationship"]) for f in root["/AF"]}
    assert associated == {(ATTACHMENT_NAME, "/Data")}
    assert "پنجره واحد" in "".join(page.extract_text() for page in reader.pages)


@pytest.mark.django_db
def test_archived_minutes_signature_is_valid_for_pyhanko(working_group, signed):
    from pyhanko.sign.validation.status import SignatureCoverageLevel

    pdf = _download(_approved(working_group))
    embedded, status = _pyhanko_status(pdf, signed)
    assert embedded.sig_object["/SubFilter"] == "/ETSI.CAdES.detached"  # PAdES
    assert status.intact and status.valid and status.trusted
    assert status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    assert signing.verify_pdf(pdf).state == signing.SignatureState.VALID


@pytest.mark.django_db
def test_archived_minutes_signature_is_valid_for_pdfsig(working_group, signed, tmp_path):
    output = _pdfsig(_download(_approved(working_group)), tmp_path)
    assert "Signature Validation: Signature is Valid." in output, output
    assert "Total document signed" in output, output
    assert "ETSI.CAdES.detached" in output, output
    assert f"Signer Certificate Common Name: {DEMO_SIGNER}" in output, output


@pytest.mark.django_db
def test_one_changed_byte_fails_pyhanko_pdfsig_and_the_upload_page(working_group, signed, tmp_path):
    changed = _one_byte_changed(_download(_approved(working_group)))
    _embedded, status = _pyhanko_status(changed, signed)
    assert not status.intact
    assert not status.bottom_line
    assert "Signature is Valid." not in _pdfsig(changed, tmp_path)
    assert signing.verify_pdf(changed).state == signing.SignatureState.ALTERED
    response = _upload(changed)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-verdict="altered"' in html
    assert ALTERED in html
    assert GENUINE not in html


def _approved_without_file(body):
    """Older data (or a failed filing): approved minutes with their snapshot and
    fingerprint, but no file."""
    minutes = _approved(body, file_kept=False)
    assert minutes.archive_sha256 == ""
    return minutes


@pytest.mark.django_db
def test_a_failed_filing_leaves_the_approval_standing(working_group, signed, monkeypatch):
    """Rendering or signing fails once the approval has committed: the approval stands,
    the fault is logged, and the first request for the file makes it."""

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr("resolutions.services.archive.minutes_archive_render", broken)
    minutes = _approved(working_group)
    assert minutes.approved_at is not None and minutes.archive_sha256 == ""
    monkeypatch.undo()
    first = _download(minutes)
    minutes.refresh_from_db()
    assert minutes.archive_sha256 == hashlib.sha256(first).hexdigest()


@pytest.mark.django_db
def test_a_lost_archived_file_is_said_so_and_not_replaced(working_group, signed, caplog):
    """The filed PDF is gone from the storage (media lost, restored without it): the
    download says so in Persian with a 503, logs it, and neither makes another file nor
    touches the record."""
    minutes = _approved(working_group)
    stored = (minutes.archive.name, minutes.archive_sha256)
    minutes.archive.storage.delete(minutes.archive.name)
    response = client_for("chair").get(
        reverse("resolutions:minutes_pdf", args=[minutes.meeting_id])
    )
    assert response.status_code == 503
    html = response.content.decode()
    assert 'data-testid="archive-missing"' in html
    assert "درگاه نسخه دیگری به جای آن نمی‌سازد" in html
    assert minutes.fingerprint in html
    assert any("missing from the storage" in r.getMessage() for r in caplog.records)
    minutes.refresh_from_db()
    assert (minutes.archive.name, minutes.archive_sha256) == stored
    assert not minutes.archive.storage.exists(minutes.archive.name)


@pytest.mark.django_db
def test_minutes_approved_before_files_were_kept_get_theirs_on_first_request(working_group, signed):
    minutes = _approved_without_file(working_group)
    first = _download(minutes)
    minutes.refresh_from_db()
    assert minutes.archive_sha256 == hashlib.sha256(first).hexdigest()
    assert minutes.archive.read() == first
    assert _download(minutes) == first
    assert signing.verify_pdf(first).valid


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is PostgreSQL's")
def test_the_database_lets_approved_minutes_get_their_file_once(working_group):
    minutes = _approved_without_file(working_group)
    rows = Minutes.objects.filter(pk=minutes.pk)
    with pytest.raises(IntegrityError), transaction.atomic():
        rows.update(archive_sha256="a" * 64, preamble="changed on the way")
    rows.update(archive="minutes/x.pdf", archive_sha256="a" * 64, archive_signer="CN=x")
    with pytest.raises(IntegrityError), transaction.atomic():
        rows.update(archive_sha256="b" * 64)
    with pytest.raises(IntegrityError), transaction.atomic():
        rows.update(archive="", archive_sha256="", archive_signer="")
    assert rows.get().archive_sha256 == "a" * 64


@pytest.mark.django_db
def test_draft_minutes_are_rendered_live_and_not_kept(working_group, signed):
    meeting = in_review_meeting(working_group)
    response = client_for("chair").get(reverse("resolutions:minutes_pdf", args=[meeting.pk]))
    assert response.status_code == 200
    assert Minutes.objects.get(meeting=meeting).archive_sha256 == ""
    assert signing.verify_pdf(response.content).state == signing.SignatureState.UNSIGNED


@pytest.mark.django_db
def test_without_a_certificate_minutes_are_kept_unsigned_and_the_pages_say_so(
    working_group, settings, media_root
):
    settings.SIGNING_P12 = ""
    minutes = _approved(working_group)
    assert minutes.archive_signer == ""
    pdf = _download(minutes)
    assert signing.verify_pdf(pdf).state == signing.SignatureState.UNSIGNED
    assert pypdf.PdfReader(io.BytesIO(pdf)).attachments[ATTACHMENT_NAME][0] == canonical_json(
        minutes.snapshot
    )
    url = reverse("resolutions:verify_fingerprint", args=[minutes.fingerprint])
    html = client_for("anonymous").get(url).content.decode()
    assert 'data-testid="verify-unsigned"' in html and UNSIGNED in html
    detail = reverse("committees:meeting_detail", args=[minutes.meeting_id])
    assert 'data-testid="minutes-unsigned"' in client_for("chair").get(detail).content.decode()
    # The very file is still recognised by its SHA-256.
    response = _upload(pdf)
    assert 'data-verdict="genuine"' in response.content.decode()


# --- directive letters -----------------------------------------------------------------------


@pytest.mark.django_db
def test_directive_letters_are_signed_when_issued(working_group, signed, tmp_path):
    from members.models import Agency

    meeting = in_review_meeting(working_group)
    resolution_create(
        meeting=meeting,
        text="راه‌اندازی پنجره واحد",
        kind="assignment",
        responsible=[Agency.objects.get(name="اداره کل آموزش و پرورش")],
    )
    minutes_approve(meeting=meeting, user=user("chair"))
    directive = Directive.objects.get(resolution__meeting=meeting)
    response = client_for("admin").get(reverse("resolutions:directive_letter", args=[directive.pk]))
    assert response.status_code == 200
    letter = response.content
    assert signing.verify_pdf(letter).valid
    _embedded, status = _pyhanko_status(letter, signed)
    assert status.bottom_line
    assert "Signature Validation: Signature is Valid." in _pdfsig(letter, tmp_path)
    assert GENUINE in _upload(letter).content.decode()
    assert ALTERED in _upload(_one_byte_changed(letter)).content.decode()


# --- the verification page's upload -------------------------------------------------------


@pytest.mark.django_db
def test_uploading_the_portals_file_says_it_is_genuine(working_group, signed):
    minutes = _approved(working_group)
    response = _upload(_download(minutes))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-verdict="genuine"' in html
    assert GENUINE in html
    assert minutes.fingerprint in html
    assert DEMO_SIGNER in html


@pytest.mark.django_db
def test_a_file_signed_with_another_certificate_is_not_the_portals(
    working_group, settings, signed, other_p12
):
    settings.SIGNING_P12 = str(other_p12)
    forged = signing.sign_pdf(_other_pdf())
    settings.SIGNING_P12 = str(signed)
    assert signing.verify_pdf(forged).state == signing.SignatureState.FOREIGN
    html = _upload(forged).content.decode()
    assert 'data-verdict="foreign"' in html and FOREIGN in html


@pytest.mark.django_db
def test_an_unsigned_pdf_that_is_not_the_portals_says_so(working_group, signed):
    html = _upload(_other_pdf()).content.decode()
    assert 'data-verdict="unsigned"' in html and UNSIGNED in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("content", "error"),
    [
        (b"not a pdf at all", "این پرونده PDF نیست."),
        (b"%PDF-1.7\nbroken beyond repair", "این پرونده PDF خوانا نیست."),
        (b"", "پرونده برگزیده خالی است."),
    ],
)
def test_bad_uploads_get_a_persian_error(content, error, signed):
    response = _upload(content)
    assert response.status_code == 400
    html = response.content.decode()
    assert error in html
    assert 'data-testid="document-verdict"' not in html


@pytest.mark.django_db
def test_an_upload_without_a_file_gets_a_persian_error():
    response = client_for("anonymous").post(reverse("resolutions:verify"), {})
    assert response.status_code == 400
    assert "پرونده PDF را برگزینید." in response.content.decode()


@pytest.mark.django_db
def test_an_oversized_upload_is_refused(settings, signed):
    settings.VERIFY_UPLOAD_MAX_BYTES = 1000
    response = _upload(b"%PDF-1.7\n" + b"0" * 2000)
    assert response.status_code == 400
    assert "پرونده بزرگ‌تر از" in response.content.decode()
    # Past the limit and the form fields' allowance, refused before the body is read.
    response = _upload(b"%PDF-1.7\n" + b"0" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 2000))
    assert response.status_code == 413


@pytest.mark.django_db
@pytest.mark.parametrize("persona", PERSONAS)
def test_every_persona_may_verify_an_upload(persona, working_group, signed):
    """The POST on /verify/ (the matrix row for the URL is its GET): public for everyone."""
    response = _upload(b"%PDF-1.7\nbroken", persona=persona)
    assert response.status_code == 400
    assert _upload(b"", persona=persona).status_code == 400


@pytest.mark.django_db
def test_verify_upload_query_budget(working_group, signed, django_assert_max_num_queries):
    pdf = _download(_approved(working_group))
    client = client_for("anonymous")
    document = SimpleUploadedFile("m.pdf", pdf, content_type="application/pdf")
    with django_assert_max_num_queries(4):
        response = client.post(reverse("resolutions:verify"), {"document": document})
    assert GENUINE in response.content.decode()


# --- the certificate ---------------------------------------------------------------------------


def test_make_demo_certificate_writes_a_usable_file_once(tmp_path, settings):
    path = tmp_path / "var" / "demo.p12"
    call_command("make_demo_certificate", path=str(path), password=PASSWORD, stdout=io.StringIO())
    made = path.read_bytes()
    assert path.stat().st_mode & 0o777 == 0o600
    call_command("make_demo_certificate", path=str(path), password=PASSWORD, stdout=io.StringIO())
    assert path.read_bytes() == made  # kept without --force
    settings.SIGNING_P12, settings.SIGNING_P12_PASSWORD = str(path), PASSWORD
    assert signing.is_configured()
    check = signing.verify_pdf(signing.sign_pdf(_other_pdf()))
    assert check.valid and DEMO_SIGNER in check.signer


def test_a_wrong_certificate_password_fails_loudly(settings, demo_p12):
    settings.SIGNING_P12, settings.SIGNING_P12_PASSWORD = str(demo_p12), "wrong"
    with pytest.raises(ImproperlyConfigured, match="SIGNING_P12"):
        signing.sign_pdf(_other_pdf())


def test_signing_and_checking_work_inside_a_running_event_loop(demo_p12, settings):
    """An ASGI server (or a test driving a browser) runs an event loop in the thread:
    pyHanko's asyncio.run would refuse there, so the work moves to a thread of its own."""
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    settings.SIGNING_P12, settings.SIGNING_P12_PASSWORD = str(demo_p12), PASSWORD

    async def inside():
        check = signing.verify_pdf(signing.sign_pdf(_other_pdf()))
        return check.valid

    # A thread of the test's own, so that its loop is the only one whatever ran before.
    with ThreadPoolExecutor(max_workers=1) as pool:
        assert pool.submit(asyncio.run, inside()).result() is True
