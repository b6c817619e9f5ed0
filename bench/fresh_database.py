"""A new, empty database for one benchmark run, under a name no other run uses.

SQLite: a file in the run's temporary folder. PostgreSQL: ``survey_<label>_<random>`` on
``postgres@127.0.0.1:5432``, dropped afterwards, so benchmarks run side by side (by several
people on one machine) never drop each other's database.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, text

POSTGRES_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432"


@contextmanager
def fresh_database(kind: str, tmp: Path, label: str) -> Iterator[str]:
    if kind == "sqlite":
        yield f"sqlite:///{tmp / 'survey.db'}"
        return
    name = f"survey_{label}_{secrets.token_hex(4)}"
    admin = create_engine(f"{POSTGRES_SERVER}/postgres", isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        yield f"{POSTGRES_SERVER}/{name}"
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
