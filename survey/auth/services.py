"""Accounts and branches: logging in, passwords, and what administrators may do.

Called from the web views and the CLI alike. Services flush and never commit; a refusal is a
domain error whose message can be shown as it is.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from survey.auth.custody import bind_member, record_admin_change
from survey.auth.passwords import hash_password, verify_password
from survey.errors import Conflict, Forbidden, InvalidInput, NotFound
from survey.models import ROLES, Branch, Member, User

MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 200
USERNAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")
SLUG_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{1,63}$")
# Roles that only make sense inside one branch.
BRANCH_ROLES = frozenset({"secretary", "committee"})


def normalise_username(raw: str) -> str:
    """Usernames are compared without case and surrounding spaces."""
    return raw.strip().lower()


def authenticate(session: Session, username: str, password: str) -> User | None:
    """The active user with these credentials, or None — without saying which part was wrong.

    An unknown name costs the same hashing work as a wrong password, so timing does not tell
    which accounts exist.
    """
    user = session.scalar(select(User).where(User.username == normalise_username(username)))
    valid = verify_password(user.password_hash if user else None, password)
    if user is None or not valid or not user.active:
        return None
    return user


def check_new_password(password: str, username: str) -> None:
    """Refuse passwords that are too short, too long, or the username itself."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput(
            _("A password needs at least %(num)d characters.", num=MIN_PASSWORD_LENGTH)
        )
    if len(password) > MAX_PASSWORD_LENGTH:
        raise InvalidInput(
            _("A password may have at most %(num)d characters.", num=MAX_PASSWORD_LENGTH)
        )
    if password.strip().lower() == username.lower():
        raise InvalidInput(_("The password must not be the username."))


def _set_password(user: User, password: str) -> None:
    """Store a new hash and end every session opened with the old password."""
    check_new_password(password, user.username)
    user.password_hash = hash_password(password)
    user.session_version = (user.session_version or 1) + 1


def end_sessions(session: Session, user: User) -> User:
    """Raise the account's session generation: every session opened before stops working.

    Called at logout, so a copy of the signed session cookie kept elsewhere is dead too.
    """
    user.session_version = (user.session_version or 1) + 1
    session.flush()
    return user


def change_password(session: Session, user: User, current: str, new: str) -> User:
    """A user changes their own password, proving they know the current one."""
    if not verify_password(user.password_hash, current):
        raise InvalidInput(_("The current password is wrong."))
    _set_password(user, new)
    session.flush()
    return user


def reset_password(
    session: Session, user: User, new: str, *, actor: User | None, now: datetime
) -> User:
    """An administrator sets a new password, e.g. after one was forgotten.

    Written to the log of every round the user guards, and shown to them at their next login.
    """
    _set_password(user, new)
    record_admin_change(session, user, "password_reset", actor=actor, now=now)
    session.flush()
    return user


def set_user_active(
    session: Session, user: User, active: bool, *, actor: User | None, now: datetime
) -> User:
    """Deactivate (or reactivate) an account; a deactivated user's sessions stop working."""
    if not active and actor is not None and actor.id == user.id:
        raise Forbidden(_("You cannot deactivate your own account."))
    if user.active != active:
        user.active = active
        user.session_version = (user.session_version or 1) + 1
        change = "reactivated" if active else "deactivated"
        record_admin_change(session, user, change, actor=actor, now=now)
    session.flush()
    return user


def update_account(
    session: Session,
    user: User,
    *,
    display_name: str,
    roles: Iterable[str],
    actor: User | None,
    now: datetime,
) -> User:
    """An administrator renames an account or changes its roles; both are seen by custodians."""
    wanted = set(roles)
    _check_roles(wanted, user.branch)
    if actor is not None and actor.id == user.id and "admin" not in wanted:
        raise InvalidInput(_("You cannot take the administrator role from your own account."))
    name = display_name.strip()
    if name != user.display_name:
        previous = user.display_name
        user.display_name = name
        record_admin_change(
            session, user, "renamed", actor=actor, now=now, previous=previous, name=name
        )
    if frozenset(wanted) != user.roles:
        previous_roles = sorted(user.roles)
        user.roles = wanted
        user.session_version = (user.session_version or 1) + 1
        record_admin_change(
            session,
            user,
            "roles_changed",
            actor=actor,
            now=now,
            previous=previous_roles,
            roles=sorted(wanted),
        )
    session.flush()
    return user


