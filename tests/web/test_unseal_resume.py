"""An unseal killed at any point either did nothing or finishes on retry, storage rewrite
included (issue 9, item 6).

Each test runs the installed ``survey round unseal`` in a process of its own, as an operator
would, and has it SIGKILL itself at one point (``SURVEY_TEST_KILL_AT``, survey/faults.py): in
the middle of the unseal transaction, just before its commit, just after it, in the middle of
the storage rewrite, and after the rewrite but before the round's flag is cleared. Then the same
command runs again without the kill. Afterwards the round must be exactly as if nothing had
happened: every answer read once, the storage rewritten, no sealed bytes left in the files.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select

from survey.faults import ENVIRONMENT_VARIABLE
from survey.models import OpinionItem, Round, SealedAnswer
from tests.conftest import TEST_SECRET_KEY, on_postgres
from tests.storage_support import (
    PATIENT,
    Collected,
    Committed,
    assert_no_sealed_data,
    assert_wal_empty,
    collect,
    marker,
    round_state,
    wrapped_key_fragment,
)

SURVEY = Path(sys.executable).with_name("survey")
ANSWERS = 6
# Points before the unseal's commit: the kill undoes everything.
BEFORE_COMMIT = ["unseal:items-written", "unseal:before-commit"]
# Points after it: the round is unsealed, its storage rewrite pending.
AFTER_COMMIT = [
    "unseal:committed",
    "rewrite:clustered-one" if on_postgres() else "rewrite:vacuumed",
    "rewrite:before-flags",
]


def unseal(
    committed: Committed, collected: Collected, kill_at: str | None
) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "SURVEY_DATABASE_URL": committed.url,
        "SURVEY_SECRET_KEY": TEST_SECRET_KEY,
        "SURVEY_INSTANCE_PATH": str(committed.instance),
        "SURVEY_STORAGE_REWRITE_TIMEOUT": str(PATIENT),
    }
    env.pop(ENVIRONMENT_VARIABLE, None)
    if kill_at:
        env[ENVIRONMENT_VARIABLE] = kill_at
    return subprocess.run(
        [str(SURVEY), "round", "unseal", collected.round_id],
        input=" ".join(collected.parts),
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def counts(committed: Committed, round_id: str) -> tuple[int, int]:
    """(sealed rows, opinion items) of the round."""
    with committed.engine.connect() as connection:
        round_pk = connection.scalar(select(Round.id).where(Round.public_id == round_id))
        sealed = connection.scalar(
            select(func.count()).select_from(SealedAnswer).where(SealedAnswer.round_id == round_pk)
        )
        items = connection.scalar(
            select(func.count()).select_from(OpinionItem).where(OpinionItem.round_id == round_pk)
        )
    return int(sealed or 0), int(items or 0)


def assert_finished(committed: Committed, collected: Collected, key_fragment: bytes) -> None:
    done = unseal(committed, collected, None)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"answers {ANSWERS}, unreadable 0,"), done.stdout
    assert f"items {ANSWERS}," in done.stdout
    assert round_state(committed, collected.round_id) == ("summarising", False)
    assert counts(committed, collected.round_id) == (0, ANSWERS)
    storage = committed.read_storage()
    assert_no_sealed_data(storage, collected.sealed, key_fragment)
    assert all(storage.count(marker(i)) == 1 for i in range(ANSWERS))
    assert_wal_empty(committed)


@pytest.mark.slow
@pytest.mark.parametrize("point", BEFORE_COMMIT)
def test_killed_before_its_commit_the_unseal_did_nothing(committed: Committed, point: str) -> None:
    collected = collect(committed, ANSWERS)
    key_fragment = wrapped_key_fragment(committed, collected.round_id)
    killed = unseal(committed, collected, point)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    assert round_state(committed, collected.round_id) == ("closed", False)
    assert counts(committed, collected.round_id) == (ANSWERS, 0)
    assert_finished(committed, collected, key_fragment)


@pytest.mark.slow
@pytest.mark.parametrize("point", AFTER_COMMIT)
def test_killed_after_its_commit_the_unseal_finishes_on_retry(
    committed: Committed, point: str
) -> None:
    collected = collect(committed, ANSWERS)
    key_fragment = wrapped_key_fragment(committed, collected.round_id)
    killed = unseal(committed, collected, point)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    assert killed.stdout == "", "no success reported before the rewrite finished"
    assert round_state(committed, collected.round_id) == ("summarising", True)
    assert counts(committed, collected.round_id) == (0, ANSWERS)
    assert_finished(committed, collected, key_fragment)
