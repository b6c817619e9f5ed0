"""The meeting-topics loop through the services and the wire protocol (no browser).

Versions, a consultation per version on the collection machinery, dispositions, the record of
v shown with v+1, finalising rules and the exports; attacks on linking responses.
"""

from __future__ import annotations

import io
import itertools
from typing import Any

import docx
import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import inspect, select
from sqlalchemy.orm import Session

from survey.models import Invitation, Round, TopicResponse, TopicVersion, User
from survey.rounds.clock import utcnow
from survey.topics import drafting, finalising, publishing, review
from survey.topics.exports import write_docx, write_markdown
from survey.topics.record import build_record, export_json
from tests.topics_support import TOPICS, Consulting, finish, publish, responses


def first_version(app: Flask, session: Session, client: FlaskClient, round_: Round) -> Consulting:
    return publish(app, session, client, round_, list(TOPICS))


def test_publish_makes_a_consultation_with_fresh_invitations(
    app: Flask, session: Session, client: FlaskClient, answered: Round
) -> None:
    consulting = first_version(app, session, client, answered)
    consultation = consulting.consultation
    assert consultation.kind == "consultation" and consultation.parent_id == answered.id
    assert consultation.version == 1 and consultation.state == "collecting"
    assert consultation.min_answers == answered.min_answers
    assert {consultation.custodian1_id, consultation.custodian2_id} == {
        answered.custodian1_id,
        answered.custodian2_id,
    }
    before = {i.member_id for i in answered.invitations if not i.superseded}
    after = {i.member_id for i in consultation.invitations}
    assert before == after
    old_hashes = {i.code_hash for i in answered.invitations}
    assert not old_hashes & {i.code_hash for i in consultation.invitations}
    assert consultation.fingerprint != answered.fingerprint
    keys = consulting.officer.keys
    assert keys["kind"] == "consultation" and keys["version"] == 1 and keys["sections"] == []
    assert [t["title"] for t in keys["topics"]] == [t.title for t in TOPICS]
    assert "record" not in keys
    assert answered.state == "consulting"


def test_answer_round_keys_say_answers(client: FlaskClient, answered: Round) -> None:
    keys = client.get(f"/api/v1/rounds/{answered.public_id}/keys").json
    assert keys["kind"] == "answers"


def respond_v1(consulting: Consulting, keys: list[str], objecting: int) -> None:
    """``objecting`` people object to the first topic; the rest agree; all suggest on the 2nd."""
    for n in range(len(consulting.codes)):
        first = ("object", f"第{n}条理由：范围太窄") if n < objecting else ("agree", "")
        consulting.respond({keys[0]: first, keys[1]: ("suggest", "")}, comment="")