def edit_account(
    session: Session,
    user: User,
    *,
    display_name: str,
    roles: Iterable[str],
    member: Member | None,
    actor: User | None,
    now: datetime,
) -> User:
    """The administrator's account form: name, roles and the roster member it belongs to."""
    bind_member(session, user, member, actor=actor, now=now)
    return update_account(
        session, user, display_name=display_name, roles=roles, actor=actor, now=now
    )


def _check_roles(wanted: set[str], branch: Branch | None) -> None:
    if not wanted:
        raise InvalidInput(_("Choose at least one role."))
    unknown = wanted - set(ROLES)
    if unknown:
        raise InvalidInput(_("Unknown role: %(roles)s.", roles=", ".join(sorted(unknown))))
    if wanted & BRANCH_ROLES and branch is None:
        raise InvalidInput(_("Secretaries and committee members need a branch."))


def create_branch(session: Session, slug: str, name: str) -> Branch:
    """A new Party branch; the slug names it in URLs and on the command line."""
    slug, name = slug.strip().lower(), name.strip()
    if not SLUG_PATTERN.match(slug):
        raise InvalidInput(
            _("A short name uses 2 to 64 lowercase letters, digits and hyphens, e.g. %(example)s.",
              example="dongcheng-1")
        )
    if not name:
        raise InvalidInput(_("The branch needs a name."))
    if session.scalar(select(Branch.id).where(Branch.slug == slug)) is not None:
        raise Conflict(_("A branch with the short name %(slug)s already exists.", slug=slug))
    branch = Branch(slug=slug, name=name)
    session.add(branch)
    session.flush()
    return branch


def create_user(
    session: Session,
    username: str,
    password: str,
    roles: Iterable[str],
    *,
    branch: Branch | None = None,
    display_name: str = "",
) -> User:
    """A new staff login. Secretaries and committee members belong to a branch."""
    username = normalise_username(username)
    wanted = set(roles)
    if not USERNAME_PATTERN.match(username):
        raise InvalidInput(
            _("A username uses 2 to 64 lowercase letters, digits, dots, hyphens or underscores.")
        )
    _check_roles(wanted, branch)
    if find_user(session, username) is not None:
        raise Conflict(_("The username %(username)s is taken.", username=username))
    check_new_password(password, username)
    user = User(
        username=username,
        display_name=display_name.strip(),
        password_hash=hash_password(password),
        branch=branch,
    )
    user.roles = wanted
    session.add(user)
    session.flush()
    return user


def find_user(session: Session, username: str) -> User | None:
    return session.scalar(select(User).where(User.username == normalise_username(username)))


def get_user(session: Session, username: str) -> User:
    """The user with this username, or a not-found refusal."""
    user = find_user(session, username)
    if user is None:
        raise NotFound(_("No user named %(username)s.", username=normalise_username(username)))
    return user


def get_user_by_public_id(session: Session, public_id: str) -> User:
    user = session.scalar(select(User).where(User.public_id == public_id))
    if user is None:
        raise NotFound(_("No such user."))
    return user


def get_branch(session: Session, slug: str) -> Branch:
    """The branch with this short name, or a not-found refusal."""
    branch = session.scalar(select(Branch).where(Branch.slug == slug.strip().lower()))
    if branch is None:
        raise NotFound(_("No branch with the short name %(slug)s.", slug=slug))
    return branch


def get_branch_by_public_id(session: Session, public_id: str) -> Branch:
    branch = session.scalar(select(Branch).where(Branch.public_id == public_id))
    if branch is None:
        raise NotFound(_("No such branch."))
    return branch


def list_branches(session: Session) -> list[Branch]:
    return list(session.scalars(select(Branch).order_by(Branch.slug)))


def list_users(session: Session) -> list[User]:
    """Active accounts first, then by username."""
    return list(session.scalars(select(User).order_by(User.active.desc(), User.username)))
