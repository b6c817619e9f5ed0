"""Backups that restore and read (issue 9, item 11).

SQLite: ``survey backup PATH`` while gunicorn keeps accepting answers; the copy is restored into
a fresh instance, where the round is closed and unsealed with the command line and every answer
acknowledged before the backup began is read. PostgreSQL: ``pg_dump``/``pg_restore`` into a
fresh database, then the same reading; and ``survey backup`` refuses, naming pg_dump.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from survey.config import ROOT
from tests.committed import TEST_SECRET_KEY, fresh_database, postgres_base_url
from tests.ops.live import LiveRound, Served, gunicorn, obtain_ticket, seed_round

SURVEY = Path(sys.executable).with_name("survey")


def survey(database_url: str, instance: Path, *args: str,
           stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "SURVEY_DATABASE_URL": database_url, "SURVEY_SECRET_KEY": TEST_SECRET_KEY,
           "SURVEY_INSTANCE_PATH": str(instance)}
    return subprocess.run([str(SURVEY), *args], input=stdin, capture_output=True, text=True,
                          env=env, cwd=ROOT, timeout=300, check=False)


def answer(served: Served, live: LiveRound, code: str) -> None:
    ticket = obtain_ticket(served, live, code, f"意见{code[:6]}：值班安排需要更合理。")
    status, reply = served.request("POST", f"{live.api}/answers", ticket.body())
    assert status == 201, reply


def read_round(database_url: str, instance: Path, live: LiveRound) -> int:
    """Close and unseal the round with the command line; the number of answers read."""
    closed = survey(database_url, instance, "round", "close", live.round_id)
    assert closed.returncode == 0, closed.stderr
    unsealed = survey(database_url, instance, "round", "unseal", live.round_id,
                      stdin=" ".join(live.parts))
    assert unsealed.returncode == 0, unsealed.stderr
    match = re.search(r"answers (\d+), unreadable 0", unsealed.stdout)
    assert match, unsealed.stdout
    exported = survey(database_url, instance, "round", "export", live.round_id, "--format", "md")
    assert exported.returncode == 0 and "值班安排需要更合理" in exported.stdout, exported.stderr
    return int(match.group(1))


@pytest.mark.slow
@pytest.mark.skipif(postgres_base_url() is not None, reason="survey backup copies SQLite")
def test_sqlite_backup_while_answers_arrive_restores_and_reads(tmp_path: Path) -> None:
    database = tmp_path / "live" / "survey.db"
    database.parent.mkdir()
    live = seed_round(f"sqlite:///{database}", database.parent, 40)
    target = tmp_path / "backup.db"
    with gunicorn(live) as served:
        for code in live.codes[:5]:
            answer(served, live, code)
        stop = threading.Event()
        written: list[str] = []

        def keep_answering() -> None:
            for code in live.codes[5:]:
                if stop.is_set():
                    return
                answer(served, live, code)
                written.append(code)

        writer = threading.Thread(target=keep_answering)
        writer.start()
        while len(written) < 3 and writer.is_alive():
            threading.Event().wait(0.05)
        before = 5 + len(written)
        backup = survey(live.database_url, live.instance, "backup", str(target))
        stop.set()
        writer.join(120)
    assert backup.returncode == 0, backup.stderr
    assert backup.stdout.strip() == str(target)
    assert "1 round(s) are collecting" in backup.stderr
    assert oct(target.stat().st_mode & 0o777) == "0o600"
    with sqlite3.connect(target) as copy:
        assert copy.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
        assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"

    restored = tmp_path / "restored"
    restored.mkdir()
    shutil.copy(target, restored / "survey.db")
    read = read_round(f"sqlite:///{restored / 'survey.db'}", restored, live)
    assert before <= read <= 5 + len(written), (before, read, len(written))


@pytest.mark.skipif(postgres_base_url() is not None, reason="survey backup copies SQLite")
def test_backup_refuses_an_existing_file_and_changes_nothing(tmp_path: Path) -> None:
    live = seed_round(f"sqlite:///{tmp_path / 'survey.db'}", tmp_path, 3)
    target = tmp_path / "taken.db"
    target.write_bytes(b"keep me")
    result = survey(live.database_url, tmp_path, "backup", str(target))
    assert result.returncode == 1 and "exists already" in result.stderr
    assert "Traceback" not in result.stderr
    assert target.read_bytes() == b"keep me"


@pytest.mark.slow
@pytest.mark.skipif(postgres_base_url() is None, reason="needs SURVEY_TEST_DATABASE_URL")
def test_postgres_pg_dump_restores_into_a_fresh_database_and_reads(tmp_path: Path) -> None:
    if shutil.which("pg_dump") is None or shutil.which("pg_restore") is None:
        pytest.skip("pg_dump and pg_restore are not installed")
    with fresh_database(tmp_path, "ops_dump_src") as source_url:
        live = seed_round(source_url, tmp_path, 8)
        with gunicorn(live) as served:
            for code in live.codes[:6]:
                answer(served, live, code)
        refused = survey(source_url, tmp_path, "backup", str(tmp_path / "x.db"))
        assert refused.returncode == 1 and "pg_dump" in refused.stderr, refused.stderr
        assert "Traceback" not in refused.stderr
        dump = tmp_path / "survey.dump"
        subprocess.run(["pg_dump", "-Fc", "-f", str(dump), libpq(source_url)], check=True,
                       timeout=120)
    with fresh_database(tmp_path, "ops_dump_dst") as target_url:
        subprocess.run(["pg_restore", "--no-owner", "-d", libpq(target_url), str(dump)],
                       check=True, timeout=120)
        assert read_round(target_url, tmp_path, live) == 6


def libpq(url: str) -> str:
    """The SQLAlchemy URL as a libpq connection string for pg_dump and pg_restore."""
    parsed = make_url(url)
    return (f"postgresql://{parsed.username}@{parsed.host}:{parsed.port or 5432}"
            f"/{parsed.database}")
