"""The read model of a round's topics: every version with its consultation record.

Pages, the officers' ``record``, the superior's view and the exports all read it here, so they
say the same thing in the same order. Stable ids trace item → theme → topic → version →
objection → disposition.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from survey.models import Round, Topic, TopicResponse, TopicVersion
from survey.rounds.invitations import used_count
from survey.rounds.queries import PUBLIC_STATES
from survey.rounds.requirements import current_invitations
from survey.topics.drafting import versions
from survey.topics.review import responses_of, shown_text

STANCE_KEYS = ("agree", "object", "suggest")
FIELDS = ("title", "problem", "outcome")


@dataclass(frozen=True)
class ObjectionRecord:
    id: str
    text: str
    disposition_kind: str | None
    disposition_text: str

    def as_json(self) -> dict[str, object]:
        disposition = (
            {"kind": self.disposition_kind, "text": self.disposition_text}
            if self.disposition_kind
            else None
        )
        return {"id": self.id, "text": self.text, "disposition": disposition}


@dataclass(frozen=True)
class TopicRecord:
    id: str
    title: str
    problem: str
    outcome: str
    owner: str | None
    theme_ids: tuple[str, ...]
    item_ids: tuple[str, ...]
    counts: dict[str, int] | None
    objections: tuple[ObjectionRecord, ...] = ()
    suggestions: tuple[str, ...] = ()
    # Against the previous version: "new", "changed" (with the fields) or "same".
    change: str = "new"
    changed_fields: tuple[str, ...] = ()


@dataclass(frozen=True)
class VersionRecord:
    number: int
    published: bool
    consultation_id: str | None
    state: str | None
    topics: tuple[TopicRecord, ...]
    comments: tuple[str, ...] = ()
    removed: tuple[tuple[str, str], ...] = ()  # (id, title) of topics dropped since v-1
    participants: int = 0
    used: int = 0
    answers: int | None = None
    unreadable: int | None = None
    final_mode: str | None = None
    reported: bool = False
    superior_decision: str | None = None
    superior_text: str = ""
    superior_name: str = ""

    @property
    def unsealed(self) -> bool:
        return self.state == "unsealed"


@dataclass(frozen=True)
class TopicsRecord:
    round_id: str
    title: str
    versions: tuple[VersionRecord, ...] = field(default_factory=tuple)

    @property
    def final(self) -> VersionRecord | None:
        return next((v for v in self.versions if v.final_mode), None)

    @property
    def published(self) -> tuple[VersionRecord, ...]:
        return tuple(v for v in self.versions if v.published)


def build_record(session: Session, round_: Round, *, with_draft: bool = False) -> TopicsRecord:
    """Every published version (and the draft, when asked) with its consultation record."""
    found = [v for v in versions(session, round_) if v.published or with_draft]
    records: list[VersionRecord] = []
    previous: TopicVersion | None = None
    for version in found:
        records.append(version_record(session, version, previous))
        previous = version
    return TopicsRecord(round_.public_id, round_.title, tuple(records))


def version_record(
    session: Session, version: TopicVersion, previous: TopicVersion | None
) -> VersionRecord:
    consultation = version.consultation
    unsealed = consultation is not None and PUBLIC_STATES.get(consultation.state) == "unsealed"
    rows = responses_of(session, version) if unsealed else []
    answers = None
    if unsealed and consultation is not None:
        answers = (consultation.answers_at_close or 0) - (consultation.unreadable_answers or 0)
    before = {t.key: t for t in previous.topics} if previous else {}
    now_keys = {t.key for t in version.topics}
    return VersionRecord(
        number=version.number,
        published=version.published,
        consultation_id=consultation.public_id if consultation else None,
        state=PUBLIC_STATES.get(consultation.state) if consultation else None,
        topics=tuple(_topic_record(t, rows, answers, before.get(t.key)) for t in version.topics),
        comments=tuple(shown_text(r) for r in rows if r.stance == "comment"),
        removed=tuple((k, t.title) for k, t in before.items() if k not in now_keys),
        participants=len(current_invitations(consultation)) if consultation else 0,
        used=used_count(consultation) if consultation else 0,
        answers=answers,
        unreadable=consultation.unreadable_answers if unsealed and consultation else None,
        final_mode=version.final_mode,
        reported=version.reported,
        superior_decision=version.superior_decision,
        superior_text=version.superior_text,
        superior_name=version.superior.label if version.superior else "",
    )


def _topic_record(
    topic: Topic, rows: list[TopicResponse], answers: int | None, before: Topic | None
) -> TopicRecord:
    mine = [r for r in rows if r.topic_key == topic.key]
    counts = None
    if answers is not None:
        counts = {s: sum(1 for r in mine if r.stance == s) for s in STANCE_KEYS}
        counts["none"] = max(0, answers - sum(counts.values()))
    changed = tuple(
        f for f in FIELDS if before is not None and getattr(before, f) != getattr(topic, f)
    )
    return TopicRecord(
        id=topic.key,
        title=topic.title,
        problem=topic.problem,
        outcome=topic.outcome,
        owner=topic.owner.name if topic.owner else None,
        theme_ids=tuple(topic.theme_ids),
        item_ids=tuple(topic.item_ids),
        counts=counts,
        objections=tuple(
            ObjectionRecord(r.id, shown_text(r), r.disposition_kind, r.disposition_text)
            for r in mine
            if r.stance == "object"
        ),
        suggestions=tuple(shown_text(r) for r in mine if r.stance == "suggest" and r.text),
        change="new" if before is None else ("changed" if changed else "same"),
        changed_fields=changed,
    )


def export_json(record: TopicsRecord) -> dict[str, object]:
    """The JSON of ``survey topics export`` exactly as DESIGN.md section 7 pins it."""
    final = record.final
    return {
        "round_id": record.round_id,
        "final": final is not None,
        "final_mode": final.final_mode if final else None,
        "versions": [
            {
                "version": v.number,
                "consultation_id": v.consultation_id,
                "state": v.state,
                "topics": [
                    {
                        "id": t.id,
                        "title": t.title,
                        "problem": t.problem,
                        "outcome": t.outcome,
                        "owner": t.owner,
                        "themes": list(t.theme_ids),
                        "items": list(t.item_ids),
                        "counts": t.counts,
                        "objections": [o.as_json() for o in t.objections],
                        "suggestions": list(t.suggestions),
                    }
                    for t in v.topics
                ],
                "comments": list(v.comments),
            }
            for v in record.published
        ],
    }
