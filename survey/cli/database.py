"""``survey init-db``: create or upgrade the schema."""

from __future__ import annotations

import os

import click
from flask import current_app
from flask.cli import with_appcontext

from survey import migrations
from survey.extensions import db


@click.command("init-db")
@with_appcontext
def init_db_command() -> None:
    """Create the database schema, or upgrade it; running it again changes nothing."""
    os.makedirs(current_app.instance_path, exist_ok=True)
    migrations.upgrade(db.engine)
    revision = migrations.current_revision(db.engine)
    click.echo(f"database ready (revision {revision})", err=True)
