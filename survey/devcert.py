"""A self-signed certificate for trying the site on phones on the same Wi-Fi (`make run HTTPS=1`).

Phones offer WebCrypto, which seals answers in the browser, only on secure origins: HTTPS, or
``localhost`` on the phone itself. A laptop on the branch's Wi-Fi is neither, so ``make run
HTTPS=1`` serves HTTPS with this certificate. It is self-signed: each phone warns once that the
connection is not private, and the tester accepts it. For trials only; production uses a real
certificate in front of the app (config/production.example.py).

``python -m survey.devcert INSTANCE PORT`` writes ``dev-cert.pem`` and ``dev-key.pem`` into
INSTANCE (git-ignored; made again when this machine's Wi-Fi address is not in the one there) and
prints the address phones should open alone on stdout (notes go to stderr).
"""

from __future__ import annotations

import argparse
import ipaddress
import os
import socket
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

CERT_NAME = "dev-cert.pem"
KEY_NAME = "dev-key.pem"
VALID_DAYS = 90


def lan_address() -> str:
    """This machine's address on its default route (no packet is sent), or 127.0.0.1."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("192.0.2.1", 9))  # TEST-NET-1: only picks the outgoing interface
            return str(probe.getsockname()[0])
        except OSError:
            return "127.0.0.1"


def make_certificate(addresses: list[str], *, now: datetime) -> tuple[bytes, bytes]:
    """A P-256 key and a self-signed certificate naming localhost and the given addresses."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "survey trial (self-signed)")])
    alt_names: list[x509.GeneralName] = [x509.DNSName("localhost")]
    alt_names += [x509.IPAddress(ipaddress.ip_address(a)) for a in dict.fromkeys(addresses)]
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=VALID_DAYS))
        .add_extension(x509.SubjectAlternativeName(alt_names), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return certificate.public_bytes(serialization.Encoding.PEM), key_pem


def covers(cert_path: Path, address: str, *, now: datetime) -> bool:
    """The certificate there is still valid and names this address."""
    try:
        certificate = x509.load_pem_x509_certificate(cert_path.read_bytes())
        names = certificate.extensions.get_extension_for_class(x509.SubjectAlternativeName)
    except (OSError, ValueError, x509.ExtensionNotFound):
        return False
    listed = {str(ip) for ip in names.value.get_values_for_type(x509.IPAddress)}
    return address in listed and certificate.not_valid_after_utc > now + timedelta(days=1)


def ensure_certificate(instance: Path, address: str, *, now: datetime) -> Path:
    """Write a certificate for this address into the instance folder unless one is there."""
    cert_path = instance / CERT_NAME
    if covers(cert_path, address, now=now):
        return cert_path
    instance.mkdir(parents=True, exist_ok=True)
    cert_pem, key_pem = make_certificate(["127.0.0.1", address], now=now)
    key_path = instance / KEY_NAME
    key_path.write_bytes(b"")
    os.chmod(key_path, 0o600)
    key_path.write_bytes(key_pem)
    cert_path.write_bytes(cert_pem)
    return cert_path


def fingerprint(cert_path: Path) -> str:
    """SHA-256 of the certificate, as a phone's certificate details show it."""
    certificate = x509.load_pem_x509_certificate(cert_path.read_bytes())
    return certificate.fingerprint(hashes.SHA256()).hex(":").upper()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m survey.devcert")
    parser.add_argument("instance", type=Path)
    parser.add_argument("port", type=int)
    args = parser.parse_args(argv)
    address = lan_address()
    cert_path = ensure_certificate(args.instance, address, now=datetime.now(UTC))
    url = f"https://{address}:{args.port}"
    print(
        f"HTTPS with a self-signed certificate ({cert_path}).\n"
        f"Phones on the same Wi-Fi open {url}/ and accept the warning once;\n"
        f"certificate SHA-256: {fingerprint(cert_path)}",
        file=sys.stderr,
    )
    print(url)
    return 0


if __name__ == "__main__":
    sys.exit(main())
