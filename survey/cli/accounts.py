"""``survey user …`` and ``survey branch …``: the administrator's actions for operators.

Passwords are read from standard input (one line), never from arguments, so they stay out of
shell history and process lists.
"""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from survey.auth import custody, services
from survey.cli.support import read_stdin_line, reports_domain_errors
from survey.extensions import db
from survey.models import ROLES, User
from survey.rounds.clock import utcnow


@click.group("user")
def user_group() -> None:
    """Staff accounts: create, reset a password, deactivate, list."""


@user_group.command("create")
@click.argument("username")
@click.option(
    "--role", "roles", multiple=True, required=True, type=click.Choice(ROLES),
    help="A role of the account; repeat for several.",
)
@click.option("--branch", "branch_slug", help="Short name of the branch (secretary, committee).")
@click.option("--name", "display_name", default="", help="Name shown, e.g. 王建国.")
@with_appcontext
@reports_domain_errors
def create_user_command(
    username: str, roles: tuple[str, ...], branch_slug: str | None, display_name: str
) -> None:
    """Create an account; its password is read from standard input."""
    branch = services.get_branch(db.session, branch_slug) if branch_slug else None
    password = read_stdin_line("a password")
    user = services.create_user(
        db.session, username, password, roles, branch=branch, display_name=display_name
    )
    db.session.commit()
    where = f" in branch {branch.slug}" if branch else ""
    click.echo(f"created user {user.username} ({', '.join(sorted(user.roles))}){where}")


@user_group.command("reset-password")
@click.argument("username")
@with_appcontext
@reports_domain_errors
def reset_password_command(username: str) -> None:
    """Set a new password, read from standard input; the user's sessions end."""
    user = services.get_user(db.session, username)
    password = read_stdin_line("a password")
    services.reset_password(db.session, user, password, actor=None, now=utcnow())
    db.session.commit()
    click.echo(f"password reset for {user.username}")
    _note_custody(user)


@user_group.command("deactivate")
@click.argument("username")
@with_appcontext
@reports_domain_errors
def deactivate_user_command(username: str) -> None:
    """Stop an account from logging in; its open sessions end at once."""
    user = services.get_user(db.session, username)
    services.set_user_active(db.session, user, False, actor=None, now=utcnow())
    db.session.commit()
    click.echo(f"deactivated {user.username}")
    _note_custody(user)


@user_group.command("bind")
@click.argument("username")
@click.argument("member", required=False)
@click.option("--unbind", is_flag=True, help="Remove the account's roster member.")
@with_appcontext
@reports_domain_errors
def bind_user_command(username: str, member: str | None, unbind: bool) -> None:
    """Bind an account to the roster MEMBER it belongs to (a name or a member id).

    One member, one account: the two custodians of a round must be two different members.
    """
    user = services.get_user(db.session, username)
    if unbind == (member is not None):
        raise click.UsageError("give either MEMBER or --unbind")
    chosen = None if unbind else custody.find_member(db.session, user, member or "")
    custody.bind_member(db.session, user, chosen, actor=None, now=utcnow())
    db.session.commit()
    if chosen is None:
        click.echo(f"{user.username} is bound to no member")
    else:
        click.echo(f"{user.username} is bound to {chosen.name} ({chosen.public_id})")
    _note_custody(user)


def _note_custody(user: User) -> None:
    """Tell the operator that the change is visible to the custodian and the committee."""
    rounds = custody.rounds_in_custody(db.session, user)
    if rounds:
        titles = ", ".join(r.public_id for r in rounds)
        click.echo(
            f"note: {user.username} guards an opening code of round(s) {titles}; the change is"
            " written to their log and shown to the account's owner at the next login",
            err=True,
        )


@user_group.command("list")
@with_appcontext
def list_users_command() -> None:
    """One account per line: username, roles, branch, state, member (tab-separated)."""
    for user in services.list_users(db.session):
        branch = user.branch.slug if user.branch else "-"
        state = "active" if user.active else "inactive"
        member = user.member.name if user.member is not None else "-"
        click.echo(
            f"{user.username}\t{','.join(sorted(user.roles))}\t{branch}\t{state}\t{member}"
        )


@click.group("branch")
def branch_group() -> None:
    """Party branches: create, list."""


@branch_group.command("create")
@click.argument("slug")
@click.option("--name", required=True, help="Full name, e.g. 示范派出所党支部.")
@with_appcontext
@reports_domain_errors
def create_branch_command(slug: str, name: str) -> None:
    """Create a branch; SLUG is its short name for URLs and commands."""
    branch = services.create_branch(db.session, slug, name)
    db.session.commit()
    click.echo(f"created branch {branch.slug}: {branch.name}")


@branch_group.command("list")
@with_appcontext
def list_branches_command() -> None:
    """One branch per line: short name, name (tab-separated)."""
    for branch in services.list_branches(db.session):
        click.echo(f"{branch.slug}\t{branch.name}")
