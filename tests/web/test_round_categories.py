"""The secretary sets a round's categories (issue 11 item 2): none, a preset or our own lines;
refusals change nothing; a change after the draft is written to the round's log."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from survey.analysis.presets import PRESETS
from survey.errors import Conflict
from survey.models import Round, RoundEvent, User
from survey.rounds import categories
from survey.rounds.clock import utcnow
from tests.factories import log_in
from tests.unseal_support import Collecting, in_english
from tests.web.test_draft_page import draft_form, new_draft, stored

OWN = "值班备勤：值班 夜班 备勤\n执法办案：执法 办案 卷宗\n后勤保障：食堂、车辆，装备"


def save(client: FlaskClient, round_: Round, second: User, **changes: Any) -> Any:
    data = draft_form(round_, second, **changes)
    return client.post(f"/secretary/rounds/{round_.public_id}/draft", data=data)


def names(round_: Round) -> list[str]:
    return [category.name for category in categories.round_categories(round_)]


@pytest.fixture
def draft(
    as_secretary: FlaskClient, committee_user: User, session: Session, english: None
) -> Round:
    return stored(session, new_draft(as_secretary, committee_user))


def test_a_draft_has_no_categories_and_the_page_offers_the_presets(
    as_secretary: FlaskClient, draft: Round
) -> None:
    assert draft.categories == []
    page = as_secretary.get(f"/secretary/rounds/{draft.public_id}").data.decode()
    assert 'id="categories"' in page
    for key in PRESETS:
        assert f'value="{key}"' in page
    assert "政治建设、思想建设、组织建设、作风建设、纪律建设" in page


def test_a_preset_is_stored_with_its_cue_words(
    as_secretary: FlaskClient, committee_user: User, session: Session, draft: Round
) -> None:
    response = save(as_secretary, draft, committee_user, category_set="six_aspects")
    assert response.status_code == 302
    round_ = stored(session, draft.public_id)
    assert categories.round_categories(round_) == PRESETS["six_aspects"]
    page = as_secretary.get(f"/secretary/rounds/{draft.public_id}").data.decode()
    assert '<option selected value="six_aspects">' in page
    assert not session.scalars(
        select(RoundEvent).where(RoundEvent.kind == "categories_changed")
    ).all()


def test_our_own_lines_are_stored_in_order(
    as_secretary: FlaskClient, committee_user: User, session: Session, draft: Round
) -> None:
    response = save(as_secretary, draft, committee_user, category_set="custom", category_lines=OWN)
    assert response.status_code == 302
    round_ = stored(session, draft.public_id)
    assert round_.categories == [
        {"name": "值班备勤", "words": ["值班", "夜班", "备勤"]},
        {"name": "执法办案", "words": ["执法", "办案", "卷宗"]},
        {"name": "后勤保障", "words": ["食堂", "车辆", "装备"]},
    ]
    page = as_secretary.get(f"/secretary/rounds/{draft.public_id}").data.decode()
    assert '<option selected value="custom">' in page and "执法办案：执法 办案 卷宗" in page
    # Choosing none again clears them; a form without the field leaves them alone.
    assert save(as_secretary, round_, committee_user).status_code == 302
    assert names(stored(session, draft.public_id)) == ["值班备勤", "执法办案", "后勤保障"]
    assert save(as_secretary, round_, committee_user, category_set="none").status_code == 302
    assert stored(session, draft.public_id).categories == []


TWELVE = "\n".join(f"类别{i}：词{i}" for i in range(12))


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        ("值班：夜班\n：执法 办案", "Line 2: the category has no name."),
        ("值班：夜班\n值班：备勤", "Line 2: the category 「值班」 is named twice."),
        ("值班：夜班\n" + "长" * 21 + "：词", "Line 2: a category name has at most 20 characters."),
        (TWELVE + "\n类别12：词", "At most 12 categories."),
        ("值班：夜班", "Give at least 2 categories, one per line, or choose no categories."),
        ("", "Give at least 2 categories, one per line, or choose no categories."),
        ("值班：夜班\n未归类：其他", "Line 2: 「未归类」 is kept for the items no category took."),
    ],
)
def test_unsound_lines_are_refused_and_nothing_changes(
    as_secretary: FlaskClient,
    committee_user: User,
    session: Session,
    draft: Round,
    lines: str,
    message: str,
) -> None:
    before = save(as_secretary, draft, committee_user, category_set="four_winds")
    assert before.status_code == 302
    round_ = stored(session, draft.public_id)
    response = save(
        as_secretary,
        round_,
        committee_user,
        title="不该保存的标题",
        category_set="custom",
        category_lines=lines,
    )
    assert response.status_code == 400
    assert message in response.data.decode()
    round_ = stored(session, draft.public_id)
    assert round_.title == "征求意见"
    assert categories.round_categories(round_) == PRESETS["four_winds"]


def test_twelve_categories_are_enough(
    as_secretary: FlaskClient, committee_user: User, session: Session, draft: Round
) -> None:
    response = save(
        as_secretary, draft, committee_user, category_set="custom", category_lines=TWELVE
    )
    assert response.status_code == 302
    assert len(stored(session, draft.public_id).categories) == 12


def test_an_unknown_set_is_refused(
    as_secretary: FlaskClient, committee_user: User, session: Session, draft: Round
) -> None:
    response = save(as_secretary, draft, committee_user, category_set="eight_honours")
    assert response.status_code == 400
    assert "Unknown set of categories." in response.data.decode()
    assert stored(session, draft.public_id).categories == []


def test_a_change_while_collecting_is_logged_and_a_refusal_changes_nothing(
    client: FlaskClient,
    session: Session,
    secretary: User,
    collecting: Collecting,
    english: None,
) -> None:
    round_ = collecting.round
    log_in(client, secretary.username)
    page = client.get(f"/secretary/rounds/{round_.public_id}").data.decode()
    assert 'id="categories"' in page and "secretary/rounds/" in page
    url = f"/secretary/rounds/{round_.public_id}/categories"
    response = client.post(url, data={"category_set": "custom", "category_lines": OWN})
    assert response.status_code == 302
    assert response.headers["Location"].endswith("#categories")
    refused = client.post(
        url, data={"category_set": "custom", "category_lines": "值班：夜班"}, follow_redirects=True
    )
    assert "Give at least 2 categories" in refused.data.decode()
    assert client.post(url, data={"category_set": "custom", "category_lines": OWN}).status_code
    client.post(url, data={"category_set": "areas"})
    session.expire_all()
    assert names(round_) == ["队伍建设", "业务工作", "党支部工作"]
    events = session.scalars(
        select(RoundEvent)
        .where(RoundEvent.round_id == round_.id, RoundEvent.kind == "categories_changed")
        .order_by(RoundEvent.id)
    ).all()
    # Two changes: none → ours, ours → the areas; the refusal and the repeat are not logged.
    assert [e.detail["previous"].split("\n")[0] for e in events] == ["", "值班备勤：值班 夜班 备勤"]
    assert events[1].detail["current"].startswith("队伍建设：")
    assert events[0].actor_id == secretary.id
    log = client.get(f"/secretary/rounds/{round_.public_id}/log").data.decode()
    assert "Categories changed" in log and "before: none; now: 值班备勤、执法办案、后勤保障" in log


def test_categories_cannot_change_after_unseal_nor_on_a_consultation(
    app: Flask, session: Session, unsealed: Round, secretary: User
) -> None:
    choice = categories.CategoryChoice("areas")
    with in_english(app):
        with pytest.raises(Conflict, match="only until the answers are unsealed"):
            categories.set_categories(session, unsealed, choice, actor=secretary, now=utcnow())
        consultation = Round(
            branch=unsealed.branch,
            title="议题征求意见",
            kind="consultation",
            state="draft",
            created_on=unsealed.created_on,
        )
        with pytest.raises(Conflict, match="A consultation has no categories"):
            categories.set_categories(session, consultation, choice, actor=secretary, now=utcnow())
    assert unsealed.categories == []


def test_a_copied_round_keeps_the_categories(
    as_secretary: FlaskClient, committee_user: User, session: Session, draft: Round
) -> None:
    save(as_secretary, draft, committee_user, category_set="six_disciplines")
    response = as_secretary.post(f"/secretary/rounds/{draft.public_id}/copy")
    copy = stored(session, response.headers["Location"].rsplit("/", 1)[-1])
    assert copy.public_id != draft.public_id
    assert categories.round_categories(copy) == PRESETS["six_disciplines"]


def test_the_command_line_sets_shows_and_refuses(
    runner: Any, session: Session, collecting: Collecting
) -> None:
    round_id = collecting.round.public_id
    shown = runner.invoke(args=["round", "categories", round_id])
    assert shown.exit_code == 0 and shown.stdout.strip() == "no categories"
    preset = runner.invoke(args=["round", "categories", round_id, "--preset", "four_winds"])
    assert preset.exit_code == 0, preset.output
    assert preset.stdout.splitlines()[0].startswith("形式主义：文山会海 ")
    own = runner.invoke(args=["round", "categories", round_id, "--file", "-"], input=OWN)
    assert own.exit_code == 0 and own.stdout.splitlines()[1] == "执法办案：执法 办案 卷宗"
    bad = runner.invoke(args=["round", "categories", round_id, "--file", "-"], input="值班：夜班")
    assert bad.exit_code == 1 and "请至少填写 2 个类别" in bad.stderr
    both = runner.invoke(args=["round", "categories", round_id, "--none", "--preset", "areas"])
    assert both.exit_code != 0
    session.expire_all()
    assert names(collecting.round) == ["值班备勤", "执法办案", "后勤保障"]
    logged = session.scalars(
        select(RoundEvent).where(
            RoundEvent.round_id == collecting.round.id, RoundEvent.kind == "categories_changed"
        )
    ).all()
    assert len(logged) == 2 and all(event.actor_id is None for event in logged)
