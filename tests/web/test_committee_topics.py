"""The committee's topic pages: draft from themes, publish, review, dispose, redact, finalise."""

from __future__ import annotations

import io
import re
from typing import Any

import docx
import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from survey.models import Round, Theme, TopicVersion, User
from survey.rounds.clock import utcnow
from survey.topics import drafting
from tests.factories import log_in
from tests.rounds_support import OfficerClient, code_of, open_both_steps
from tests.topics_support import Consulting, consulting_of, finish

pytestmark = pytest.mark.usefixtures("english")


def page(client: FlaskClient, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def post(client: FlaskClient, url: str, **data: Any) -> str:
    response = client.post(url, data=data, follow_redirects=True)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def consulting_from_web(
    app: Flask, session: Session, client: FlaskClient, round_: Round
) -> Consulting:
    """The consultation the page published, opened by both custodians, with its codes."""
    session.expire_all()
    version = session.scalars(
        select(TopicVersion)
        .where(TopicVersion.round_id == round_.id, TopicVersion.published.is_(True))
        .order_by(TopicVersion.number.desc())
    ).first()
    assert version is not None and version.consultation is not None
    return consulting_of(app, session, client, version.consultation)


def test_draft_publish_review_dispose_finalise(
    app: Flask,
    session: Session,
    client: FlaskClient,
    answered: Round,
    secretary: User,
    committee_user: User,
) -> None:
    log_in(client, committee_user.username)
    base = f"/committee/rounds/{answered.public_id}/topics"
    assert "Meeting topics" in page(client, f"/committee/rounds/{answered.public_id}")
    overview = page(client, base)
    theme = session.scalars(select(Theme).where(Theme.round_id == answered.id)).first()
    assert theme is not None and f"from-theme/{theme.id}" in overview
    prefilled = page(client, f"{base}/from-theme/{theme.id}")
    assert theme.heading in prefilled
    items = re.search(r'name="items" type="hidden" value="([^"]*)"', prefilled)
    assert items and items.group(1)
    done = post(
        client,
        f"{base}/add",
        title=theme.heading,
        problem="值班问题",
        outcome="形成办法",
        themes=theme.id,
        items=items.group(1),
        owner="",
    )
    assert "Saved." in done and "值班问题" in done
    post(client, f"{base}/add", title="业务培训", problem="培训少", outcome="每季度培训", owner="")
    refused = client.post(
        f"{base}/add", data={"title": "x", "problem": "", "outcome": "o"}, follow_redirects=True
    )
    assert "Say which problem" in refused.get_data(as_text=True)
    draft = drafting.current_draft(session, answered)
    assert draft is not None and len(draft.topics) == 2
    first, second = sorted(draft.topics, key=lambda t: t.position)
    assert first.theme_ids == [theme.id] and first.item_ids
    post(client, f"{base}/{second.key}/move", step="up")
    session.refresh(second)
    assert second.position == 0
    post(
        client,
        f"{base}/{second.key}/edit",
        title="业务培训",
        problem="培训次数少",
        outcome="每季度培训",
        owner="",
    )
    published = post(client, f"{base}/publish", deadline="")
    assert "Version 1" in published
    v1 = consulting_from_web(app, session, client, answered)
    keys = [t["id"] for t in v1.officer.keys["topics"]]
    assert keys == [second.key, first.key]
    v1.respond(
        {keys[0]: ("object", "电话13812345678的同志说培训太少"), keys[1]: ("agree", "")},
        "会期请提前通知",
    )
    for _ in range(4):
        v1.respond({keys[0]: ("agree", ""), keys[1]: ("suggest", "值班表公开")})
    finish(app, session, v1, secretary)
    assert client.get(f"/committee/rounds/{v1.consultation.public_id}").status_code == 302
    review = page(client, f"{base}/v/1")
    assert "No disposition yet" in review and "值班表公开" in review and "会期请提前通知" in review
    finalise = post(client, f"{base}/finalise")
    assert "holds 1 objections" in finalise
    objection = re.search(r"/objections/([a-z0-9]+)/dispose", review)
    assert objection
    oid = objection.group(1)
    redacted = post(client, f"{base}/responses/{oid}/redact", text="有同志说培训太少")
    assert "有同志说培训太少（已删改）" in redacted and "13812345678" not in redacted
    missing = post(client, f"{base}/objections/{oid}/dispose", kind="adopted", text="")
    assert "Say what was done" in missing
    post(client, f"{base}/objections/{oid}/dispose", kind="adopted", text="增加培训次数")
    post(
        client,
        f"{base}/{second.key}/edit",
        title="业务培训",
        problem="培训次数少、形式单一",
        outcome="每季度培训",
        owner="",
    )
    post(client, f"{base}/publish", deadline="")
    v2 = consulting_from_web(app, session, client, answered)
    assert v2.officer.keys["record"]["topics"][0]["objections"][0]["disposition"]["kind"] == (
        "adopted"
    )
    for _ in range(5):
        v2.respond({keys[0]: ("agree", ""), keys[1]: ("agree", "")})
    finish(app, session, v2, secretary)
    final = post(client, f"{base}/finalise")
    assert "Saved." in final
    session.refresh(answered)
    assert answered.state == "final"
    word = client.get(f"{base}/export.docx")
    assert word.status_code == 200
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(word.data)).paragraphs)
    assert "培训次数少、形式单一" in text
    assert client.get(f"{base}/export.json").json["final"] is True
    assert client.get(f"{base}/request.docx").status_code == 200
    late = post(client, f"{base}/objections/{oid}/dispose", kind="explained", text="x")
    assert "final" in late


