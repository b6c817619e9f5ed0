"""The command line during an outage: a one-line reason on stderr and exit 75, no traceback.

Runs the installed ``survey`` script in a process of its own, as an operator would.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from survey.cli.support import EX_TEMPFAIL
from survey.extensions import db
from tests.committed import TEST_SECRET_KEY, committed_app
from tests.conftest import free_port, on_postgres
from tests.hostile.test_outages import seed_round

SURVEY = Path(sys.executable).with_name("survey")


def survey(tmp_path: Path, url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "SURVEY_DATABASE_URL": url,
        "SURVEY_SECRET_KEY": TEST_SECRET_KEY,
        "SURVEY_SQLITE_BUSY_TIMEOUT": "1",
        "SURVEY_INSTANCE_PATH": str(tmp_path),
    }
    return subprocess.run(
        [str(SURVEY), *args], env=env, capture_output=True, text=True, timeout=120, check=False
    )


def assert_one_line_reason(done: subprocess.CompletedProcess[str], reason: str) -> None:
    assert done.returncode == EX_TEMPFAIL, done.stderr
    assert "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"Error: {reason}"), done.stderr
    assert "SELECT" not in lines[0] and "UPDATE" not in lines[0], "no SQL, no values"


@pytest.mark.skipif(on_postgres(), reason="SQLite's write lock")
def test_round_close_while_sqlite_is_locked_says_so_in_one_line(tmp_path: Path) -> None:
    url = "sqlite:///" + str(tmp_path / "cli.db")
    app = committed_app(url, tmp_path)
    round_id, _codes = seed_round(app)
    app.extensions[db.key].engine.dispose()
    locker = sqlite3.connect(str(tmp_path / "cli.db"), isolation_level=None)
    locker.execute("BEGIN IMMEDIATE")
    try:
        done = survey(tmp_path, url, "round", "close", round_id)
    finally:
        locker.execute("ROLLBACK")
        locker.close()
    assert_one_line_reason(done, "the database is busy")
    assert "nothing was changed" in done.stderr
    again = survey(tmp_path, url, "round", "close", round_id)
    assert again.returncode == 0, again.stderr


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_commands_against_an_unreachable_database_say_so_in_one_line(
    tmp_path: Path, backend: str
) -> None:
    url = {
        "sqlite": "sqlite:///" + str(tmp_path / "no-such-folder" / "x.db"),
        "postgresql": f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/survey",
    }[backend]
    for args in (("round", "close", "abcdefgh"), ("user", "list")):
        assert_one_line_reason(survey(tmp_path, url, *args), "the database is unavailable")
