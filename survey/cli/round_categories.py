"""``survey round categories``: the round's categories, the summary's first level.

The same service as the secretary's pages (survey/rounds/categories.py): a preset, the branch's
own lines ``名称：词 词 词`` from a file (``-`` for standard input), or none. Until unseal; a
change after the draft is logged. Without an option it prints the categories as they are.
"""

from __future__ import annotations

from typing import TextIO

import click
from flask.cli import with_appcontext

from survey.analysis.presets import PRESETS
from survey.cli.round_summary import find_round
from survey.cli.support import reports_domain_errors
from survey.extensions import db
from survey.rounds import categories
from survey.rounds.clock import utcnow


@click.command("categories")
@click.argument("round_id")
@click.option("--preset", type=click.Choice(sorted(PRESETS)), help="One of the preset sets.")
@click.option("--file", "lines", type=click.File(encoding="utf-8"), help="Our own lines.")
@click.option("--none", "clear", is_flag=True, help="No categories: themes only.")
@with_appcontext
@reports_domain_errors
def categories_command(
    round_id: str, preset: str | None, lines: TextIO | None, clear: bool
) -> None:
    """Set a round's categories (or show them): one line per category, 名称：词 词."""
    if sum((preset is not None, lines is not None, clear)) > 1:
        raise click.ClickException("give at most one of --preset, --file and --none")
    round_ = find_round(round_id)
    choice = None
    if preset is not None:
        choice = categories.CategoryChoice(preset)
    elif lines is not None:
        choice = categories.CategoryChoice("custom", lines.read())
    elif clear:
        choice = categories.CategoryChoice("none")
    if choice is not None:
        categories.set_categories(db.session, round_, choice, actor=None, now=utcnow())
        db.session.commit()
    shown = categories.as_lines(categories.round_categories(round_))
    click.echo(shown or "no categories")
