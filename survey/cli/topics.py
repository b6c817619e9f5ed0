"""``survey topics …``: the meeting-topics loop without a browser (DESIGN.md section 7).

A consultation is run with the ``round`` commands given its id (invitations, close, unseal).
"""

from __future__ import annotations

import json
from typing import Any

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import select

from survey.cli.round_summary import find_round
from survey.cli.rounds import _deadline
from survey.cli.support import reports_domain_errors
from survey.config import secret_key_bytes
from survey.extensions import db
from survey.models import FINAL_MODES, Branch, Round, User
from survey.models.topics import DISPOSITION_KINDS
from survey.rounds import opening
from survey.rounds.clock import utcnow
from survey.topics import drafting, finalising, publishing, review, superior
from survey.topics.exports import FORMATS, render
from survey.topics.record import build_record


@click.group("topics")
def topics_group() -> None:
    """Draft, publish, dispose, finalise and export a round's meeting topics."""


def _answer_round(round_id: str) -> Round:
    round_ = find_round(round_id)
    if round_.kind != "answers":
        raise click.ClickException("give the answer round's id, not a consultation's")
    return round_


def _spec(entry: Any, index: int) -> drafting.TopicSpec:
    """One entry of the topics file, checked for shape (the service checks the rest)."""
    if not isinstance(entry, dict):
        raise click.ClickException(f"topic {index + 1}: expected an object")
    texts = {k: entry.get(k, "") for k in ("title", "problem", "outcome")}
    lists = {k: entry.get(k, []) for k in ("themes", "items")}
    optional = {k: entry.get(k) for k in ("id", "owner")}
    unknown = set(entry) - {*texts, *lists, *optional}
    if unknown:
        raise click.ClickException(f"topic {index + 1}: unknown field {sorted(unknown)[0]!r}")
    if not all(isinstance(v, str) for v in texts.values()):
        raise click.ClickException(f"topic {index + 1}: title, problem, outcome must be strings")
    if not all(isinstance(v, list) and all(isinstance(x, str) for x in v) for v in lists.values()):
        raise click.ClickException(f"topic {index + 1}: themes and items must be lists of ids")
    if not all(v is None or isinstance(v, str) for v in optional.values()):
        raise click.ClickException(f"topic {index + 1}: id and owner must be strings")
    return drafting.TopicSpec(
        title=texts["title"],
        problem=texts["problem"],
        outcome=texts["outcome"],
        key=optional["id"],
        themes=lists["themes"],
        items=lists["items"],
        owner=optional["owner"],
    )


@topics_group.command("set")
@click.argument("round_id")
@click.argument("file", type=click.File("r", encoding="utf-8"))
@with_appcontext
@reports_domain_errors
def set_command(round_id: str, file: Any) -> None:
    """Replace the draft of the next version from a JSON list; prints the topic ids."""
    try:
        entries = json.load(file)
    except ValueError as error:
        raise click.ClickException(f"{file.name}: not JSON ({error})") from None
    if not isinstance(entries, list):
        raise click.ClickException(f"{file.name}: expected a JSON list of topics")
    specs = [_spec(entry, i) for i, entry in enumerate(entries)]
    round_ = _answer_round(round_id)
    draft = drafting.set_topics(db.session, round_, specs, None, now=utcnow())
    db.session.commit()
    click.echo(f"draft of version {draft.number}: {len(draft.topics)} topics", err=True)
    for topic in draft.topics:
        click.echo(topic.key)


@topics_group.command("publish")
@click.argument("round_id")
@click.option("--deadline", help="ISO 8601; without an offset it is in the configured time zone.")
@with_appcontext
@reports_domain_errors
def publish_command(round_id: str, deadline: str | None) -> None:
    """Freeze the draft as version v and open its consultation with the round's custodians.

    Prints the two opening-code parts on the first line and the consultation id on the last.
    """
    round_ = _answer_round(round_id)
    now = utcnow()
    consultation = publishing.publish_version(
        db.session, round_, None, deadline=_deadline(deadline), now=now
    )
    part1, part2 = opening.open_round_at_once(
        db.session, consultation, secret_key_bytes(current_app), now=now
    )
    db.session.commit()
    click.echo(f"{part1} {part2}")
    click.echo(f"version {consultation.version}, fingerprint {consultation.fingerprint}")
    click.echo(consultation.public_id)


