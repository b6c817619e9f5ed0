"""kill -9 of gunicorn workers and master under load loses nothing acknowledged (issue 9, item 7).

A reduced run of ``bench/crash.py`` (the full run's figures are in docs/performance.md) on the
test database kind: real gunicorn, Python officers speaking the wire protocol, SIGKILL of one
worker and then of the master with all its workers mid-load. The checks are the benchmark's own
(``verify``): every 201 stored exactly once, no token spent without its answer, every retry of
an unacknowledged answer accepted, the count at close exact.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from tests.committed import fresh_database

BENCH = Path(__file__).resolve().parents[2] / "bench"
if str(BENCH) not in sys.path:
    sys.path.insert(0, str(BENCH))

import crash  # noqa: E402


@pytest.mark.slow
def test_kill_9_under_load_loses_no_acknowledged_answer(tmp_path: Path) -> None:
    lines: list[str] = []
    with fresh_database(tmp_path, "ops_crash") as url:
        result = crash.crash_run(url, tmp_path, officers=80, clients=8, kills=[30, 60, 85],
                                 say=lines.append)
    report = "\n".join([*lines, crash.describe(result)])
    assert len(lines) == 3, report  # three kills, each at its point of the load
    assert result.passed, report
    assert not result.problems and not result.retry_failures and not result.tally.refused, report
    assert result.tally.statuses["answers 201"] + len(result.tally.unacknowledged) == 80, report