def test_whole_loop_objection_disposition_v2_final_export(
    app: Flask,
    session: Session,
    client: FlaskClient,
    answered: Round,
    secretary: User,
    committee_user: User,
) -> None:
    v1 = first_version(app, session, client, answered)
    keys = [t["id"] for t in v1.officer.keys["topics"]]
    v1.respond({keys[0]: ("object", "议题一范围太窄"), keys[1]: ("agree", "")}, "希望尽快开会")
    v1.respond({keys[0]: ("object", ""), keys[1]: ("suggest", "加上辅警培训")})
    for _ in range(3):
        v1.respond({keys[0]: ("agree", ""), keys[1]: ("agree", "")})
    finish(app, session, v1, secretary)
    record = build_record(session, answered).versions[0]
    first = record.topics[0]
    assert first.counts == {"agree": 3, "object": 2, "suggest": 0, "none": 0}
    assert [o.text for o in first.objections] == sorted(["议题一范围太窄", "（未说明理由）"])
    assert record.topics[1].suggestions == ("加上辅警培训",)
    assert record.comments == ("希望尽快开会",)

    with app.test_request_context():
        with pytest.raises(finalising.FinaliseRefused):
            finalising.finalise_topics(session, answered, committee_user, now=utcnow())
        with pytest.raises(drafting.TopicsLocked):
            drafting.set_topics(session, answered, list(TOPICS), None, now=utcnow())
            publishing.publish_version(session, answered, None, deadline=None, now=utcnow())
    for objection in first.objections:
        with app.test_request_context():
            review.dispose_objection(
                session,
                answered,
                objection.id,
                "adopted",
                "扩大到备勤",
                committee_user,
                now=utcnow(),
            )
    changed = [
        drafting.TopicSpec(
            title="值班备勤制度",
            problem=TOPICS[0].problem + "，备勤室条件差",
            outcome=TOPICS[0].outcome,
            key=keys[0],
        ),
        drafting.TopicSpec(
            title=TOPICS[1].title,
            problem=TOPICS[1].problem,
            outcome=TOPICS[1].outcome,
            key=keys[1],
        ),
    ]
    v2 = publish(app, session, client, answered, changed)
    keys2 = v2.officer.keys
    assert [t["id"] for t in keys2["topics"]] == keys, "carried-over topics keep their ids"
    shown = keys2["record"]
    assert shown["version"] == 1
    assert shown["topics"][0]["counts"]["object"] == 2
    assert all(o["disposition"]["kind"] == "adopted" for o in shown["topics"][0]["objections"])
    assert shown["changes"][0] == {"id": keys[0], "change": "changed", "fields": ["problem"]}
    assert shown["changes"][1]["change"] == "same"
    for _ in range(5):
        v2.respond({keys[0]: ("agree", ""), keys[1]: ("agree", "")})
    finish(app, session, v2, secretary)
    with app.test_request_context():
        version = finalising.finalise_topics(session, answered, committee_user, now=utcnow())
    assert version.number == 2 and version.final_mode == "strict" and answered.state == "final"
    data = export_json(build_record(session, answered))
    assert data["final"] is True and data["final_mode"] == "strict"
    assert [v["version"] for v in data["versions"]] == [1, 2]
    assert data["versions"][1]["topics"][0]["counts"] == {
        "agree": 5,
        "object": 0,
        "suggest": 0,
        "none": 0,
    }
    objection = data["versions"][0]["topics"][0]["objections"][0]
    assert set(objection) == {"id", "text", "disposition"}
    with app.test_request_context():
        document = docx.Document(io.BytesIO(write_docx(build_record(session, answered))))
        markdown = write_markdown(build_record(session, answered))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "民主生活会议题及目标" in text and "备勤室条件差" in text
    assert "值班备勤制度" in markdown
    with app.test_request_context(), pytest.raises(review.ReviewLocked):
        review.dispose_objection(
            session, answered, objection["id"], "explained", "x", committee_user, now=utcnow()
        )


def test_explained_mode_needs_an_explanation_for_every_objection(
    app: Flask,
    session: Session,
    client: FlaskClient,
    answered: Round,
    secretary: User,
    committee_user: User,
) -> None:
    answered.branch.topics_final_mode = "explained"
    v1 = first_version(app, session, client, answered)
    keys = [t["id"] for t in v1.officer.keys["topics"]]
    respond_v1(v1, keys, objecting=1)
    finish(app, session, v1, secretary)
    (objection,) = build_record(session, answered).versions[0].topics[0].objections
    with app.test_request_context():
        review.dispose_objection(
            session, answered, objection.id, "partly", "部分采纳", committee_user, now=utcnow()
        )
        with pytest.raises(finalising.FinaliseRefused, match="说明"):
            finalising.finalise_topics(session, answered, committee_user, now=utcnow())
        review.dispose_objection(
            session,
            answered,
            objection.id,
            "explained",
            "属于所务会议题",
            committee_user,
            now=utcnow(),
        )
        version = finalising.finalise_topics(session, answered, committee_user, now=utcnow())
        assert version.final_mode == "explained"
        assert "均已作出说明" in write_markdown(build_record(session, answered))


