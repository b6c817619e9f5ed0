"""Languages: Chinese by default, English on request; catalogs complete, compiled and committed."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po
from flask import Flask, session
from flask.testing import FlaskClient

from survey.auth.decorators import current_user
from survey.auth.views import staff_page
from survey.i18n import select_locale
from survey.models import User

ROOT = Path(__file__).resolve().parents[2]
TRANSLATIONS = ROOT / "survey" / "translations"
LANGUAGES = ("zh", "en")
# Python's %(name)s and the {name} of strings the officers' page formats itself.
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]|\{(\w+)\}")


def catalog(language: str, kind: str = "po") -> Catalog:
    path = TRANSLATIONS / language / "LC_MESSAGES" / f"messages.{kind}"
    with path.open("rb") as stream:
        return read_po(stream, locale=language) if kind == "po" else read_mo(stream)


def as_tuple(value: object) -> tuple[str, ...]:
    return tuple(value) if isinstance(value, list | tuple) else (str(value or ""),)


def translations(cat: Catalog) -> dict[tuple[str, ...], tuple[str, ...]]:
    """msgid → msgstr of the entries that change what is shown (translated, not fuzzy).

    Babel compiles an untranslated plural as its msgids, which changes nothing, so it is skipped.
    """
    found = {}
    for message in cat:
        if not message.id or message.fuzzy:
            continue
        ids, strings = as_tuple(message.id), as_tuple(message.string)
        if all(strings) and strings != ids:
            found[ids] = strings
    return found


def source_msgids() -> set[str]:
    """Every UI string in the code and templates, extracted the way ``make catalogs`` does."""
    keywords = dict(DEFAULT_KEYWORDS, _l=None, lazy_gettext=None)
    method_map = [("survey/**.py", "python"), ("templates/**.html", "jinja2")]
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map, keywords=keywords
    ):
        found.add(message if isinstance(message, str) else message[0])
    return found


@pytest.mark.parametrize("language", LANGUAGES)
def test_compiled_catalogs_are_committed_and_up_to_date(language: str) -> None:
    compiled = translations(catalog(language, "mo"))
    assert compiled == translations(catalog(language)), "run `make catalogs` and commit the .mo"


def test_every_chinese_msgid_is_translated() -> None:
    zh = catalog("zh")
    untranslated = [
        message.id
        for message in zh
        if message.id
        and (message.fuzzy or not all(
            message.string if isinstance(message.string, tuple) else (message.string,)
        ))
    ]
    assert untranslated == []


def test_every_ui_string_is_in_the_chinese_catalog() -> None:
    known = {m.id if isinstance(m.id, str) else m.id[0] for m in catalog("zh") if m.id}
    missing = sorted(source_msgids() - known)
    assert missing == [], "run `make catalogs` and translate the new strings"


def placeholders(text: str) -> set[str]:
    return {"".join(found) for found in PLACEHOLDER.findall(text)}


def test_translations_keep_their_placeholders() -> None:
    """Every placeholder survives translation (a plural's count may be left implicit)."""
    for message in catalog("zh"):
        if not message.id or not message.string:
            continue
        ids, strings = as_tuple(message.id), as_tuple(message.string)
        wanted = placeholders(ids[0]) | placeholders(ids[-1])
        for text in strings:
            assert placeholders(text) <= wanted, (message.id, text)
            assert placeholders(ids[0]) - {"num"} <= placeholders(text), (message.id, text)


def test_chinese_is_the_default(client: FlaskClient) -> None:
    page = client.get("/").get_data(as_text=True)
    assert '<html lang="zh-CN">' in page
    assert "匿名征求意见" in page


def test_english_by_query(client: FlaskClient) -> None:
    page = client.get("/?lang=en").get_data(as_text=True)
    assert '<html lang="en">' in page
    assert "Anonymous opinion survey" in page


def test_english_by_browser_preference(client: FlaskClient) -> None:
    page = client.get("/auth/login", headers={"Accept-Language": "en-US,en;q=0.9"}).get_data(
        as_text=True
    )
    assert "Log in" in page
    page = client.get("/auth/login", headers={"Accept-Language": "zh-CN,zh;q=0.9"}).get_data(
        as_text=True
    )
    assert "登录" in page


def test_staff_choice_is_kept_in_the_session(client: FlaskClient) -> None:
    response = client.post("/auth/language", data={"lang": "en", "next": "/auth/login"})
    assert response.status_code == 302 and response.location == "/auth/login"
    assert "Log in" in client.get("/auth/login").get_data(as_text=True)
    client.post("/auth/language", data={"lang": "zh"})
    assert "登录" in client.get("/auth/login").get_data(as_text=True)


def test_language_switch_refuses_unknown_languages_and_ignores_foreign_next(
    client: FlaskClient,
) -> None:
    response = client.post("/auth/language", data={"lang": "fr", "next": "https://evil.example"})
    assert response.status_code == 400 and response.location is None
    assert "登录" in client.get("/auth/login").get_data(as_text=True)
    response = client.post("/auth/language", data={"lang": "zh", "next": "https://evil.example"})
    assert response.location == "/"


def test_officer_pages_never_read_the_staff_session(app: Flask, secretary: User) -> None:
    with app.test_request_context("/i"):
        session["lang"] = "en"
        session["user"] = secretary.public_id
        session["user_v"] = secretary.session_version
        assert select_locale() == "zh"
        assert current_user() is None
        assert not staff_page()
    with app.test_request_context("/auth/login"):
        session["lang"] = "en"
        assert select_locale() == "en"
        assert staff_page()


def test_officer_page_sets_no_cookie_even_for_a_logged_in_secretary(
    as_secretary: FlaskClient,
) -> None:
    response = as_secretary.get("/i")
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers
    assert "退出登录" not in response.get_data(as_text=True)
