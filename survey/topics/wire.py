"""What the ``keys`` document of a consultation adds (DESIGN.md section 6, "Consultations").

``kind``, ``version``, the version's ``topics`` and, from version 2, the ``record`` of the one
before: its topics as they were, per-topic counts, each objection and its disposition, and what
changed since. Everything here is what the committee publishes to every participant anyway.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from survey.models import Round, TopicVersion
from survey.topics.record import VersionRecord, version_record


def consultation_fields(session: Session, consultation: Round) -> dict[str, Any]:
    version = session.scalar(
        select(TopicVersion).where(TopicVersion.consultation_id == consultation.id)
    )
    if version is None:  # pragma: no cover - a consultation is created with its version
        return {"kind": "consultation", "version": consultation.version, "topics": []}
    fields: dict[str, Any] = {
        "kind": "consultation",
        "version": version.number,
        "topics": [
            {"id": t.key, "title": t.title, "problem": t.problem, "outcome": t.outcome}
            for t in version.topics
        ],
    }
    previous = session.scalar(
        select(TopicVersion).where(
            TopicVersion.round_id == version.round_id, TopicVersion.number == version.number - 1
        )
    )
    if previous is not None:
        before = session.scalar(
            select(TopicVersion).where(
                TopicVersion.round_id == version.round_id,
                TopicVersion.number == version.number - 2,
            )
        )
        fields["record"] = record_fields(
            version_record(session, previous, before), version_record(session, version, previous)
        )
    return fields


def record_fields(previous: VersionRecord, current: VersionRecord) -> dict[str, Any]:
    """The previous version's record, and what the current one changed against it."""
    return {
        "version": previous.number,
        "answers": previous.answers,
        "topics": [
            {
                "id": t.id,
                "title": t.title,
                "problem": t.problem,
                "outcome": t.outcome,
                "counts": t.counts,
                "objections": [o.as_json() for o in t.objections],
            }
            for t in previous.topics
        ],
        "changes": [
            {"id": t.id, "change": t.change, "fields": list(t.changed_fields)}
            for t in current.topics
        ],
        "removed": [{"id": key, "title": title} for key, title in current.removed],
        "superior": (
            {"decision": previous.superior_decision, "text": previous.superior_text}
            if previous.superior_decision
            else None
        ),
    }
