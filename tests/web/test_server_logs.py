"""The documented gunicorn settings write no access line for the officers' paths."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from survey.config import ROOT
from tests.committed import TEST_SECRET_KEY, committed_app
from tests.conftest import free_port


@pytest.mark.slow
def test_gunicorn_access_log_skips_officer_paths(tmp_path: Path) -> None:
    url = "sqlite:///" + str(tmp_path / "gunicorn.db")
    committed_app(url, tmp_path)
    port = free_port()
    env = {
        **os.environ,
        "SURVEY_BIND": f"127.0.0.1:{port}",
        "SURVEY_WORKERS": "1",
        "SURVEY_DATABASE_URL": url,
        "SURVEY_SECRET_KEY": TEST_SECRET_KEY,
        "SURVEY_INSTANCE_PATH": str(tmp_path),
    }
    gunicorn = Path(sys.executable).with_name("gunicorn")
    log = tmp_path / "gunicorn.log"
    with log.open("w") as out:
        server = subprocess.Popen(
            [str(gunicorn), "-c", str(ROOT / "config" / "gunicorn.conf.py"), "survey:create_app()"],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            cwd=ROOT,
        )
        try:
            _wait_and_request(
                port, ["/", "/i", "/a/abc", "/api/v1/rounds/abc/keys", "/static/css/site.css"]
            )
        finally:
            server.terminate()
            server.wait(timeout=10)
    text = log.read_text()
    assert '"GET / HTTP' in text and '"GET /static/css/site.css' in text, text
    for quiet in ('"GET /i ', '"GET /a/', "/api/v1"):
        assert quiet not in text, text
    assert "127.0.0.1 " not in text.replace(f"127.0.0.1:{port}", ""), "no client address in the log"


def _wait_and_request(port: int, paths: list[str]) -> None:
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(base + "/", timeout=20)  # noqa: S310 - our own local server
            break
        except OSError:  # refused while starting; a busy machine may also time out
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)
    for path in paths:
        with contextlib.suppress(urllib.error.HTTPError):
            urllib.request.urlopen(base + path, timeout=30)  # noqa: S310 - our own local server
