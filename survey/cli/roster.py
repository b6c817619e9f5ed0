"""``survey roster import`` and ``export``: the secretary's roster (.xlsx or CSV) from a shell.

The same checks as the web import: any row error means nothing is imported.
"""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext

from survey.auth.services import get_branch
from survey.cli.support import reports_domain_errors
from survey.extensions import db
from survey.roster import services


@click.group("roster")
def roster_group() -> None:
    """A branch's roster: import or export CSV."""


def _read_file(path: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as error:
        raise click.ClickException(f"cannot read {path}: {error.strerror or error}") from None


@roster_group.command("import")
@click.argument("branch_slug")
@click.argument("path", metavar="FILE.csv")
@with_appcontext
@reports_domain_errors
def import_command(branch_slug: str, path: str) -> None:
    """Add the members in FILE.csv (name,category,post[,note]; UTF-8 or GBK) to a branch."""
    branch = get_branch(db.session, branch_slug)
    preview = services.preview_import(db.session, branch, _read_file(path))
    for problem in preview.problems:
        click.echo(f"{path}: {problem}", err=True)
    for row in preview.rows:
        for message in row.errors:
            click.echo(f"{path}:{row.line}: error: {message}", err=True)
        for message in row.warnings:
            click.echo(f"{path}:{row.line}: warning: {message}", err=True)
    if not preview.ok:
        bad = len(preview.error_rows)
        reason = f"{bad} row(s) with errors" if bad else "the file cannot be read as a roster"
        raise click.ClickException(f"nothing imported: {reason}")
    added = services.import_members(db.session, branch, preview)
    db.session.commit()
    on_committee = sum(1 for member in added if member.on_committee)
    click.echo(
        f"imported {len(added)} members into {branch.slug} ({on_committee} on the committee, "
        f"{preview.warning_count} warnings)"
    )


@roster_group.command("export")
@click.argument("branch_slug")
@with_appcontext
@reports_domain_errors
def export_command(branch_slug: str) -> None:
    """Write the active members as CSV (UTF-8 with BOM, as Excel wants) to standard output."""
    branch = get_branch(db.session, branch_slug)
    click.echo(services.export_roster(db.session, branch), nl=False)
