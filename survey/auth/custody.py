"""Custodians are people: accounts bound to roster members, and administrators' changes seen.

DESIGN.md section 3, "One person, two parts": an administrator could otherwise create a second
account for one person, or reset a custodian's password, and so hold both parts of a round's
opening code unnoticed. So each account is bound to at most one roster member and each member to
at most one account (a UNIQUE column), a round's two custodians must be two different members,
and every administrator's change to a custodian's account while one of their rounds is open or
waiting to be unsealed is written to that round's log and left as a notice the custodian sees at
their next login.
"""

from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from survey.errors import Conflict, InvalidInput
from survey.models import AccountNotice, Member, Round, User
from survey.rounds.log import log_event

# A round is "in custody" from the moment part 1 exists until it is unsealed or discarded:
# a change to a custodian's account in this time could help one person hold both parts.
CUSTODY_STATES = ("opening", "collecting", "closed")
CHANGES = (
    "password_reset",
    "renamed",
    "roles_changed",
    "member_changed",
    "deactivated",
    "reactivated",
)


def rounds_in_custody(session: Session, user: User) -> list[Round]:
    """The rounds for which ``user`` holds a part of the opening code and that are not opened."""
    return list(
        session.scalars(
            select(Round)
            .where(
                or_(Round.custodian1_id == user.id, Round.custodian2_id == user.id),
                Round.state.in_(CUSTODY_STATES),
            )
            .order_by(Round.id)
        )
    )


def record_admin_change(
    session: Session,
    user: User,
    change: str,
    *,
    actor: User | None,
    now: datetime,
    **detail: object,
) -> list[Round]:
    """Log an administrator's change to ``user`` on each round they guard; notify ``user``.

    Returns the rounds concerned (none when ``user`` guards no round now: nothing is written).
    ``actor`` None means the command line.
    """
    if change not in CHANGES:
        raise ValueError(f"unknown account change {change!r}")
    rounds = rounds_in_custody(session, user)
    for round_ in rounds:
        number = 1 if round_.custodian1_id == user.id else 2
        log_event(
            session,
            round_,
            "custodian_account_changed",
            actor=actor,
            now=now,
            custodian=number,
            account=user.username,
            change=change,
            by=actor.username if actor is not None else None,
            **detail,
        )
    if rounds:
        session.add(
            AccountNotice(
                user_id=user.id,
                at=now,
                change=change,
                actor=actor.username if actor is not None else None,
                round_titles=[r.title for r in rounds],
            )
        )
    session.flush()
    return rounds


def take_notices(session: Session, user: User) -> list[AccountNotice]:
    """The notices ``user`` has not seen yet, marked seen (shown once, at login)."""
    notices = list(
        session.scalars(
            select(AccountNotice)
            .where(AccountNotice.user_id == user.id, AccountNotice.seen.is_(False))
            .order_by(AccountNotice.at, AccountNotice.id)
        )
    )
    for notice in notices:
        notice.seen = True
    session.flush()
    return notices


def bound_account(session: Session, member: Member) -> User | None:
    return session.scalar(select(User).where(User.member_id == member.id))


def bind_member(
    session: Session,
    user: User,
    member: Member | None,
    *,
    actor: User | None,
    now: datetime,
) -> User:
    """Bind ``user`` to roster ``member`` (None unbinds). One member, one account."""
    if user.member_id == (member.id if member is not None else None):
        return user
    if member is not None:
        if user.branch_id is None or member.branch_id != user.branch_id:
            raise InvalidInput(_("An account can only be bound to a member of its own branch."))
        if not member.active:
            raise InvalidInput(_("%(name)s is no longer on the roster.", name=member.name))
        other = bound_account(session, member)
        if other is not None and other.id != user.id:
            raise Conflict(
                _(
                    "%(name)s already has the account %(username)s: one member, one account."
                    " Unbind that account first.",
                    name=member.name,
                    username=other.username,
                )
            )
    previous = user.member.name if user.member is not None else None
    user.member = member
    user.member_id = member.id if member is not None else None
    record_admin_change(
        session,
        user,
        "member_changed",
        actor=actor,
        now=now,
        previous=previous,
        member=member.name if member is not None else None,
    )
    session.flush()
    return user


def find_member(session: Session, user: User, wanted: str) -> Member:
    """A member of ``user``'s branch by public id or by exact name (namesakes are refused)."""
    wanted = wanted.strip()
    members = session.scalars(
        select(Member).where(
            Member.branch_id == user.branch_id,
            Member.active.is_(True),
            or_(Member.public_id == wanted, Member.name == wanted),
        )
    ).all()
    by_id = [m for m in members if m.public_id == wanted]
    if by_id:
        return by_id[0]
    if len(members) == 1:
        return members[0]
    if not members:
        raise InvalidInput(_("No active member named %(name)s in this branch.", name=wanted))
    raise InvalidInput(
        _(
            "Several members are named %(name)s; give the member's id instead: %(ids)s.",
            name=wanted,
            ids=", ".join(f"{m.public_id} ({m.note or '-'})" for m in members),
        )
    )


def custodian_problem(round_: Round) -> str | None:
    """Why the round's two custodians cannot be trusted to be two people, or None."""
    for number, user in ((1, round_.custodian1), (2, round_.custodian2)):
        if user is None:
            continue
        if user.member is None:
            return _(
                "Custodian %(n)d's account (%(username)s) is not bound to a roster member. Ask"
                " the administrator to bind it, so the two parts go to two known people.",
                n=number,
                username=user.username,
            )
        if user.member.branch_id != round_.branch_id:
            return _(
                "Custodian %(n)d's account (%(username)s) is bound to someone who is not a"
                " member of this branch.",
                n=number,
                username=user.username,
            )
    return different_people_problem(round_.custodian1, round_.custodian2)


def different_people_problem(first: User | None, second: User | None) -> str | None:
    """Refuse one member holding both parts through two accounts (or one account twice)."""
    if first is None or second is None:
        return None
    if first.id == second.id:
        return _("The two custodians must be different people.")
    if first.member_id is not None and first.member_id == second.member_id:
        return _(
            "The accounts %(a)s and %(b)s belong to the same person (%(name)s). The two parts of"
            " the opening code must be held by two different people.",
            a=first.username,
            b=second.username,
            name=first.member.name if first.member else "",
        )
    return None
