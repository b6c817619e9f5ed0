"""Issue 8, item 9: HSTS in production, no-store on committee pages, logout ends every copy of the
session, a production floor on the opening code's Argon2id cost, export types with one charset."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from survey import create_app
from survey.config import ConfigError
from survey.models import OpinionItem, Round, User
from tests.factories import log_in
from tests.unseal_support import NO_REWRITE

PRODUCTION = pytest.mark.settings(
    PRODUCTION=True, OPENING_ARGON2_MEMORY_KIB=65536, OPENING_ARGON2_TIME_COST=3
)


@PRODUCTION
def test_hsts_in_production(client: FlaskClient) -> None:
    for path in ("/", "/auth/login", "/i"):
        header = client.get(path, base_url="https://survey.example.org").headers
        assert header["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


def test_no_hsts_in_development(client: FlaskClient) -> None:
    assert "Strict-Transport-Security" not in client.get("/").headers


@pytest.mark.parametrize(
    ("memory", "passes"), [(8, 1), (65535, 3), (65536, 2), (19456, 2)]
)
def test_production_refuses_a_weak_opening_code_cost(
    tmp_path: Path, memory: int, passes: int
) -> None:
    with pytest.raises(ConfigError, match="OPENING_ARGON2"):
        create_app(
            {
                "PRODUCTION": True,
                "DATABASE_URL": "sqlite://",
                "OPENING_ARGON2_MEMORY_KIB": memory,
                "OPENING_ARGON2_TIME_COST": passes,
            },
            instance_path=str(tmp_path),
        )


def test_production_starts_with_the_default_cost(tmp_path: Path) -> None:
    app = create_app({"PRODUCTION": True, "DATABASE_URL": "sqlite://"}, instance_path=str(tmp_path))
    assert app.config["OPENING_ARGON2_MEMORY_KIB"] >= 65536


# --- logout ends every copy -------------------------------------------------------------------


def test_logout_kills_a_copied_session_cookie(
    app: Flask, client: FlaskClient, secretary: User
) -> None:
    assert log_in(client, secretary.username).status_code == 302
    cookie = client.get_cookie("survey_session")
    assert cookie is not None
    copy = app.test_client()
    copy.set_cookie("survey_session", cookie.value)
    assert copy.get("/secretary/rounds").status_code == 200, "the copy works before logout"
    client.post("/auth/logout")
    stolen = copy.get("/secretary/rounds")
    assert stolen.status_code == 302 and "/auth/login" in stolen.headers["Location"]


def test_logout_is_a_post(client: FlaskClient, secretary: User) -> None:
    log_in(client, secretary.username)
    assert client.get("/auth/logout").status_code == 405
    assert client.get("/secretary/rounds").status_code == 200


# --- no-store on every committee page ---------------------------------------------------------


def committee_get_urls(app: Flask, round_: Round, session: Session) -> list[str]:
    """Every committee GET page, with the ids of an unsealed round filled in."""
    item = session.scalars(
        select(OpinionItem).where(
            OpinionItem.round_id == round_.id,
            OpinionItem.text.contains("值班"),
            OpinionItem.theme_id.is_not(None),
        )
    ).first()
    assert item is not None and item.theme_id is not None
    values = {
        "round_id": round_.public_id,
        "section_key": round_.sections[0].key,
        "theme_id": item.theme_id,
        "item_id": item.id,
        "number": "1",
    }
    urls = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint.split(".")[0] not in ("committee", "custodian"):
            continue
        if "GET" not in (rule.methods or ()):
            continue
        path = rule.rule.replace("<int:number>", "<number>")
        if "<fmt>" in path:
            urls.extend(path.replace("<fmt>", fmt) for fmt in ("csv", "md", "json", "docx"))
            continue
        urls.append(path)
    filled = []
    for url in urls:
        for name, value in values.items():
            url = url.replace(f"<{name}>", value)
        assert "<" not in url, url
        filled.append(url)
    return filled


@NO_REWRITE
def test_every_committee_page_is_no_store(
    app: Flask, session: Session, unsealed: Round, client: FlaskClient, secretary: User
) -> None:
    log_in(client, secretary.username)
    urls = committee_get_urls(app, unsealed, session)
    assert len(urls) >= 12
    shown: list[str] = []
    for url in urls:
        response = client.get(url)
        assert response.headers.get("Cache-Control") == "no-store", url
        textual = response.mimetype.startswith(("text/", "application/json"))
        body = response.get_data(as_text=True) if textual else ""
        if response.status_code == 200 and re.search("值班|培训", body):
            shown.append(url)
    # The pages that show answer text were really reached, not refused.
    for must in ("", "/export.csv", "/export.md", "/export.json", "/themes/", "/items/"):
        assert any(f"/committee/rounds/{unsealed.public_id}{must}" in u for u in shown), must


@NO_REWRITE
def test_export_types_carry_one_charset(
    session: Session, unsealed: Round, client: FlaskClient, secretary: User
) -> None:
    log_in(client, secretary.username)
    for fmt, expected in (
        ("csv", "text/csv; charset=utf-8"),
        ("md", "text/markdown; charset=utf-8"),
        ("json", "application/json"),
    ):
        response = client.get(f"/committee/rounds/{unsealed.public_id}/export.{fmt}")
        assert response.status_code == 200
        assert response.headers["Content-Type"] == expected
        assert response.headers["Content-Type"].count("charset") <= 1
