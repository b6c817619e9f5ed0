"""Friendly error pages, security headers, and templates that a strict CSP can serve."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from survey.errors import NotFound

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
# Inline code a CSP of script-src 'self'; style-src 'self' would block.
INLINE = [
    (re.compile(r"\sstyle\s*=", re.I), "style attribute"),
    (re.compile(r"<style[\s>]", re.I), "<style> element"),
    (re.compile(r"<script(?![^>]*\ssrc=)[^>]*>", re.I), "inline <script>"),
    (
        re.compile(
            r"\son(?:click|dblclick|load|unload|submit|change|input|focus|blur|error|reset|select"
            r"|key(?:down|up|press)|mouse\w+|pointer\w+|touch\w+|scroll|resize|toggle|wheel"
            r"|drag\w*|drop|copy|cut|paste|animation\w+|transition\w+|beforeunload)\s*=",
            re.I,
        ),
        "event-handler attribute",
    ),
    (re.compile(r"javascript:", re.I), "javascript: URL"),
]


def test_404_page_is_friendly_and_chinese(client: FlaskClient) -> None:
    response = client.get("/no/such/page")
    assert response.status_code == 404
    page = response.get_data(as_text=True)
    assert "页面不存在" in page and "返回首页" in page
    assert '<html lang="zh-CN">' in page


def test_404_in_english(client: FlaskClient) -> None:
    page = client.get("/no/such/page?lang=en").get_data(as_text=True)
    assert "Page not found" in page


def test_403_page_is_friendly(as_committee: FlaskClient) -> None:
    response = as_committee.get("/admin/")
    assert response.status_code == 403
    assert "无权访问" in response.get_data(as_text=True)


def test_405_uses_the_generic_page(client: FlaskClient) -> None:
    response = client.get("/auth/logout")
    assert response.status_code == 405
    assert "请求未能完成" in response.get_data(as_text=True)


@pytest.mark.settings(TESTING=False)
def test_500_page_hides_the_details(app: Flask) -> None:
    def boom() -> str:
        raise RuntimeError("secret internals")

    app.add_url_rule("/boom", "boom", boom)
    app.logger.disabled = True
    response = app.test_client().get("/boom")
    assert response.status_code == 500
    page = response.get_data(as_text=True)
    assert "出错了" in page
    assert "secret internals" not in page


def test_domain_error_shows_its_message(app: Flask) -> None:
    def missing() -> str:
        raise NotFound("找不到这一轮")

    app.add_url_rule("/missing", "missing", missing)
    response = app.test_client().get("/missing")
    assert response.status_code == 404
    assert "找不到这一轮" in response.get_data(as_text=True)


def test_security_headers(client: FlaskClient) -> None:
    response = client.get("/auth/login")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "style-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert response.headers["X-Frame-Options"] == "DENY"


def test_stylesheet_is_served_and_has_no_outside_resources(client: FlaskClient) -> None:
    with client.get("/static/css/site.css") as response:
        assert response.status_code == 200
        css = response.get_data(as_text=True)
    assert "@import" not in css and "url(" not in css and "@font-face" not in css
    assert "WenQuanYi Micro Hei" in css and "PingFang SC" in css
    assert "--tap: 44px" in css


@pytest.mark.parametrize(
    "path", sorted(TEMPLATES.rglob("*.html")), ids=lambda p: str(p.relative_to(TEMPLATES))
)
def test_templates_have_no_inline_script_or_style(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    for pattern, what in INLINE:
        match = pattern.search(text)
        assert match is None, f"{what} in {path.name}: {match.group(0) if match else ''}"


def test_every_page_links_only_our_own_assets(client: FlaskClient) -> None:
    page = client.get("/").get_data(as_text=True)
    assert not re.search(r'(src|href)="(https?:)?//', page)


def test_scripts_and_style_sheets_carry_no_document_headers(client: FlaskClient) -> None:
    """CSP and X-Frame-Options rule documents; on a script they are only bytes on the wire."""
    for path in ("/static/js/b64u.js", "/static/css/officer.css"):
        with client.get(path) as response:
            assert response.status_code == 200
            assert "Content-Security-Policy" not in response.headers, path
            assert "X-Frame-Options" not in response.headers and "Expires" not in response.headers
            assert response.headers["X-Content-Type-Options"] == "nosniff"
            assert "max-age" in response.headers["Cache-Control"]
    with client.get("/static/img/favicon.svg") as svg:  # an SVG is a document when opened
        assert "Content-Security-Policy" in svg.headers
