"""Bare Flask endpoints that ``bench/server.py`` measures the officers' API against (DESIGN.md §5).

Not part of the service. Served by gunicorn with the project's own settings::

    BENCH_BASELINE_DATABASE_URL=… BENCH_BASELINE_KEY=key.pem \\
        gunicorn -c config/gunicorn.conf.py --pythonpath bench "baseline_app:create_app()"

- ``POST /api/v1/baseline/tokens`` ``{"invitation", "blinded_msg"}``: one row update (the invitation
  marked used, with the SHA-256 of the message) and one OpenSSL RSA-2048 PSS signature
  (``cryptography``, SHA-384, 48-byte salt) of the message with a key loaded once at start;
- ``POST /api/v1/baseline/answers`` ``{"token", "signature", "sealed"}``: one row inserted (a random
  16-byte id and the decoded sealed bytes).

The paths sit under ``/api/v1`` so that the gunicorn access logger treats them exactly like the
officers' API (no access line). The engine comes from :func:`survey.extensions.make_engine`, so the
database settings are the service's own (SQLite: WAL, busy timeout, ``BEGIN IMMEDIATE``,
``secure_delete``; PostgreSQL: psycopg 3, pool pre-ping); the tables live in a database of their
own, created by :func:`create_schema`.
"""

from __future__ import annotations

import base64
import hashlib
import os
import secrets
from typing import Any

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from flask import Flask, abort, jsonify, request
from sqlalchemy import (
    Boolean,
    Column,
    Engine,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    insert,
    update,
)

from survey.extensions import make_engine

ENGINE_SETTINGS = {"SQLITE_BUSY_TIMEOUT": 10}  # the service's default (config/default.py)
PSS = padding.PSS(mgf=padding.MGF1(hashes.SHA384()), salt_length=48)

metadata = MetaData()
invitations = Table(
    "baseline_invitations",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("code", String(32), unique=True, nullable=False),
    Column("used", Boolean, nullable=False, default=False),
    Column("blinded_hash", LargeBinary(32)),
)
answers = Table(
    "baseline_answers",
    metadata,
    Column("id", LargeBinary(16), primary_key=True),
    Column("sealed", LargeBinary, nullable=False),
)


def invitation_code(number: int) -> str:
    return f"baseline{number:018d}"


def create_schema(database_url: str, rows: int) -> None:
    """Create both tables and ``rows`` unused invitations (codes from :func:`invitation_code`)."""
    engine = make_engine(database_url, ENGINE_SETTINGS)
    try:
        metadata.create_all(engine)
        with engine.begin() as connection:
            connection.execute(
                insert(invitations),
                [{"code": invitation_code(i), "used": False} for i in range(rows)],
            )
    finally:
        engine.dispose()


def _b64u_decode(value: Any) -> bytes:
    if not isinstance(value, str):
        abort(400)
    try:
        return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
    except ValueError:
        abort(400)


def _b64u_encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def create_app() -> Flask:
    """The two endpoints, on the database and with the key named by the environment."""
    engine: Engine = make_engine(os.environ["BENCH_BASELINE_DATABASE_URL"], ENGINE_SETTINGS)
    with open(os.environ["BENCH_BASELINE_KEY"], "rb") as file:
        key = serialization.load_pem_private_key(file.read(), password=None)
    if not isinstance(key, rsa.RSAPrivateKey):
        raise SystemExit("baseline_app: BENCH_BASELINE_KEY is not an RSA key")
    app = Flask(__name__)

    @app.get("/api/v1/baseline/health")
    def health() -> Any:
        return jsonify(ok=True)

    @app.post("/api/v1/baseline/tokens")
    def tokens() -> Any:
        body = request.get_json()
        message = _b64u_decode(body.get("blinded_msg"))
        with engine.begin() as connection:
            updated = connection.execute(
                update(invitations)
                .where(invitations.c.code == str(body.get("invitation")))
                .values(used=True, blinded_hash=hashlib.sha256(message).digest())
            ).rowcount
        if updated != 1:
            abort(404)
        return jsonify(signature=_b64u_encode(key.sign(message, PSS, hashes.SHA384())))

    @app.post("/api/v1/baseline/answers")
    def answers_() -> Any:
        body = request.get_json()
        sealed = _b64u_decode(body.get("sealed"))
        row_id = secrets.token_bytes(16)
        with engine.begin() as connection:
            connection.execute(insert(answers).values(id=row_id, sealed=sealed))
        return jsonify(receipt=row_id.hex()), 201

    return app


if __name__ == "__main__":
    print(__doc__.splitlines()[0])
    print("Served by bench/server.py; nothing to run on its own.")