@topics_group.command("dispose")
@click.argument("round_id")
@click.argument("objection_id")
@click.option("--kind", type=click.Choice(DISPOSITION_KINDS), required=True)
@click.option("--text", required=True, help="What was done: the change, or the explanation.")
@with_appcontext
@reports_domain_errors
def dispose_command(round_id: str, objection_id: str, kind: str, text: str) -> None:
    """Record the disposition of one objection."""
    round_ = _answer_round(round_id)
    review.dispose_objection(db.session, round_, objection_id, kind, text, None, now=utcnow())
    db.session.commit()
    click.echo(f"{objection_id} {kind}")


@topics_group.command("finalise")
@click.argument("round_id")
@click.option("--explained", is_flag=True, help="Accept objections answered by an explanation.")
@with_appcontext
@reports_domain_errors
def finalise_command(round_id: str, explained: bool) -> None:
    """Fix the latest version; refused with a one-line reason when it may not be fixed yet."""
    round_ = _answer_round(round_id)
    version = finalising.finalise_topics(
        db.session, round_, None, explained=explained, now=utcnow()
    )
    db.session.commit()
    click.echo(f"version {version.number} final ({version.final_mode})")


@topics_group.command("export")
@click.argument("round_id")
@click.option("--format", "fmt", type=click.Choice(sorted(FORMATS)), required=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True))
@with_appcontext
@reports_domain_errors
def export_command(round_id: str, fmt: str, output: str | None) -> None:
    """Export every published version with its consultation record."""
    if fmt == "docx" and not output:
        raise click.ClickException("--format docx needs -o FILE")
    data = render(build_record(db.session, _answer_round(round_id)), fmt)
    if output:
        with open(output, "wb") as handle:
            handle.write(data)
        click.echo(f"wrote {output}", err=True)
        return
    click.echo(data.decode("utf-8"), nl=False)


@topics_group.command("report")
@click.argument("round_id")
@with_appcontext
@reports_domain_errors
def report_command(round_id: str) -> None:
    """Report the latest version and its record to the superior Party organisation."""
    version = superior.report_topics(db.session, _answer_round(round_id), None, now=utcnow())
    db.session.commit()
    click.echo(f"version {version.number} reported")


def _branch(slug: str) -> Branch:
    branch = db.session.scalar(select(Branch).where(Branch.slug == slug))
    if branch is None:
        raise click.ClickException(f"no branch {slug!r}")
    return branch


@topics_group.command("rules")
@click.argument("branch_slug")
@click.option("--reported/--not-reported", default=None, help="Report topics to the superior.")
@click.option("--final-mode", type=click.Choice(FINAL_MODES), help="strict or explained.")
@with_appcontext
@reports_domain_errors
def rules_command(branch_slug: str, reported: bool | None, final_mode: str | None) -> None:
    """Set a branch's topic rules; prints them."""
    branch = superior.set_topic_rules(
        db.session, _branch(branch_slug), reported=reported, final_mode=final_mode
    )
    db.session.commit()
    click.echo(f"reported={branch.topics_reported} final_mode={branch.topics_final_mode}")


@topics_group.command("supervise")
@click.argument("username")
@click.argument("branch_slugs", nargs=-1, required=True)
@with_appcontext
@reports_domain_errors
def supervise_command(username: str, branch_slugs: tuple[str, ...]) -> None:
    """Bind a superior account to the branches it supervises (replaces the list)."""
    user = db.session.scalar(select(User).where(User.username == username.strip().lower()))
    if user is None:
        raise click.ClickException(f"no user {username!r}")
    superior.set_supervised(db.session, user, [_branch(s) for s in branch_slugs])
    db.session.commit()
    click.echo(" ".join(sorted(b.slug for b in user.supervised)))
