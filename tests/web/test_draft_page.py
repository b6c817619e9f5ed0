"""The draft page saves everything with one button; close and discard ask first (issue 12)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from survey.models import Member, Round, RoundEvent, User
from survey.rounds import drafts
from survey.rounds.clock import utcnow


@pytest.fixture
def people(make_member: Callable[..., Member]) -> dict[str, Any]:
    chair = make_member("王书记", posts=("secretary",))
    inspector = make_member("李纪检", posts=("discipline",))
    officers = [make_member(f"民警{i:02d}") for i in range(6)]
    return {"chair": chair, "inspector": inspector, "officers": officers}


def new_draft(client: FlaskClient, second: User) -> str:
    response = client.post(
        "/secretary/rounds/new",
        data={"title": "征求意见", "min_answers": "5", "custodian2": second.public_id},
    )
    assert response.status_code == 302
    return response.headers["Location"].rsplit("/", 1)[-1]


def stored(session: Session, round_id: str) -> Round:
    session.expire_all()
    round_ = session.scalar(select(Round).where(Round.public_id == round_id))
    assert round_ is not None
    return round_


def draft_form(round_: Round, second: User, **changes: Any) -> dict[str, Any]:
    """What the page sends when nothing was touched, with ``changes`` on top."""
    data: dict[str, Any] = {
        "title": round_.title,
        "intro": round_.intro,
        "deadline": "",
        "min_answers": str(round_.min_answers),
        "custodian2": second.public_id,
        "members": [i.member.public_id for i in round_.invitations],
        "order": [s.key for s in round_.sections],
        "new_title": "",
    }
    data.update({f"title-{s.key}": s.title for s in round_.sections})
    data.update(changes)
    return data


def test_one_save_keeps_settings_participants_and_sections(
    as_secretary: FlaskClient, committee_user: User, people: Any, session: Session
) -> None:
    round_id = new_draft(as_secretary, committee_user)
    round_ = stored(session, round_id)
    first = round_.sections[0]
    data = draft_form(
        round_,
        committee_user,
        title="改过的标题",
        min_answers="7",
        members=[m.public_id for m in people["officers"][:3]],
        new_title="对执法办案的意见",
        **{f"title-{first.key}": "对班子的意见"},
    )
    page = as_secretary.get(f"/secretary/rounds/{round_id}").data.decode()
    assert page.count('id="save-draft"') == 1 and "save_settings" not in page
    response = as_secretary.post(f"/secretary/rounds/{round_id}/draft", data=data)
    assert response.status_code == 302
    round_ = stored(session, round_id)
    assert (round_.title, round_.min_answers) == ("改过的标题", 7)
    assert sorted(i.member.name for i in round_.invitations) == ["民警00", "民警01", "民警02"]
    titles = [s.title for s in round_.sections]
    assert titles[0] == "对班子的意见" and titles[-1] == "对执法办案的意见"


def test_a_refused_save_changes_nothing_and_shows_every_edit_again(
    as_secretary: FlaskClient, committee_user: User, people: Any, session: Session
) -> None:
    round_id = new_draft(as_secretary, committee_user)
    round_ = stored(session, round_id)
    first = round_.sections[0]
    data = draft_form(
        round_,
        committee_user,
        title="新标题",
        min_answers="2",
        members=[people["officers"][0].public_id],
        **{f"title-{first.key}": "改名的栏目"},
    )
    response = as_secretary.post(f"/secretary/rounds/{round_id}/draft", data=data)
    assert response.status_code == 400
    page = response.data.decode()
    assert 'value="新标题"' in page and 'value="改名的栏目"' in page
    assert page.count("checked") == 1, "the participants as sent, not as stored"
    round_ = stored(session, round_id)
    assert round_.title == "征求意见" and len(round_.invitations) == 6
    assert round_.sections[0].title != "改名的栏目"


def test_sections_move_up_and_down_and_keep_the_other_edits(
    as_secretary: FlaskClient, committee_user: User, people: Any, session: Session
) -> None:
    round_id = new_draft(as_secretary, committee_user)
    round_ = stored(session, round_id)
    keys = [s.key for s in round_.sections]
    data = draft_form(round_, committee_user, title="移动时也保存", move=f"{keys[-1]}:up")
    assert as_secretary.post(f"/secretary/rounds/{round_id}/draft", data=data).status_code == 302
    round_ = stored(session, round_id)
    assert [s.key for s in round_.sections] == [*keys[:-2], keys[-1], keys[-2]]
    assert [s.position for s in round_.sections] == list(range(len(keys)))
    assert round_.title == "移动时也保存"
    unknown = draft_form(round_, committee_user, order=["nosuchkey"])
    assert as_secretary.post(f"/secretary/rounds/{round_id}/draft", data=unknown).status_code == 400
    assert [s.key for s in stored(session, round_id).sections] == [*keys[:-2], keys[-1], keys[-2]]


def test_copy_as_new_draft_keeps_custom_sections_in_their_order(
    as_secretary: FlaskClient,
    committee_user: User,
    people: Any,
    session: Session,
    make_member: Callable[..., Member],
) -> None:
    round_id = new_draft(as_secretary, committee_user)
    round_ = stored(session, round_id)
    keys = [s.key for s in round_.sections]
    data = draft_form(round_, committee_user, new_title="对执法办案的意见")
    as_secretary.post(f"/secretary/rounds/{round_id}/draft", data=data)
    round_ = stored(session, round_id)
    added = round_.sections[-1].key
    data = draft_form(round_, committee_user, order=[added, *keys])  # the new one first
    as_secretary.post(f"/secretary/rounds/{round_id}/draft", data=data)
    make_member("赵宣传", posts=("publicity",))  # the committee changed since
    copied = as_secretary.post(f"/secretary/rounds/{round_id}/copy")
    copy = stored(session, copied.headers["Location"].rsplit("/", 1)[-1])
    titles = [s.title for s in copy.sections]
    assert titles[0] == "对执法办案的意见"
    assert titles[1] == "对支部班子的意见建议"
    assert any("赵宣传" in t for t in titles), "member sections follow today's committee"
    assert titles[-1] == "其他意见建议"
    assert [s.position for s in copy.sections] == list(range(len(titles)))


def test_the_text_for_officers_stays_editable_after_opening_and_is_logged(
    as_secretary: FlaskClient, open_round: Round, session: Session
) -> None:
    page = as_secretary.get(f"/secretary/rounds/{open_round.public_id}").data.decode()
    assert 'id="intro"' in page
    response = as_secretary.post(
        f"/secretary/rounds/{open_round.public_id}/intro", data={"intro": "截止时间延长到下周五"}
    )
    assert response.status_code == 302
    round_ = stored(session, open_round.public_id)
    assert round_.intro == "截止时间延长到下周五"
    keys = as_secretary.get(f"/api/v1/rounds/{open_round.public_id}/keys").get_json()
    assert keys["intro"] == "截止时间延长到下周五"
    query = select(RoundEvent).where(
        RoundEvent.round_id == round_.id, RoundEvent.kind == "intro_changed"
    )
    events = session.scalars(query).all()
    assert len(events) == 1
    log = as_secretary.get(f"/secretary/rounds/{open_round.public_id}/log").data.decode()
    assert "修改了给民警的说明" in log


def test_the_text_cannot_change_after_close(
    as_secretary: FlaskClient, open_round: Round, session: Session, secretary: User
) -> None:
    from survey.rounds.lifecycle import close_round

    close_round(session, open_round, secretary, now=utcnow())
    session.commit()
    with pytest.raises(Exception, match="until the round closes"):
        drafts.edit_intro(session, open_round, secretary, "新", now=utcnow())


def test_close_asks_first_on_a_page_saying_what_cannot_be_undone(
    as_secretary: FlaskClient, open_round: Round, session: Session
) -> None:
    dashboard = as_secretary.get(f"/secretary/rounds/{open_round.public_id}").data.decode()
    confirm_url = f"/secretary/rounds/{open_round.public_id}/close"
    assert f'href="{confirm_url}"' in dashboard
    assert f'action="{confirm_url}"' not in dashboard, "no one-click close on the dashboard"
    page = as_secretary.get(confirm_url)
    assert page.status_code == 200
    text = page.data.decode()
    assert "无法撤销" in text and "6" in text
    assert stored(session, open_round.public_id).state == "collecting", "asking closes nothing"
    assert as_secretary.post(confirm_url).status_code == 302
    assert stored(session, open_round.public_id).state == "closed"
    assert as_secretary.get(confirm_url).status_code == 302, "nothing left to confirm"


def test_discard_asks_first_too(
    as_secretary: FlaskClient, open_round: Round, session: Session
) -> None:
    url = f"/secretary/rounds/{open_round.public_id}/discard"
    assert as_secretary.get(url).status_code == 302, "only a round below the minimum"
    as_secretary.post(f"/secretary/rounds/{open_round.public_id}/close")
    dashboard = as_secretary.get(f"/secretary/rounds/{open_round.public_id}").data.decode()
    assert f'href="{url}"' in dashboard and f'action="{url}"' not in dashboard
    text = as_secretary.get(url).data.decode()
    assert "无法撤销" in text and "收到 0 份意见" in text
    assert stored(session, open_round.public_id).state == "closed"
    assert as_secretary.post(url).status_code == 302
    assert stored(session, open_round.public_id).state == "discarded"
