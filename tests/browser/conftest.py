"""Browser fixtures: a live server with its own committed database, and Debian's Chromium.

A live server runs in another thread and cannot see the rolled-back session of the web tests, so
it gets a database of its own: a fresh SQLite file, or (when SURVEY_TEST_DATABASE_URL points at
PostgreSQL) a fresh database created on that server and dropped at the end.

Chromium is /usr/bin/chromium (``apt-get install -y chromium fonts-wqy-microhei``); Playwright's
own browser downloads are never used. Without Chromium the tests skip, unless
SURVEY_REQUIRE_BROWSER=1 (set by .ci/run), where they fail.
"""

from __future__ import annotations

import os
import secrets
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import Engine
from sqlalchemy.orm import Session
from werkzeug.serving import make_server

from survey import create_app, migrations
from survey.extensions import db
from tests.committed import fresh_database
from tests.conftest import TEST_SECRET_KEY, free_port

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
CHROMIUM = Path("/usr/bin/chromium")
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = ROOT / "test-output" / "screenshots"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Every test in tests/browser is a browser test."""
    for item in items:
        if HERE in Path(str(item.path)).resolve().parents:
            item.add_marker(pytest.mark.browser)


def browser_unavailable(reason: str) -> None:
    """Skip with the reason, or fail when CI demands browser tests."""
    if os.environ.get("SURVEY_REQUIRE_BROWSER") == "1":
        pytest.fail(f"{reason} (SURVEY_REQUIRE_BROWSER=1)", pytrace=False)
    pytest.skip(reason)


@dataclass
class LiveServer:
    """A running app: its address, the app, and committed sessions for setting up data."""

    url: str
    app: Flask
    _engine: Engine = field(repr=False)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session that commits when the block ends (and rolls back if it raises)."""
        with self.app.app_context():
            session = Session(bind=self._engine, expire_on_commit=False)
            try:
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                raise
            finally:
                session.close()


@contextmanager
def live_database(tmp_dir: Path) -> Iterator[str]:
    """A database URL nobody else uses, removed afterwards."""
    with fresh_database(tmp_dir, "live_" + secrets.token_hex(4)) as url:
        yield url


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """The app served on 127.0.0.1 and a free port, as in production but for the database."""
    instance = tmp_path_factory.mktemp("live-instance")
    with live_database(instance) as url:
        app = create_app(
            {
                "SECRET_KEY": TEST_SECRET_KEY,
                "DATABASE_URL": url,
                "WTF_CSRF_ENABLED": True,
                "RATELIMIT_ENABLED": False,
                "RATELIMIT_STORAGE_URI": "memory://",
            },
            instance_path=str(instance),
        )
        engine = app.extensions[db.key].engine
        migrations.upgrade(engine)
        port = free_port()
        server = make_server("127.0.0.1", port, app, threaded=True)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield LiveServer(url=f"http://127.0.0.1:{port}", app=app, _engine=engine)
        finally:
            server.shutdown()
            thread.join(timeout=10)
            engine.dispose()


@pytest.fixture(scope="module")
def playwright() -> Iterator[Any]:
    """Playwright's sync API, one per module (modules may start their own, one at a time)."""
    if not CHROMIUM.exists():
        browser_unavailable(
            "/usr/bin/chromium is missing (apt-get install -y chromium fonts-wqy-microhei)"
        )
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        browser_unavailable("playwright for Python is not installed (pip install -e '.[dev]')")
    with sync_playwright() as instance:
        yield instance


@pytest.fixture(scope="module")
def browser(playwright: Any) -> Iterator[Any]:
    """Debian's Chromium, headless."""
    browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
    yield browser
    browser.close()


def device(playwright: Any, name: str) -> dict[str, Any]:
    """A Playwright device profile, usable with Chromium whatever browser it was made for."""
    profile = dict(playwright.devices[name])
    profile.pop("default_browser_type", None)
    return profile


@pytest.fixture
def phone_context(playwright: Any, browser: Any) -> Iterator[Any]:
    """A Pixel 7 in Simplified Chinese, in Beijing time."""
    context = browser.new_context(
        **device(playwright, "Pixel 7"), locale="zh-CN", timezone_id="Asia/Shanghai"
    )
    yield context
    context.close()


@pytest.fixture
def phone_page(phone_context: Any) -> Any:
    return phone_context.new_page()


@pytest.fixture
def iphone_page(playwright: Any, browser: Any) -> Iterator[Any]:
    """An iPhone 15's screen and user agent (rendered by Chromium), in Simplified Chinese."""
    context = browser.new_context(
        **device(playwright, "iPhone 15"), locale="zh-CN", timezone_id="Asia/Shanghai"
    )
    yield context.new_page()
    context.close()


def save_screenshot(page: Any, name: str) -> Path:
    """A full-page PNG under test-output/screenshots/ (git-ignored), kept with the test output."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


@pytest.fixture
def screenshot() -> Callable[[Any, str], Path]:
    """``screenshot(page, name)`` saves ``test-output/screenshots/<name>.png``."""
    return save_screenshot
