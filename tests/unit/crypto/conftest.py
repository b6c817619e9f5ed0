"""Shared fixtures for the crypto core tests: cached keys and the official vectors."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from survey.crypto import blindrsa, seal

VECTORS = Path(__file__).resolve().parents[2] / "data" / "vectors"


def load_vectors(name: str) -> dict[str, Any]:
    return json.loads((VECTORS / name).read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def token_key() -> rsa.RSAPrivateKey:
    """One production-size token key for the whole run: RSA key generation is the slow part."""
    return blindrsa.generate_token_key()


@pytest.fixture(scope="session")
def other_token_key() -> rsa.RSAPrivateKey:
    return blindrsa.generate_token_key()


@pytest.fixture(scope="session")
def small_token_key() -> rsa.RSAPrivateKey:
    """A 1024-bit key (smallest cryptography generates) to keep property tests fast."""
    return rsa.generate_private_key(public_exponent=65537, key_size=1024)  # noqa: S505 (tests only)


@pytest.fixture(scope="session")
def seal_key() -> ec.EllipticCurvePrivateKey:
    return seal.generate_seal_key()


@pytest.fixture(scope="session")
def rfc9474() -> dict[str, Any]:
    return load_vectors("rfc9474_vectors.json")


@pytest.fixture(scope="session")
def rfc9180() -> dict[str, Any]:
    return load_vectors("rfc9180_vectors.json")
