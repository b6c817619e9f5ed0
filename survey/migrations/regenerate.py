"""Regenerate the initial migration from the models (development only, before the first release).

Usage: ``python -m survey.migrations.regenerate``. Once a release exists, add new revisions instead.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from alembic import command

from survey.extensions import make_engine
from survey.migrations import HERE, alembic_config

INITIAL = "0001"


def main() -> None:
    for old in (HERE / "versions").glob(f"*_{INITIAL}_*.py"):
        old.unlink()
    with tempfile.TemporaryDirectory() as tmp:
        engine = make_engine("sqlite:///" + str(Path(tmp) / "empty.db"), {})
        config = alembic_config()
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.revision(config, message="initial schema", autogenerate=True, rev_id=INITIAL)
        engine.dispose()


if __name__ == "__main__":
    main()
