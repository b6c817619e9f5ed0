"""The branch roster: adding, editing and deactivating members, importing and exporting CSV.

Used by the secretary's pages and by ``survey roster import``. Services flush and never commit.
Each committee post is held by at most one member of a branch; the database enforces it too.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from survey.errors import Conflict, InvalidInput, NotFound
from survey.models import CATEGORIES, POSTS, Branch, CommitteePost, Member
from survey.roster.csvfile import (
    MAX_NAME,
    MAX_NOTE,
    ImportPreview,
    RosterSnapshot,
    checked_text,
    decode,
    read_roster,
    write_roster,
)
from survey.roster.vocabulary import name_key, normalise_name, post_label
from survey.roster.xlsxfile import is_old_xls, is_xlsx, xlsx_to_text


@dataclass(frozen=True)
class MemberData:
    """What a secretary types about a member."""

    name: str
    category: str
    note: str = ""
    posts: tuple[str, ...] = field(default_factory=tuple)


def list_members(session: Session, branch: Branch) -> list[Member]:
    """Active members first; the committee in order of precedence, then everyone by name."""
    members = list(session.scalars(select(Member).where(Member.branch_id == branch.id)))

    def order(member: Member) -> tuple[bool, int, tuple[str, str], str]:
        rank = min((POSTS.index(p) for p in member.post_names), default=len(POSTS))
        return (not member.active, rank, name_key(member.name), member.note)

    return sorted(members, key=order)


def get_member(session: Session, branch: Branch, public_id: str) -> Member:
    """A member of this branch; another branch's member is as unknown as a missing one."""
    member = session.scalar(
        select(Member).where(Member.branch_id == branch.id, Member.public_id == public_id)
    )
    if member is None:
        raise NotFound(_("No such member on this roster."))
    return member


def _clean(data: MemberData) -> MemberData:
    name = normalise_name(data.name)
    note = " ".join(data.note.split())
    if not name:
        raise InvalidInput(_("The name is empty."))
    if len(name) > MAX_NAME or len(note) > MAX_NOTE:
        raise InvalidInput(_("The name or the note is too long."))
    if data.category not in CATEGORIES:
        raise InvalidInput(_("Unknown category."))
    unknown = set(data.posts) - set(POSTS)
    if unknown:
        raise InvalidInput(_("Unknown committee post."))
    posts = tuple(post for post in POSTS if post in data.posts)
    return MemberData(name=name, category=data.category, note=note, posts=posts)


def _assign_posts(session: Session, member: Member, posts: tuple[str, ...]) -> None:
    """Give ``member`` exactly these posts; a post held by someone else is refused."""
    held = {
        row.post: row
        for row in session.scalars(
            select(CommitteePost).where(CommitteePost.branch_id == member.branch_id)
        )
    }
    for post in posts:
        holder = held.get(post)
        if holder is not None and holder.member_id != member.id:
            raise Conflict(
                _("The post %(post)s is already held by %(name)s. Take it from them first.",
                  post=post_label(post), name=holder.member.name)
            )
    for row in list(member.posts):
        if row.post not in posts:
            member.posts.remove(row)
    mine = {row.post for row in member.posts}
    for post in posts:
        if post not in mine:
            member.posts.append(CommitteePost(branch_id=member.branch_id, post=post))


def add_member(session: Session, branch: Branch, data: MemberData) -> Member:
    """A new active member on the roster."""
    data = _clean(data)
    member = Member(branch=branch, name=data.name, note=data.note, category=data.category,
                    active=True)
    session.add(member)
    session.flush()
    if data.posts:
        _assign_posts(session, member, data.posts)
        session.flush()
    return member


def update_member(session: Session, member: Member, data: MemberData) -> Member:
    """Change a member's details and posts."""
    data = _clean(data)
    if data.posts and not member.active:
        raise InvalidInput(_("An inactive member cannot hold a committee post."))
    member.name, member.note, member.category = data.name, data.note, data.category
    _assign_posts(session, member, data.posts)
    session.flush()
    return member


def set_member_active(session: Session, member: Member, active: bool) -> list[str]:
    """Deactivate (or reactivate) a member; deactivating frees their posts, which are returned.

    Members are never deleted: past rounds keep referring to them.
    """
    released = [] if active else list(member.post_names)
    member.active = active
    if released:
        _assign_posts(session, member, ())
    session.flush()
    return released


def snapshot(session: Session, branch: Branch) -> RosterSnapshot:
    """The names and post holders an import is checked against."""
    members = session.scalars(select(Member).where(Member.branch_id == branch.id)).all()
    holders = {post: member.name for member in members for post in member.post_names}
    return RosterSnapshot(names=frozenset(m.name for m in members), holders=holders)


def preview_import(session: Session, branch: Branch, data: bytes | str) -> ImportPreview:
    """Check a CSV or .xlsx file (bytes as uploaded, or text already decoded) against the
    roster. A workbook becomes CSV text first, so both meet the same checks."""
    if isinstance(data, bytes) and is_xlsx(data):
        text = xlsx_to_text(data)
    elif isinstance(data, bytes) and is_old_xls(data):
        raise InvalidInput(
            _("Old .xls files cannot be read: save the sheet as .xlsx or as CSV and try again.")
        )
    else:
        text = decode(data) if isinstance(data, bytes) else checked_text(data)
    return read_roster(text, snapshot(session, branch))


def import_members(session: Session, branch: Branch, preview: ImportPreview) -> list[Member]:
    """Add every row of a preview without errors; with any error, nothing is added."""
    if not preview.ok:
        raise InvalidInput(
            _("Nothing was imported: the file has errors. Correct them and try again.")
        )
    added = []
    for row in preview.rows:
        assert row.category is not None
        data = MemberData(name=row.name, category=row.category, note=row.note,
                          posts=tuple(row.posts))
        added.append(add_member(session, branch, data))
    return added


def export_roster(session: Session, branch: Branch) -> bytes:
    """The active members as a CSV file that imports again as it is."""
    return write_roster(m for m in list_members(session, branch) if m.active)
