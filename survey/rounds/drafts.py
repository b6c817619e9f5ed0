"""Drafting a round: settings, participants and the form's sections (all frozen at open)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from survey.auth.custody import different_people_problem
from survey.models import Branch, Invitation, Member, Round, Section, User
from survey.models.roster import POSTS
from survey.models.rounds import DEFAULT_MIN_ANSWERS, LOWEST_MIN_ANSWERS
from survey.rounds import categories as round_categories
from survey.rounds.clock import local_today
from survey.rounds.errors import InvalidRoundSettings, WrongState
from survey.rounds.labels import OTHER_SECTION_TITLE, TEAM_SECTION_TITLE, member_section_title
from survey.rounds.log import log_event

MAX_TITLE = 200
MAX_INTRO = 4000
MAX_SECTIONS = 30


@dataclass(frozen=True)
class DraftSettings:
    """What the secretary may change while the round is a draft."""

    title: str
    intro: str = ""
    deadline: datetime | None = None
    min_answers: int = DEFAULT_MIN_ANSWERS
    custodian2: User | None = None


def committee_members(session: Session, branch: Branch) -> list[Member]:
    """Active members holding a post, in order of their highest post."""
    members = session.scalars(
        select(Member).where(Member.branch_id == branch.id, Member.active.is_(True))
    ).all()
    on_committee = [m for m in members if m.post_names]
    return sorted(on_committee, key=lambda m: (POSTS.index(m.post_names[0]), m.name, m.id))


def default_participants(session: Session, branch: Branch) -> list[Member]:
    """Every active member without a committee post: Party members and non-members alike."""
    members = session.scalars(
        select(Member)
        .where(Member.branch_id == branch.id, Member.active.is_(True))
        .order_by(Member.name, Member.id)
    ).all()
    return [m for m in members if not m.post_names]


def default_sections(session: Session, branch: Branch) -> list[Section]:
    """「对支部班子…」, one per committee member, and 「其他意见建议」."""
    sections = [Section(kind="team", title=TEAM_SECTION_TITLE)]
    for member in committee_members(session, branch):
        title = member_section_title(member.post_names, member.name)
        sections.append(Section(kind="member", title=title, member=member))
    sections.append(Section(kind="other", title=OTHER_SECTION_TITLE))
    return _numbered(sections)


def check_settings(settings: DraftSettings, branch: Branch, custodian1: User | None) -> None:
    """Refuse settings that cannot make a sound round."""
    title = settings.title.strip()
    if not title or len(title) > MAX_TITLE:
        raise InvalidRoundSettings(_("A title of 1 to %(n)d characters is required.", n=MAX_TITLE))
    if settings.min_answers < LOWEST_MIN_ANSWERS:
        raise InvalidRoundSettings(
            _("The minimum number of answers is never below %(k)d.", k=LOWEST_MIN_ANSWERS)
        )
    second = settings.custodian2
    if second is not None:
        if second.branch_id != branch.id or not second.has_role("committee") or not second.active:
            raise InvalidRoundSettings(
                _("The second custodian must be an active committee account.")
            )
        problem = different_people_problem(custodian1, second)
        if problem is not None:
            raise InvalidRoundSettings(problem)


def create_round(
    session: Session, branch: Branch, creator: User, settings: DraftSettings, *, now: datetime
) -> Round:
    """A new draft with the default participants and sections; the creator is custodian 1."""
    check_settings(settings, branch, creator)
    round_ = Round(branch=branch, created_on=local_today(now), custodian1=creator, state="draft")
    _apply(round_, settings)
    round_.sections = default_sections(session, branch)
    round_.invitations = [Invitation(member=m) for m in default_participants(session, branch)]
    session.add(round_)
    log_event(session, round_, "created", actor=creator, now=now)
    session.flush()
    return round_


def copy_round(session: Session, source: Round, creator: User, *, now: datetime) -> Round:
    """A new draft with last round's settings, categories and form; participants follow
    today's roster.

    Sections the secretary wrote or renamed are kept in their order; the sections about each
    committee member are made again from today's committee, where the first of them stood.
    """
    settings = DraftSettings(
        title=source.title,
        intro=source.intro,
        min_answers=source.min_answers,
        custodian2=source.custodian2 if source.custodian2_id != creator.id else None,
    )
    round_ = create_round(session, source.branch, creator, settings, now=now)
    round_.categories = list(source.categories or [])
    today = [s for s in round_.sections if s.kind == "member"]
    sections: list[Section] = []
    for section in source.sections:
        if section.kind != "member":
            sections.append(Section(kind=section.kind, title=section.title))
        elif today:
            sections.extend(today)
            today = []
    round_.sections = _numbered(sections or round_.sections)
    session.flush()
    return round_


def _numbered(sections: list[Section]) -> list[Section]:
    for position, section in enumerate(sections):
        section.position = position
    return sections


def update_draft(session: Session, round_: Round, settings: DraftSettings) -> Round:
    require_draft(round_)
    check_settings(settings, round_.branch, round_.custodian1)
    _apply(round_, settings)
    session.flush()
    return round_


def _apply(round_: Round, settings: DraftSettings) -> None:
    round_.title = settings.title.strip()
    round_.intro = settings.intro.strip()
    round_.deadline = settings.deadline
    round_.min_answers = settings.min_answers
    round_.custodian2 = settings.custodian2


def require_draft(round_: Round) -> None:
    if round_.kind == "consultation":
        raise WrongState(
            _("A consultation takes its participants, custodians and minimum from its round.")
        )
    if round_.state != "draft":
        raise WrongState(_("Participants, sections and the minimum are frozen once a round opens."))


def set_participants(session: Session, round_: Round, members: Iterable[Member]) -> Round:
    """Replace the participant list of a draft."""
    require_draft(round_)
    chosen = {m.id: m for m in members}
    if any(m.branch_id != round_.branch_id or not m.active for m in chosen.values()):
        raise InvalidRoundSettings(_("Participants must be active members of this branch."))
    for invitation in list(round_.invitations):
        if invitation.member_id not in chosen:
            round_.invitations.remove(invitation)
    present = {i.member_id for i in round_.invitations}
    for member_id, member in chosen.items():
        if member_id not in present:
            round_.invitations.append(Invitation(member=member))
    session.flush()
    return round_


def save_sections(
    session: Session,
    round_: Round,
    titles: dict[str, str],
    new_title: str,
    *,
    order: list[str] | None = None,
    move: tuple[str, int] | None = None,
) -> Round:
    """Order sections by key, rename them (an empty title removes one), optionally add one at
    the end, then move one section up (-1) or down (+1)."""
    require_draft(round_)
    by_key = {s.key: s for s in round_.sections}
    listed = order or []
    if len(set(listed)) != len(listed) or not set(listed) <= by_key.keys():
        raise InvalidRoundSettings(_("The form's sections changed meanwhile: reload the page."))
    if move is not None and (move[0] not in by_key or move[1] not in (-1, 1)):
        raise InvalidRoundSettings(_("The form's sections changed meanwhile: reload the page."))
    sections = [by_key[key] for key in listed]
    sections += [s for s in round_.sections if s.key not in listed]
    kept = []
    for section in sections:
        title = titles.get(section.key, section.title).strip()
        if title:
            section.title = title[:MAX_TITLE]
            kept.append(section)
    if new_title.strip():
        if len(kept) >= MAX_SECTIONS:
            raise InvalidRoundSettings(_("A form has at most %(n)d sections.", n=MAX_SECTIONS))
        kept.append(Section(kind="team", title=new_title.strip()[:MAX_TITLE]))
    if not kept:
        raise InvalidRoundSettings(_("A form needs at least one section."))
    if move is not None and move[0] in {s.key for s in kept}:
        here = next(i for i, s in enumerate(kept) if s.key == move[0])
        there = min(max(here + move[1], 0), len(kept) - 1)
        kept[here], kept[there] = kept[there], kept[here]
    round_.sections = _numbered(kept)
    session.flush()
    return round_


@dataclass(frozen=True)
class DraftEdit:
    """Everything the draft page sends at once: one save keeps every edit."""

    settings: DraftSettings
    member_ids: list[str]
    titles: dict[str, str]
    order: list[str]
    new_title: str = ""
    move: tuple[str, int] | None = None
    # None leaves the round's categories as they are.
    categories: round_categories.CategoryChoice | None = None


def save_draft(session: Session, round_: Round, edit: DraftEdit) -> Round:
    """Settings, participants, sections and categories together, or nothing when any of them
    is refused."""
    require_draft(round_)
    check_settings(edit.settings, round_.branch, round_.custodian1)
    if edit.categories is not None:
        picked = round_categories.draft_categories(round_, edit.categories)
        round_.categories = round_categories.stored(picked)
    chosen = set(edit.member_ids)
    members = session.scalars(
        select(Member).where(Member.public_id.in_(chosen), Member.branch_id == round_.branch_id)
    ).all()
    if len(members) != len(chosen):
        raise InvalidRoundSettings(_("Participants must be active members of this branch."))
    _apply(round_, edit.settings)
    set_participants(session, round_, members)
    return save_sections(
        session, round_, edit.titles, edit.new_title, order=edit.order, move=edit.move
    )


def edit_intro(
    session: Session, round_: Round, actor: User | None, intro: str, *, now: datetime
) -> Round:
    """The text for officers stays editable after opening (a deadline it names may move); it is
    not part of the keys or the fingerprint. Each change is logged with the text before it."""
    if round_.state not in ("opening", "collecting"):
        raise WrongState(_("The text for officers can be changed only until the round closes."))
    intro = intro.strip()
    if len(intro) > MAX_INTRO:
        raise InvalidRoundSettings(_("The text has at most %(n)d characters.", n=MAX_INTRO))
    if intro == round_.intro:
        return round_
    log_event(session, round_, "intro_changed", actor=actor, now=now, previous=round_.intro)
    round_.intro = intro
    session.flush()
    return round_


def suggested_second_custodian(session: Session, branch: Branch, creator: User) -> User | None:
    """The committee account named like the discipline inspection member (纪检委员), if any."""
    holder = session.scalar(
        select(Member).where(
            Member.branch_id == branch.id,
            Member.active.is_(True),
            Member.posts.any(post="discipline"),
        )
    )
    if holder is None:
        return None
    users = session.scalars(
        select(User).where(
            User.branch_id == branch.id, User.active.is_(True), User.id != creator.id
        )
    ).all()
    matches = [u for u in users if u.has_role("committee") and u.display_name == holder.name]
    return matches[0] if len(matches) == 1 else None
