"""``survey demo``: a demo branch with 25 members and staff logins, for trying the service out.

Passwords are random, printed on the first run and kept in the instance folder (mode 600) so
later runs print them again. A second run changes nothing. It refuses to run in production.
"""

from __future__ import annotations

import json
import os
import secrets
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import select
from sqlalchemy.orm import Session

from survey.auth import custody
from survey.auth import services as accounts
from survey.cli.demo_rounds import DemoRound, ensure_demo_rounds
from survey.cli.round_summary import rewrite_or_fail
from survey.cli.support import reports_domain_errors
from survey.extensions import db
from survey.links import public_url
from survey.models import Branch
from survey.roster import services as roster
from survey.rounds.clock import utcnow

DEMO_SLUG = "demo"
DEMO_NAME = "示范派出所党支部"
LOGINS_FILE = "demo_logins.json"
# Name, category, committee posts, note. Two 王磊 show how a note tells namesakes apart.
MEMBERS: tuple[tuple[str, str, tuple[str, ...], str], ...] = (
    ("王建国", "party_member", ("secretary",), "教导员"),
    ("李红梅", "party_member", ("deputy_secretary",), "所长"),
    ("张伟", "party_member", ("organization",), "综合指挥室"),
    ("刘洋", "party_member", ("publicity",), "社区警务队"),
    ("陈静", "party_member", ("discipline",), "案件办理队"),
    ("杨帆", "party_member", (), "治安巡逻队"),
    ("赵磊", "probationary", (), "社区警务队"),
    ("黄志强", "party_member", (), "案件办理队"),
    ("周晓燕", "non_member", (), "综合指挥室"),
    ("吴俊杰", "party_member", (), "治安巡逻队"),
    ("徐丽", "party_member", (), "户籍窗口"),
    ("孙浩", "non_member", (), "治安巡逻队"),
    ("马小军", "party_member", (), "社区警务队"),
    ("朱婷婷", "probationary", (), "户籍窗口"),
    ("胡明", "party_member", (), "案件办理队"),
    ("郭鹏", "non_member", (), "案件办理队"),
    ("何雪", "party_member", (), "综合指挥室"),
    ("高建华", "party_member", (), "社区警务队"),
    ("林志远", "non_member", (), "治安巡逻队"),
    ("罗敏", "party_member", (), "户籍窗口"),
    ("梁宇", "probationary", (), "治安巡逻队"),
    ("宋佳", "non_member", (), "综合指挥室"),
    ("郑海涛", "party_member", (), "案件办理队"),
    ("王磊", "party_member", (), "社区警务队"),
    ("王磊", "non_member", (), "治安巡逻队"),
)
# Username, roles, display name (the committee member's name on the roster).
LOGINS: tuple[tuple[str, tuple[str, ...], str], ...] = (
    ("admin", ("admin",), "管理员"),
    ("secretary", ("secretary", "committee"), "王建国"),
    ("fushuji", ("committee",), "李红梅"),
    ("zuzhi", ("committee",), "张伟"),
    ("xuanchuan", ("committee",), "刘洋"),
    ("jijian", ("committee",), "陈静"),
)
# Letters and digits that cannot be mistaken for one another on paper.
_PASSWORD_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # noqa: S105


def new_password() -> str:
    """Three groups of four, easy to type from a printout (about 74 bits)."""
    return "-".join("".join(secrets.choice(_PASSWORD_ALPHABET) for _ in range(4)) for _ in range(3))


def logins_path() -> Path:
    return Path(current_app.instance_path) / LOGINS_FILE


def read_passwords(path: Path) -> dict[str, str]:
    if not path.is_file():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise click.ClickException(f"cannot read {path}: {error}") from None
    return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}


def write_passwords(path: Path, passwords: dict[str, str]) -> None:
    """Written before the database commit: a password is never lost once its account exists."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as stream:
        json.dump(passwords, stream, ensure_ascii=False, indent=2)
    os.chmod(temporary, 0o600)
    os.replace(temporary, path)


def ensure_branch(session: Session) -> tuple[Branch, bool]:
    """The demo branch and its roster, created only when the branch does not exist yet."""
    existing = session.scalar(select(Branch).where(Branch.slug == DEMO_SLUG))
    if existing is not None:
        return existing, False
    branch = accounts.create_branch(session, DEMO_SLUG, DEMO_NAME)
    for name, category, posts, note in MEMBERS:
        roster.add_member(
            session, branch, roster.MemberData(name=name, category=category, note=note, posts=posts)
        )
    return branch, True


def ensure_logins(session: Session, branch: Branch, passwords: dict[str, str]) -> list[str]:
    """Create the missing logins (reusing a kept password); return the usernames created."""
    created = []
    for username, roles, display_name in LOGINS:
        if accounts.find_user(session, username) is not None:
            continue
        password = passwords.setdefault(username, new_password())
        in_branch = None if roles == ("admin",) else branch
        user = accounts.create_user(
            session, username, password, roles, branch=in_branch, display_name=display_name
        )
        if in_branch is not None:
            # Each committee login belongs to its roster member: custodians are two people.
            member = custody.find_member(session, user, display_name)
            custody.bind_member(session, user, member, actor=None, now=utcnow())
        created.append(username)
    return created


@click.command("demo")
@with_appcontext
@reports_domain_errors
def demo_command() -> None:
    """Load the demo branch and logins (again: print the logins, change nothing)."""
    if current_app.config.get("PRODUCTION"):
        raise click.ClickException("refusing to load demo data: PRODUCTION is set")
    path = logins_path()
    passwords = read_passwords(path)
    branch, new_branch = ensure_branch(db.session)
    created = ensure_logins(db.session, branch, passwords)
    if created:
        write_passwords(path, passwords)
    db.session.flush()
    rounds = ensure_demo_rounds(db.session, branch, current_app.instance_path)
    db.session.commit()
    if rounds:  # the unsealed demo round: its storage is rewritten like any other
        rewrite_or_fail(rounds[0].round_id, "the demo data is loaded")
    if not new_branch and not created:
        click.echo("demo data already loaded; nothing changed", err=True)
    print_logins(branch, passwords)
    print_rounds(rounds)
    click.echo(f"passwords are kept in {path}", err=True)


def print_rounds(rounds: list[DemoRound]) -> None:
    """The demo rounds, with the opening-code parts the operator would otherwise hand out."""
    base = public_url()
    for demo in rounds:
        click.echo(f"round {demo.round_id}  {demo.title}")
        click.echo(f"  opening code: {demo.parts[0]} {demo.parts[1]}")
    if rounds:
        click.echo(f"  committee summary: {base}/committee/rounds/{rounds[0].round_id}")
        click.echo(f"  invitation links: survey round invitations {rounds[-1].round_id}")


def print_logins(branch: Branch, passwords: dict[str, str]) -> None:
    members = roster.list_members(db.session, branch)
    committee = sum(1 for member in members if member.on_committee)
    login = public_url() + "/auth/login"
    click.echo(
        f"{branch.name} ({branch.slug}): {len(members)} members, {committee} on the committee"
    )
    click.echo(f"log in at {login}")
    click.echo(f"{'username':<10}  {'password':<14}  {'roles':<20}  name")
    for username, roles, display_name in LOGINS:
        password = passwords.get(username, "(unknown: use survey user reset-password)")
        click.echo(f"{username:<10}  {password:<14}  {','.join(roles):<20}  {display_name}")
