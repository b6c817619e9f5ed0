"""``survey backup PATH``: a consistent copy of the SQLite database, taken while serving.

Why a command and not ``cp``: a SQLite database in WAL mode lives in three files that change
while the site serves; copying them one by one can give a copy that mixes two moments, or misses
committed answers still in the write-ahead log. SQLite's online backup API copies one consistent
snapshot, and in WAL mode readers never block writers, so the site keeps accepting answers.

The copy is a single self-contained file (rollback-journal mode), checked with ``PRAGMA
integrity_check``, written under a temporary name and moved into place only when complete, and
readable by its owner only: it holds wrapped keys and hashed invitation codes. To restore, stop
the app, put the file in place of ``survey.db`` (removing any ``survey.db-wal`` and
``survey.db-shm``), and start again (docs/deploy.md).

PostgreSQL is refused with a pointer to ``pg_dump``, which does the same job there.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

import click
from flask.cli import with_appcontext
from sqlalchemy.engine import make_url

from survey.cli.support import DatabaseUnavailable
from survey.extensions import db

PAGES_PER_STEP = -1  # the whole snapshot in one step: WAL readers do not block writers


@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def backup_command(path: Path) -> None:
    """Copy the SQLite database to PATH while the site keeps serving (PostgreSQL: pg_dump)."""
    url = db.engine.url
    if url.get_backend_name() != "sqlite":
        raise click.ClickException(
            "the database is PostgreSQL: back it up with pg_dump, for example "
            f"`pg_dump -Fc -f {path} {make_url(url).database}` (see docs/deploy.md); "
            "survey backup copies SQLite databases only"
        )
    source = url.database
    if not source or source == ":memory:":
        raise click.ClickException("the database is in memory: there is nothing to back up")
    if path.exists():
        raise click.ClickException(f"{path} exists already; give a new file name")
    if not path.parent.is_dir():
        raise click.ClickException(f"{path.parent} is not a directory")
    try:
        copy = copy_sqlite(Path(source), path)
    except sqlite3.Error as error:
        raise DatabaseUnavailable(
            f"the database could not be copied ({error}); nothing was written, try again"
        ) from None
    click.echo(str(path))
    click.echo(f"backup written: {copy.size} bytes, schema revision {copy.revision}", err=True)
    if copy.collecting:
        click.echo(
            f"note: {copy.collecting} round(s) are collecting; this copy holds their sealed "
            "answers as of now. Keep it as safe as the live database, and prefer backups taken "
            "after unseal (docs/threat-model.md).",
            err=True,
        )


@dataclass(frozen=True)
class Copy:
    """What the copy holds, read from the copy itself."""

    size: int
    revision: str | None
    collecting: int


def copy_sqlite(source: Path, target: Path) -> Copy:
    """A consistent, checked copy of ``source`` at ``target``.

    Plain ``sqlite3`` connections, not the app's engine: the engine begins every transaction
    with ``BEGIN IMMEDIATE`` (the write lock), which a backup has no need to wait for.
    """
    partial = target.with_name(f".{target.name}.partial")
    with contextlib.suppress(FileNotFoundError):
        partial.unlink()
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    os.close(fd)
    try:
        src = sqlite3.connect(source, timeout=30)  # reads only
        dst = sqlite3.connect(partial)
        try:
            src.backup(dst, pages=PAGES_PER_STEP)
            dst.execute("PRAGMA journal_mode=DELETE")
            check = dst.execute("PRAGMA integrity_check").fetchone()[0]
            revision = dst.execute("SELECT version_num FROM alembic_version").fetchone()
            collecting = dst.execute(
                "SELECT count(*) FROM rounds WHERE state = 'collecting'"
            ).fetchone()[0]
        finally:
            dst.close()
            src.close()
        if check != "ok":
            raise click.ClickException(f"the copy failed its integrity check ({check})")
        os.replace(partial, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            partial.unlink()
        raise
    return Copy(target.stat().st_size, revision[0] if revision else None, int(collecting))
