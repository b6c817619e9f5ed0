"""The global limit is shared by every app process when it lives in Redis (issue 9 item 9).

Two app processes (this one and a child) serve the same round. With ``redis://`` they share one
counter; with ``memory://`` each keeps its own, which is why production configures Redis (see
docs/limits.md). Runs against the Redis of SURVEY_TEST_REDIS_URL (default DB 1 on this machine);
skipped when none answers, unless SURVEY_REQUIRE_REDIS=1.
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from survey.extensions import db
from tests.committed import TEST_SECRET_KEY, committed_app, fresh_database
from tests.live_support import TIMEOUT, LiveRound, live_round, serve

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = os.environ.get("SURVEY_TEST_REDIS_URL", "redis://127.0.0.1:6379/1")


def redis_or_skip() -> None:
    try:
        import redis

        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except Exception as error:
        if os.environ.get("SURVEY_REQUIRE_REDIS") == "1":
            pytest.fail(f"no Redis at {REDIS_URL}: {error}", pytrace=False)
        pytest.skip(f"no Redis at {REDIS_URL}")


@contextmanager
def second_process(settings: dict[str, Any], instance: Path) -> Iterator[str]:
    """The same app in a child process; yields its base URL."""
    child = subprocess.Popen(
        [sys.executable, "-m", "tests.serve_app", json.dumps(settings), str(instance)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout is not None
        port = int(child.stdout.readline())
        yield f"http://127.0.0.1:{port}"
    finally:
        child.kill()
        child.wait(timeout=TIMEOUT)
        if child.stdout is not None:
            child.stdout.close()


def answer(live: LiveRound, base: str, code: str) -> int:
    token, signature = live.token(code)
    elsewhere = LiveRound(base, live.round_id, [], live.parts, live.keys)
    return elsewhere.answer(token, signature, live.sealed(f"来自{code[:4]}"))[0]


@pytest.mark.parametrize(("storage", "shared"), [("redis", True), ("memory", False)])
def test_two_app_processes_share_one_answer_limit(
    tmp_path: Path, storage: str, shared: bool
) -> None:
    if storage == "redis":
        redis_or_skip()
    settings = {
        "RATELIMIT_ENABLED": True,
        "RATELIMIT_STORAGE_URI": REDIS_URL if storage == "redis" else "memory://",
        # A fresh prefix per run, so runs on several databases at once never meet.
        "RATELIMIT_KEY_PREFIX": f"test-{secrets.token_hex(8)}",
        "ANSWER_RATE_LIMIT": "4 per hour",
        "TOKEN_RATE_LIMIT": "100 per hour",
    }
    with fresh_database(tmp_path, f"limits_{storage}") as url:
        app = committed_app(url, tmp_path, **settings)
        child_settings = {
            "TESTING": True,
            "SECRET_KEY": TEST_SECRET_KEY,
            "DATABASE_URL": url,
            **settings,
        }
        try:
            with serve(app) as here, second_process(child_settings, tmp_path) as there:
                live = live_round(app, here, participants=8)
                codes = live.codes
                statuses = [
                    answer(live, base, code)
                    for base, code in zip(
                        [here, there, here, there, here, there], codes, strict=False
                    )
                ]
        finally:
            with app.app_context():
                db.engine.dispose()
    if shared:
        assert statuses == [201, 201, 201, 201, 429, 429]
        assert_keys_name_no_one(settings["RATELIMIT_KEY_PREFIX"])
    else:
        assert statuses == [201] * 6


def assert_keys_name_no_one(prefix: str) -> None:
    """The shared counters are named by endpoint only (DESIGN.md section 3); then removed."""
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    keys = [key.decode() for key in client.scan_iter(f"*{prefix}*")]
    try:
        assert keys and all("officer-api" in key and "127.0.0.1" not in key for key in keys)
    finally:
        if keys:
            client.delete(*keys)
        client.close()