def test_a_consultation_round_has_no_topics_page(
    app: Flask, session: Session, client: FlaskClient, answered: Round, committee_user: User
) -> None:
    log_in(client, committee_user.username)
    with app.test_request_context():
        drafting.set_topics(
            session, answered, [drafting.TopicSpec("t", "p", "o")], None, now=utcnow()
        )
    client.post(f"/committee/rounds/{answered.public_id}/topics/publish", data={"deadline": ""})
    version = session.scalars(select(TopicVersion)).first()
    assert version is not None and version.consultation is not None
    url = f"/committee/rounds/{version.consultation.public_id}/topics"
    assert client.get(url).status_code == 404


def test_other_roles_cannot_see_topics(
    session: Session, client: FlaskClient, answered: Round, secretary: User
) -> None:
    secretary.roles = {"secretary"}
    session.flush()
    log_in(client, secretary.username)
    assert client.get(f"/committee/rounds/{answered.public_id}/topics").status_code == 403


@pytest.mark.settings(REWRITE_STORAGE_AFTER_UNSEAL=False)
def test_custodians_open_and_unseal_a_consultation_on_the_web(
    app: Flask,
    session: Session,
    client: FlaskClient,
    answered: Round,
    secretary: User,
    committee_user: User,
) -> None:
    """The consultation goes through the round pages: draft page, both opening steps, the
    secretary's dashboard, the custodians' unseal pages; afterwards its page leads to the
    version's review."""
    with app.test_request_context():
        drafting.set_topics(
            session,
            answered,
            [drafting.TopicSpec("值班", "夜班休息", "补休办法")],
            None,
            now=utcnow(),
        )
    log_in(client, secretary.username)
    client.post(f"/committee/rounds/{answered.public_id}/topics/publish", data={"deadline": ""})
    session.expire_all()
    version = session.scalars(select(TopicVersion)).one()
    consultation = version.consultation
    assert consultation is not None and consultation.state == "draft"
    cid = consultation.public_id
    assert "民主生活会" in page(client, f"/secretary/rounds/{cid}")
    part1, part2 = open_both_steps(app, client, committee_user, cid)
    session.expire_all()
    assert consultation.state == "collecting" and consultation.fingerprint
    assert page(client, f"/secretary/rounds/{cid}")
    officer = OfficerClient(client, cid)
    keys = officer.fetch_keys()
    consulting = Consulting(
        consultation, (part1, part2), officer, [code_of(i) for i in consultation.invitations]
    )
    while consulting.codes:
        consulting.respond({keys["topics"][0]["id"]: ("agree", "")})
    close = client.post(f"/secretary/rounds/{cid}/close")
    assert close.status_code in (302, 200)
    session.expire_all()
    assert consultation.state == "closed"
    # Each custodian gives their own part, in their own login (survey/custodian/).
    from tests.unseal_support import post_unseal

    unsealed = post_unseal(app, consultation, part1, part2)
    assert unsealed.status_code == 302
    review = client.get(f"/committee/rounds/{cid}", follow_redirects=True)
    assert "Agree" in review.get_data(as_text=True) and review.request.path.endswith("/v/1")
