"""Make a demo signing certificate: a self-signed CA and, issued by it, the certificate the
portal signs documents with, written as one PKCS#12 file for ``SIGNING_P12``.

For development and demonstrations only (``make run`` uses it): a reader's PDF software does
not trust the demo CA, and the portal's own verification page trusts exactly the CA in the
configured file. In production ``SIGNING_P12`` is the province's certificate from a
recognised CA (README, "Signed documents").
"""

from __future__ import annotations

import datetime
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

DEMO_ORGANISATION = "استانداری گیلان"
DEMO_SIGNER = "درگاه دولت الکترونیک گیلان"  # at most 64 bytes
DEMO_CA = "مرجع گواهی نمونه درگاه"
DEMO_UNIT = "نمونه آزمایشی"
VALID_DAYS = 5 * 365


def default_path() -> Path:
    """Beside the media directory, never inside it (backups copy the media directory)."""
    return Path(settings.MEDIA_ROOT).parent / "var" / "signing" / "demo-signing.p12"


def make_demo_p12(*, password: str, days: int = VALID_DAYS) -> bytes:
    """A PKCS#12 file: the signing key and certificate and the demo CA's certificate."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.hazmat.primitives.serialization import pkcs12
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    now = datetime.datetime.now(datetime.UTC) - datetime.timedelta(minutes=5)
    until = now + datetime.timedelta(days=days)

    def name(common_name: str) -> x509.Name:
        return x509.Name(
            [
                x509.NameAttribute(NameOID.COUNTRY_NAME, "IR"),
                x509.NameAttribute(NameOID.ORGANIZATION_NAME, DEMO_ORGANISATION),
                x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, DEMO_UNIT),
                x509.NameAttribute(NameOID.COMMON_NAME, common_name),
            ]
        )

    ca_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    ca_name = name(DEMO_CA)
    ca_cert = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(until)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), False)
        .sign(ca_key, hashes.SHA256())
    )
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name(DEMO_SIGNER))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(until)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), False
        )
        .sign(ca_key, hashes.SHA256())
    )
    encryption = (
        serialization.BestAvailableEncryption(password.encode())
        if password
        else serialization.NoEncryption()
    )
    return pkcs12.serialize_key_and_certificates(
        b"egov-portal-demo", key, cert, [ca_cert], encryption
    )


class Command(BaseCommand):
    help = (
        "Make a self-signed demo CA and a signing certificate issued by it, as one PKCS#12 "
        "file for SIGNING_P12 (development and demonstrations only)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--path", default="", help=f"where to write the file (default: {default_path()})"
        )
        parser.add_argument(
            "--password",
            default=None,
            help="the file's password (default: SIGNING_P12_PASSWORD, possibly empty)",
        )
        parser.add_argument(
            "--force", action="store_true", help="replace an existing file (else it is kept)"
        )

    def handle(self, *args, path: str, password: str | None, force: bool, **options):
        target = Path(path) if path else default_path()
        if password is None:
            password = settings.SIGNING_P12_PASSWORD
        if target.exists() and not force:
            self.stdout.write(f"{target} exists; kept (--force replaces it).")
            return
        if target.exists() and target.is_dir():
            raise CommandError(f"{target} is a directory.")
        target.parent.mkdir(parents=True, exist_ok=True)
        data = make_demo_p12(password=password)
        target.touch(mode=0o600, exist_ok=True)
        target.chmod(0o600)
        target.write_bytes(data)
        self.stdout.write(self.style.SUCCESS(f"Demo signing certificate written to {target}"))
