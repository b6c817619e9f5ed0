"""The committee's review of a consultation: counts, texts, dispositions and redactions.

Every objection gets a recorded disposition (none can be dropped: rows are never deleted, and the
next version cannot be published, nor the topics finalised, while one is open). Texts are shown
and exported ordered by content, never by arrival.
"""

from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from survey.errors import Conflict, InvalidInput, NotFound
from survey.models import Round, TopicResponse, TopicVersion, User
from survey.models.topics import DISPOSITION_KINDS
from survey.rounds.log import log_event

MAX_TEXT = 2000
# Shown after a text the committee redacted, wherever it appears.
REDACTED_MARK = "（已删改）"


class ReviewRefused(InvalidInput):
    """The disposition or redaction as given cannot be saved; nothing was changed."""

    code = "review_refused"


class ReviewLocked(Conflict):
    """This version's record can no longer change."""

    code = "review_locked"


class UnknownResponse(NotFound):
    """No such objection or response in this round."""

    code = "unknown_response"


def responses_of(session: Session, version: TopicVersion) -> list[TopicResponse]:
    """The version's unsealed responses, ordered by content (then id), never by arrival."""
    if version.consultation_id is None:
        return []
    query = select(TopicResponse).where(TopicResponse.consultation_id == version.consultation_id)
    return sorted(session.scalars(query), key=lambda r: (r.text, r.id))


def open_objections(session: Session, version: TopicVersion) -> list[TopicResponse]:
    """Objections to the version without a recorded disposition."""
    return [
        r
        for r in responses_of(session, version)
        if r.stance == "object" and r.disposition_kind is None
    ]


def shown_text(response: TopicResponse) -> str:
    """The text as shown and exported: a redaction is marked visibly."""
    return response.text + (REDACTED_MARK if response.redacted else "")


def _find(session: Session, round_: Round, response_id: str) -> tuple[TopicResponse, TopicVersion]:
    response = session.get(TopicResponse, response_id)
    version = None
    if response is not None:
        version = session.scalar(
            select(TopicVersion).where(
                TopicVersion.consultation_id == response.consultation_id,
                TopicVersion.round_id == round_.id,
            )
        )
    if response is None or version is None:
        raise UnknownResponse(_("There is no such response in this round."))
    return response, version


def _require_open_record(session: Session, round_: Round, version: TopicVersion) -> None:
    """A record is fixed once the next version is published or the topics are final."""
    if version.final_mode is not None or round_.state == "final":
        raise ReviewLocked(_("The topics are final; their record can no longer change."))
    later = session.scalar(
        select(TopicVersion).where(
            TopicVersion.round_id == round_.id,
            TopicVersion.number > version.number,
            TopicVersion.published.is_(True),
        )
    )
    if later is not None:
        raise ReviewLocked(
            _(
                "Version %(v)d was published with this record; it can no longer change.",
                v=later.number,
            )
        )


def dispose_objection(
    session: Session,
    round_: Round,
    objection_id: str,
    kind: str,
    text: str,
    actor: User | None,
    *,
    now: datetime,
) -> TopicResponse:
    """Record (or correct) the disposition of one objection; logged."""
    objection, version = _find(session, round_, objection_id)
    if objection.stance != "object":
        raise ReviewRefused(_("Only an objection gets a disposition."))
    _require_open_record(session, round_, version)
    if kind not in DISPOSITION_KINDS:
        raise ReviewRefused(_("Choose how the objection was handled."))
    text = text.strip()
    if not text or len(text) > MAX_TEXT:
        raise ReviewRefused(
            _("Say what was done about the objection (at most %(n)d characters).", n=MAX_TEXT)
        )
    objection.disposition_kind = kind
    objection.disposition_text = text
    log_event(
        session,
        round_,
        "objection_disposed",
        actor=actor,
        now=now,
        version=version.number,
        objection=objection.id,
        disposition=kind,
    )
    session.flush()
    return objection


def redact_response(
    session: Session,
    round_: Round,
    response_id: str,
    text: str,
    actor: User | None,
    *,
    now: datetime,
) -> TopicResponse:
    """Replace a response's text with one without identifying details; marked, and logged
    without either text.

    The round is marked for the storage rewrite, like an item's text edit: the old row version
    stays in the database files (a dead tuple, a write-ahead log page) until the storage is
    rewritten, and the mark keeps the rewrite visible on the round until it has run.
    """
    response, version = _find(session, round_, response_id)
    _require_open_record(session, round_, version)
    text = text.strip()
    if not text or len(text) > MAX_TEXT:
        raise ReviewRefused(_("Give the text without the identifying details."))
    response.text = text
    response.redacted = True
    round_.storage_rewrite_pending = True
    log_event(
        session,
        round_,
        "response_redacted",
        actor=actor,
        now=now,
        version=version.number,
        response=response.id,
    )
    session.flush()
    return response