def test_finalise_refused_before_unseal_and_for_non_committee(
    app: Flask, session: Session, client: FlaskClient, answered: Round, secretary: User
) -> None:
    first_version(app, session, client, answered)
    secretary.roles = {"secretary"}
    with app.test_request_context(headers={"Accept-Language": "en"}):
        with pytest.raises(finalising.FinaliseRefused, match="not unsealed"):
            finalising.finalise_topics(session, answered, None, now=utcnow())
        with pytest.raises(Exception, match="committee"):
            finalising.finalise_topics(session, answered, secretary, now=utcnow())


def test_unknown_carried_id_and_empty_goals_are_refused(
    app: Flask, session: Session, answered: Round
) -> None:
    with app.test_request_context():
        bad_key = drafting.TopicSpec(title="x", problem="p", outcome="o", key="nosuchtopic")
        with pytest.raises(drafting.TopicsRefused):
            drafting.set_topics(session, answered, [bad_key], None, now=utcnow())
        no_goal = drafting.TopicSpec(title="x", problem="", outcome="o")
        with pytest.raises(drafting.TopicsRefused):
            drafting.set_topics(session, answered, [no_goal], None, now=utcnow())
    assert session.scalars(select(TopicVersion)).all() == [] or all(
        not v.topics for v in session.scalars(select(TopicVersion))
    )


def test_topic_from_theme_is_prefilled(app: Flask, session: Session, answered: Round) -> None:
    from survey.models import Theme

    theme = session.scalars(select(Theme).where(Theme.round_id == answered.id)).first()
    assert theme is not None
    with app.test_request_context():
        spec = drafting.spec_from_theme(session, answered, theme.id)
    assert spec.title == theme.heading and spec.themes == [theme.id] and spec.items
    assert spec.problem


# --- anonymity ---------------------------------------------------------------------------------


def test_responses_carry_nothing_personal(session: Session) -> None:
    columns = {c.key for c in inspect(TopicResponse).columns}
    assert columns == {
        "id",
        "consultation_id",
        "topic_key",
        "stance",
        "text",
        "redacted",
        "disposition_kind",
        "disposition_text",
    }
    assert TopicResponse.__table__.kwargs.get("sqlite_with_rowid") is False


def test_attack_one_persons_responses_are_not_stored_together(
    app: Flask,
    session: Session,
    client: FlaskClient,
    answered: Round,
    secretary: User,
) -> None:
    """The attacker reads the rows in storage order (PostgreSQL heap order is insertion order)
    and pairs neighbours: without the shuffle each person's two responses would be adjacent."""
    v1 = first_version(app, session, client, answered)
    keys = [t["id"] for t in v1.officer.keys["topics"]]
    people = len(v1.codes)
    for n in range(people):
        v1.respond({keys[0]: ("object", f"甲{n:02d}"), keys[1]: ("suggest", f"乙{n:02d}")})
    finish(app, session, v1, secretary)
    stored = (
        session.execute(
            select(TopicResponse.text).where(TopicResponse.consultation_id == v1.consultation.id)
        )
        .scalars()
        .all()
    )
    assert len(stored) == 2 * people
    adjacent = sum(1 for a, b in itertools.pairwise(stored) if a[1:] == b[1:])
    # Shuffled, about 1 person in 12 is adjacent by chance; unshuffled, all 12 would be.
    assert adjacent < people // 2, stored


def test_consultation_invitations_link_to_nothing_of_the_answer_round(
    app: Flask, session: Session, client: FlaskClient, answered: Round
) -> None:
    v1 = first_version(app, session, client, answered)
    mine = session.scalars(
        select(Invitation).where(Invitation.round_id == v1.consultation.id)
    ).all()
    theirs = {(i.public_id, i.code_hash, i.blinded_hash) for i in answered.invitations}
    for invitation in mine:
        assert invitation.blinded_hash is None and not invitation.used
        assert (invitation.public_id, invitation.code_hash, None) not in theirs


def stored(session: Session, consultation: Round) -> list[Any]:
    return responses(session, consultation)
