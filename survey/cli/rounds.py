"""``survey round …``: the operator's path through a round, calling the same services as the web."""

from __future__ import annotations

from datetime import datetime

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import select

from survey.cli.round_categories import categories_command
from survey.cli.round_summary import (
    export_command,
    rewrite_or_fail,
    rewrite_storage_command,
    unseal_command,
)
from survey.cli.support import reports_domain_errors
from survey.config import secret_key_bytes
from survey.extensions import db
from survey.links import public_url
from survey.models import Branch, Member, Round, User
from survey.rounds import drafts, invitations, lifecycle, opening, showing
from survey.rounds.clock import parse_deadline, utcnow
from survey.rounds.errors import InvalidRoundSettings, UnknownRound


@click.group("round")
def round_group() -> None:
    """Create, open, list invitations of, close and export rounds."""


def load_round(round_id: str) -> Round:
    round_ = db.session.scalar(select(Round).where(Round.public_id == round_id))
    if round_ is None:
        raise UnknownRound(f"no round {round_id!r}")
    lifecycle.close_if_due(db.session, round_, now=utcnow())
    return round_


def _deadline(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        return parse_deadline(text, current_app.config["TIMEZONE"])
    except ValueError as error:
        raise click.ClickException(f"--deadline: {error}") from None


def _branch_user(
    branch: Branch, username: str | None, role: str, exclude: User | None = None
) -> User:
    """The named user, or the branch's first active user with ``role``."""
    query = select(User).where(User.branch_id == branch.id, User.active.is_(True)).order_by(User.id)
    users = [u for u in db.session.scalars(query) if u.has_role(role) and u is not exclude]
    if username:
        users = [u for u in users if u.username == username]
    if not users:
        wanted = f"{role} account {username!r}" if username else f"an active {role} account"
        raise InvalidRoundSettings(f"branch {branch.slug!r} has no {wanted}")
    return users[0]


@round_group.command("create")
@click.argument("branch_slug")
@click.option("--title", required=True)
@click.option("--intro", default="")
@click.option("--deadline", help="ISO 8601; without an offset it is in the configured time zone.")
@click.option("--min-answers", type=click.IntRange(min=1), default=5, show_default=True)
@click.option("--by", "secretary_name", help="Secretary username (custodian 1).")
@click.option("--custodian2", "custodian2_name", help="Committee username of the second custodian.")
@with_appcontext
@reports_domain_errors
def create_command(
    branch_slug: str,
    title: str,
    intro: str,
    deadline: str | None,
    min_answers: int,
    secretary_name: str | None,
    custodian2_name: str | None,
) -> None:
    """Create a draft round; prints the new round id alone on the last line."""
    branch = db.session.scalar(select(Branch).where(Branch.slug == branch_slug))
    if branch is None:
        raise click.ClickException(f"no branch {branch_slug!r}")
    secretary = _branch_user(branch, secretary_name, "secretary")
    second = _branch_user(branch, custodian2_name, "committee", exclude=secretary)
    settings = drafts.DraftSettings(
        title=title,
        intro=intro,
        deadline=_deadline(deadline),
        min_answers=min_answers,
        custodian2=second,
    )
    round_ = drafts.create_round(db.session, branch, secretary, settings, now=utcnow())
    db.session.commit()
    click.echo(
        f"draft with {len(round_.invitations)} participants, {len(round_.sections)} sections",
        err=True,
    )
    click.echo(round_.public_id)


@round_group.command("open")
@click.argument("round_id")
@with_appcontext
@reports_domain_errors
def open_command(round_id: str) -> None:
    """Open a draft (both custodian steps); prints the two code parts on the first line."""
    round_ = load_round(round_id)
    part1, part2 = opening.open_round_at_once(
        db.session, round_, secret_key_bytes(current_app), now=utcnow()
    )
    db.session.commit()
    click.echo(f"{part1} {part2}")
    click.echo(f"fingerprint {round_.fingerprint}")
    click.echo(
        "Give part 1 to the first custodian and part 2 to the second; neither is kept."
        " A lost part means the answers can never be read.",
        err=True,
    )


@round_group.command("invitations")
@click.argument("round_id")
@click.option("--format", "fmt", type=click.Choice(["csv"]), default="csv", show_default=True)
@click.option(
    "--only-new",
    is_flag=True,
    help="Only the invitations whose code was never shown (nothing is counted as shown again).",
)
@with_appcontext
@reports_domain_errors
def invitations_command(round_id: str, fmt: str, only_new: bool) -> None:
    """Print ``name,link,code`` for every participant (no byte-order mark).

    The first showing of a code hands it out; every later one is written to the round's log and
    counted for the committee next to the reissues.
    """
    round_ = load_round(round_id)
    if round_.fingerprint is None or round_.state in ("draft", "opening"):
        raise click.ClickException("the round is not open yet: invitations exist once it opens")
    shown = _show(round_, showing.NEW if only_new else showing.ALL)
    click.echo(showing.invitations_csv(round_, shown, public_url()), nl=False)


def _show(round_: Round, which: str) -> list[showing.ShownCode]:
    """Show codes on the command line: counted like any other showing, committed first."""
    shown = showing.show_codes(
        db.session,
        round_,
        which,
        channel="cli",
        actor=None,
        secret=secret_key_bytes(current_app),
        now=utcnow(),
    )
    db.session.commit()
    again = sum(1 for s in shown if s.again)
    click.echo(
        f"{len(shown) - again} codes handed out, {again} shown again"
        + (" (written to the round's log and counted for the committee)" if again else ""),
        err=True,
    )
    return shown


@round_group.command("close")
@click.argument("round_id")
@with_appcontext
@reports_domain_errors
def close_command(round_id: str) -> None:
    """Close a collecting round: destroy its token key; print the counts."""
    round_ = load_round(round_id)
    lifecycle.close_round(db.session, round_, None, now=utcnow())
    db.session.commit()
    click.echo(
        f"invitations used {invitations.used_count(round_)}, answers {round_.answers_at_close}"
    )


@round_group.command("extend")
@click.argument("round_id")
@click.option("--deadline", help="New deadline (ISO 8601).")
@click.option("--no-deadline", is_flag=True, help="Stay open until closed by hand.")
@with_appcontext
@reports_domain_errors
def extend_command(round_id: str, deadline: str | None, no_deadline: bool) -> None:
    """Move the deadline later, or remove it; logged."""
    if bool(deadline) == no_deadline:
        raise click.ClickException("give either --deadline or --no-deadline")
    round_ = load_round(round_id)
    lifecycle.extend_deadline(db.session, round_, None, _deadline(deadline), now=utcnow())
    db.session.commit()
    click.echo(round_.deadline.isoformat() + "Z" if round_.deadline else "no deadline")


def _member(round_: Round, name: str) -> Member:
    """A member of the round's branch by public id, or by name when the name is unique."""
    query = select(Member).where(Member.branch_id == round_.branch_id, Member.active.is_(True))
    members = list(db.session.scalars(query))
    found = [m for m in members if m.public_id == name] or [m for m in members if m.name == name]
    if not found:
        raise click.ClickException(f"no active member {name!r} in this branch")
    if len(found) > 1:
        raise click.ClickException(f"{len(found)} members are called {name!r}: give the member id")
    return found[0]


@round_group.command("add-participant")
@click.argument("round_id")
@click.argument("member")
@with_appcontext
@reports_domain_errors
def add_participant_command(round_id: str, member: str) -> None:
    """Add a late participant while collecting; prints ``name,link,code``."""
    round_ = load_round(round_id)
    invitation = invitations.add_participant(
        db.session,
        round_,
        _member(round_, member),
        None,
        secret_key_bytes(current_app),
        now=utcnow(),
    )
    db.session.commit()
    _print_one(round_, invitation.public_id)


def _print_one(round_: Round, invitation_id: str) -> None:
    """A new invitation's ``name,link,code``: its first showing (its hand-out)."""
    (shown,) = _show(round_, invitation_id)
    link = invitations.invitation_link(public_url(), round_, shown.code)
    click.echo(f"{shown.invitation.member.name},{link},{shown.code}")


@round_group.command("reissue")
@click.argument("round_id")
@click.argument("member")
@click.option("--reason", required=True)
@with_appcontext
@reports_domain_errors
def reissue_command(round_id: str, member: str, reason: str) -> None:
    """Replace a participant's invitation; prints the new ``name,link,code``."""
    round_ = load_round(round_id)
    person = _member(round_, member)
    current = [i for i in round_.invitations if i.member_id == person.id and not i.superseded]
    if not current:
        raise click.ClickException(f"{person.name} is not a participant of this round")
    fresh = invitations.reissue_invitation(
        db.session, current[0], None, reason, secret_key_bytes(current_app), now=utcnow()
    )
    db.session.commit()
    _print_one(round_, fresh.public_id)


@round_group.command("discard")
@click.argument("round_id")
@with_appcontext
@reports_domain_errors
def discard_command(round_id: str) -> None:
    """Discard a round that closed below the minimum; its sealed answers are wiped."""
    round_ = load_round(round_id)
    if not (round_.state == "discarded" and round_.storage_rewrite_pending):
        lifecycle.discard_round(db.session, round_, None, now=utcnow())
        db.session.commit()
    rewrite_or_fail(round_id, "the round is discarded")
    click.echo("discarded")


# ``round unseal`` and ``round export`` live beside the summary they produce.
round_group.add_command(categories_command)
round_group.add_command(unseal_command)
round_group.add_command(rewrite_storage_command)
round_group.add_command(export_command)
