"""``survey round unseal`` and ``survey round export`` (DESIGN.md section 7).

``unseal`` reads both parts of the opening code from standard input, separated by whitespace,
so it works from a pipe without a terminal; the parts may come in either order and case, with or
without their ``-``. ``export`` writes one format to ``-o FILE``, or text formats to stdout.
"""

from __future__ import annotations

import sys

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import select

from survey.cli.support import reports_domain_errors
from survey.exports import FORMATS, UTF8_BOM, render
from survey.extensions import db
from survey.models import Round
from survey.rounds.clock import utcnow
from survey.rounds.errors import UnknownRound
from survey.rounds.storage import StorageNotRewritten, rewrite_storage
from survey.rounds.unseal import unseal_round
from survey.summary.query import build_summary

PART_CHARACTERS = 16


def find_round(round_id: str) -> Round:
    round_ = db.session.scalar(select(Round).where(Round.public_id == round_id.strip()))
    if round_ is None:
        raise UnknownRound()
    return round_


def split_parts(text: str) -> tuple[str, str]:
    """Two parts from standard input: two words, or 32 characters typed with group spaces."""
    words = text.split()
    if len(words) == 2:
        return words[0], words[1]
    compact = "".join(words).replace("-", "")
    if len(compact) == 2 * PART_CHARACTERS:
        return compact[:PART_CHARACTERS], compact[PART_CHARACTERS:]
    raise click.ClickException(
        "expected the two parts of the opening code on standard input, separated by whitespace"
    )


@click.command("unseal")
@click.argument("round_id")
@with_appcontext
@reports_domain_errors
def unseal_command(round_id: str) -> None:
    """Open a closed round's answers with both parts of the opening code read from stdin."""
    part_a, part_b = split_parts(sys.stdin.read())
    round_ = find_round(round_id)
    report = unseal_round(db.session, round_, part_a, part_b, now=utcnow(), actor=None)
    db.session.commit()
    if current_app.config["REWRITE_STORAGE_AFTER_UNSEAL"]:
        try:
            rewrite_storage(db.engine)
        except StorageNotRewritten as error:
            click.echo(f"warning: storage not rewritten ({error}); run VACUUM", err=True)
    click.echo(
        f"answers {report.answers}, unreadable {report.unreadable}, unknown-section texts "
        f"{report.unknown_section_texts}, items {report.items}, themes {report.themes}"
    )


@click.command("export")
@click.argument("round_id")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(sorted(FORMATS)),
    required=True,
    help="json, csv, md or docx.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, writable=True),
    help="Write to this file (required for docx); text formats go to stdout without it.",
)
@with_appcontext
@reports_domain_errors
def export_command(round_id: str, fmt: str, output: str | None) -> None:
    """Export an unsealed round's summary: sections, themes and items."""
    if FORMATS[fmt].binary and not output:
        raise click.ClickException(f"--format {fmt} needs -o FILE")
    round_ = find_round(round_id)
    if round_.state not in ("summarising", "consulting", "final"):
        raise click.ClickException("this round has not been unsealed yet")
    summary = build_summary(db.session, round_)
    if output:
        # A file is likely opened in Excel: CSV gets a byte-order mark, as on the download.
        with open(output, "wb") as handle:
            handle.write(render(summary, fmt, bom=True))
        click.echo(f"wrote {output}", err=True)
        return
    text = render(summary, fmt).decode("utf-8")
    click.echo(text.removeprefix(UTF8_BOM), nl=False)
