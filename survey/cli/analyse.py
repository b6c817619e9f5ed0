"""``survey analyse FILE [--themes N]``: group opinions from a file, no database needed.

Input is one opinion per line, or JSON Lines with a ``text`` field (detected
from the first non-blank line); ``-`` reads standard input. Output is JSON
Lines ``{"text", "theme", "label"}`` in input order, the text normalised as
everywhere else (DESIGN §3). Messages go to stderr; bad input exits 1 with a
one-line reason.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from survey.analysis import group_opinions, normalise

__all__ = ["analyse_command", "read_opinions"]


def _read_text(source: str) -> str:
    try:
        if source == "-":
            return sys.stdin.buffer.read().decode("utf-8-sig")
        return Path(source).read_bytes().decode("utf-8-sig")
    except FileNotFoundError:
        raise click.ClickException(f"{source}: no such file") from None
    except IsADirectoryError:
        raise click.ClickException(f"{source}: is a directory") from None
    except PermissionError:
        raise click.ClickException(f"{source}: permission denied") from None
    except UnicodeDecodeError:
        raise click.ClickException(f"{source}: not UTF-8 text") from None


def _json_object(line: str) -> dict[str, object] | None:
    try:
        record = json.loads(line)
    except ValueError:
        return None
    return record if isinstance(record, dict) else None


def read_opinions(content: str) -> list[str]:
    """Opinions from file content: JSON Lines with ``text``, or one per line.

    The form is JSON Lines when the first non-blank line is a JSON object;
    then every non-blank line must be an object with a string ``text``.
    Blank lines are skipped in both forms.
    """
    lines = [(number, line) for number, line in enumerate(content.splitlines(), 1) if line.strip()]
    if not lines or _json_object(lines[0][1]) is None:
        return [line.strip() for _, line in lines]
    opinions = []
    for number, line in lines:
        record = _json_object(line)
        text = record.get("text") if record is not None else None
        if not isinstance(text, str):
            raise click.ClickException(f'line {number}: not a JSON object with a string "text"')
        opinions.append(text)
    return opinions


def _themes(value: str | None) -> int | None:
    if value is None:
        return None
    try:
        count = int(value)
    except ValueError:
        raise click.ClickException(f"--themes must be a whole number, not {value!r}") from None
    if count < 1:
        raise click.ClickException("--themes must be at least 1")
    return count


@click.command(name="analyse")
@click.argument("file", metavar="FILE")
@click.option("--themes", "themes", metavar="N", help="Number of themes (default: chosen).")
def analyse_command(file: str, themes: str | None) -> None:
    """Group the opinions in FILE into themes; JSON Lines on stdout.

    FILE holds one opinion per line, or JSON Lines with a "text" field; "-"
    reads standard input. Each output line is {"text", "theme", "label"}, in
    input order, with the text normalised.
    """
    count = _themes(themes)
    opinions = read_opinions(_read_text(file))
    if not opinions:
        raise click.ClickException(f"{file}: no opinions in the input")
    grouping = group_opinions(opinions, count)
    labels = [theme.label for theme in grouping.themes]
    for text, theme in zip(opinions, grouping.assignments, strict=True):
        record = {"text": normalise(text), "theme": theme, "label": labels[theme]}
        click.echo(json.dumps(record, ensure_ascii=False))
    click.echo(f"{len(opinions)} opinions, {len(labels)} themes", err=True)
