"""``survey round unseal`` and ``survey round export`` (DESIGN.md section 7).

``unseal`` reads both parts of the opening code from standard input, separated by whitespace,
so it works from a pipe without a terminal; the parts may come in either order and case, with or
without their ``-``. It reports success only once the storage has been rewritten; an unseal that
was interrupted after its commit is finished by running it again. ``rewrite-storage`` runs the
rewrite again after a failure. ``export`` writes one format to ``-o FILE``, or text formats to
stdout.
"""

from __future__ import annotations

import sys

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import select

from survey.cli.support import EX_TEMPFAIL, reports_domain_errors
from survey.exports import FORMATS, UTF8_BOM, render
from survey.extensions import db
from survey.faults import kill_point
from survey.models import Round
from survey.rounds.clock import utcnow
from survey.rounds.errors import UnknownRound
from survey.rounds.storage import (
    RewriteReport,
    StorageNotRewritten,
    rewrite_after_commit,
    rewrite_if_enabled,
)
from survey.rounds.unseal import interrupted_report, unseal_round
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


class StoragePending(click.ClickException):
    """The round's data is wiped but the storage rewrite failed: try again later."""

    exit_code = EX_TEMPFAIL


@click.command("unseal")
@click.argument("round_id")
@with_appcontext
@reports_domain_errors
def unseal_command(round_id: str) -> None:
    """Open a closed round's answers with both parts of the opening code read from stdin."""
    part_a, part_b = split_parts(sys.stdin.read())
    round_ = find_round(round_id)
    report = interrupted_report(db.session, round_)
    if report is None:
        report = unseal_round(db.session, round_, part_a, part_b, now=utcnow(), actor=None)
        db.session.commit()
    kill_point("unseal:committed")
    rewrite_or_fail(round_id, "the answers are unsealed")
    click.echo(
        f"answers {report.answers}, unreadable {report.unreadable}, unknown-section texts "
        f"{report.unknown_section_texts}, items {report.items}, themes {report.themes}"
    )


@click.command("rewrite-storage")
@click.argument("round_id")
@with_appcontext
@reports_domain_errors
def rewrite_storage_command(round_id: str) -> None:
    """Rewrite the database storage after an unseal or discard whose rewrite failed."""
    find_round(round_id)
    timeout = float(current_app.config["STORAGE_REWRITE_TIMEOUT"])
    try:
        report = rewrite_after_commit(db.session, db.engine, timeout=timeout)
    except StorageNotRewritten as error:
        raise StoragePending(f"storage not rewritten: {error}") from None
    print_notes(report)
    click.echo("storage rewritten")


def rewrite_or_fail(round_id: str, done: str) -> None:
    """After the commit: rewrite the storage, or exit 75 saying what was done and what to run."""
    try:
        report = rewrite_if_enabled(db.session, db.engine, current_app.config)
    except StorageNotRewritten as error:
        raise StoragePending(
            f"{done}, but the storage was not rewritten ({error}); traces of the sealed answers"
            f" may remain until `survey round rewrite-storage {round_id}` succeeds"
        ) from None
    if report is not None:
        print_notes(report)


def print_notes(report: RewriteReport) -> None:
    for note in report.notes:
        click.echo(
            f"note: {note}; old write-ahead log files remain until the next checkpoint", err=True
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
