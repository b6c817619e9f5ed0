"""Links, slips and QR codes carry the address officers reach (issue 12: ``make run PORT=5101``)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from cryptography import x509
from flask import Flask
from flask.testing import FlaskClient

from survey import devcert
from survey.links import public_url
from survey.models import Round, User
from tests.factories import PASSWORD


def secretary_at(app: Flask, secretary: User, base_url: str) -> FlaskClient:
    """A secretary's browser that reached the site at ``base_url``."""
    client = app.test_client()
    response = client.post(
        "/auth/login",
        data={"username": secretary.username, "password": PASSWORD},
        base_url=base_url,
    )
    assert response.status_code == 302
    return client


def slips_html(client: FlaskClient, round_: Round, base_url: str) -> str:
    response = client.post(
        f"/secretary/rounds/{round_.public_id}/slips", data={"which": "all"}, base_url=base_url
    )
    assert response.status_code == 200
    return response.data.decode()


def test_without_public_url_links_take_the_address_of_the_request(
    app: Flask, secretary: User, open_round: Round
) -> None:
    at_5101 = secretary_at(app, secretary, "http://192.168.1.20:5101")
    html = slips_html(at_5101, open_round, "http://192.168.1.20:5101")
    assert "http://192.168.1.20:5101/i#r=" + open_round.public_id in html
    assert ":5000" not in html
    over_https = secretary_at(app, secretary, "https://10.0.0.7:8443")
    messages = over_https.post(
        f"/secretary/rounds/{open_round.public_id}/messages",
        data={"which": "all"},
        base_url="https://10.0.0.7:8443",
    ).data.decode()
    assert "https://10.0.0.7:8443/i#r=" + open_round.public_id in messages


def test_a_configured_public_url_wins_over_the_request(
    app: Flask, secretary: User, open_round: Round
) -> None:
    app.config["PUBLIC_URL"] = "https://survey.example.org/"
    elsewhere = secretary_at(app, secretary, "http://evil.example:5101")
    html = slips_html(elsewhere, open_round, "http://evil.example:5101")
    assert "https://survey.example.org/i#r=" in html
    assert "evil.example" not in html


def test_the_command_line_uses_local_url(app: Flask) -> None:
    app.config["LOCAL_URL"] = "http://127.0.0.1:5101/"
    with app.app_context():
        assert public_url() == "http://127.0.0.1:5101"
    app.config["PUBLIC_URL"] = "https://survey.example.org"
    with app.app_context():
        assert public_url() == "https://survey.example.org"


def test_the_trial_certificate_names_the_wifi_address_and_keeps_its_key_private(
    tmp_path: Path,
) -> None:
    now = datetime.now(UTC)
    cert_path = devcert.ensure_certificate(tmp_path, "192.168.1.20", now=now)
    certificate = x509.load_pem_x509_certificate(cert_path.read_bytes())
    names = certificate.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert {str(a) for a in names.get_values_for_type(x509.IPAddress)} == {
        "127.0.0.1",
        "192.168.1.20",
    }
    assert "localhost" in names.get_values_for_type(x509.DNSName)
    assert (tmp_path / devcert.KEY_NAME).stat().st_mode & 0o077 == 0
    before = cert_path.read_bytes()
    assert devcert.ensure_certificate(tmp_path, "192.168.1.20", now=now).read_bytes() == before
    moved = devcert.ensure_certificate(tmp_path, "10.0.0.5", now=now).read_bytes()
    assert moved != before, "a new Wi-Fi address gets a new certificate"
