"""Round categories as the summary's first level (issue 11 item 2): unseal and re-group place
items under them, the committee moves a theme to another category (undoable), the pages and
exports show 类别 / 主题."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from survey.analysis.categories import place_in_categories
from survey.models import Branch, Member, OpinionItem, Round, Theme, User
from survey.rounds import categories
from survey.rounds.clock import utcnow
from survey.summary.query import build_summary
from tests.factories import log_in
from tests.unseal_support import (
    NO_REWRITE,
    close,
    make_branch_people,
    start_round,
    unseal,
)

pytestmark = NO_REWRITE

OWN = "值班备勤：值班 夜班 备勤 补休\n执法办案：执法 办案 卷宗 案件\n后勤保障：食堂 车辆 装备 伙食"
NAMES = ("值班备勤", "执法办案", "后勤保障")
ANSWERS: list[dict[int, str]] = [
    {0: "1. 值班安排要更合理，夜班后应保证休息\n2. 执法办案卷宗质量要提高"},
    {0: "夜班太多，值班备勤压力大", 1: "希望书记多到基层所队走访，听取民警意见"},
    {0: "（一）执法记录仪使用不规范（二）食堂伙食需要改善"},
    {0: "值班补休制度落实不到位；案件办理时限太紧"},
    {0: "车辆装备老旧，执法车辆不够用", 2: "其他：希望多组织文体活动"},
    {0: "食堂饭菜太咸，伙食费偏高"},
    {0: "夜班连轴转，补休没有保障", 1: "书记要多听不同意见"},
]


def build(
    app: Flask,
    session: Session,
    client: FlaskClient,
    branch: Branch,
    secretary: User,
    second: User,
    members: list[Member],
    lines: str = OWN,
) -> Round:
    """A round whose secretary set ``lines`` while it collected, unsealed through the API."""
    collecting = start_round(app, session, client, branch, secretary, second, members)
    with app.test_request_context():
        choice = categories.CategoryChoice("custom", lines)
        categories.set_categories(session, collecting.round, choice, actor=secretary, now=utcnow())
    for answer in ANSWERS:
        collecting.submit(answer)
    close(app, session, collecting.round, secretary)
    unseal(app, session, collecting.round, collecting.parts)
    session.refresh(collecting.round)
    return collecting.round


@pytest.fixture
def categorised(
    app: Flask,
    session: Session,
    client: FlaskClient,
    branch: Branch,
    secretary: User,
    committee_user: User,
    make_member: Callable[..., Member],
) -> Round:
    members = make_branch_people(make_member)
    round_ = build(app, session, client, branch, secretary, committee_user, members)
    log_in(client, committee_user.username)
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return round_


def themes_of(session: Session, round_: Round) -> dict[str, Theme]:
    session.expire_all()
    return {t.id: t for t in session.scalars(select(Theme).where(Theme.round_id == round_.id))}


def test_unseal_places_items_in_categories_then_groups_inside_each(
    session: Session, categorised: Round
) -> None:
    themes = themes_of(session, categorised)
    assert themes and {t.category for t in themes.values()} <= {*NAMES, None}
    team = categorised.sections[0]
    items = sorted(
        session.scalars(select(OpinionItem).where(OpinionItem.section_id == team.id)),
        key=lambda item: (item.text, item.id),
    )
    placed = place_in_categories(
        [item.text for item in items], categories.round_categories(categorised)
    )
    expected = [NAMES[i] if i is not None else None for i in placed.categories]
    # Every item's theme is in the category the item was placed in: no theme spans two.
    assert [themes[str(item.theme_id)].category for item in items] == expected
    assert {"值班备勤", "执法办案", "后勤保障"} <= set(expected)
    by_text = dict(zip([item.text for item in items], expected, strict=True))
    assert by_text["夜班太多，值班备勤压力大"] == "值班备勤"
    assert by_text["食堂饭菜太咸，伙食费偏高"] == "后勤保障"


def test_the_summary_reads_category_by_category(session: Session, categorised: Round) -> None:
    summary = build_summary(session, categorised)
    assert summary.category_names == NAMES
    team = summary.sections[0]
    names = [group.name for group in team.categories]
    assert names == [n for n in (*NAMES, None) if n in names]
    assert names[:3] == list(NAMES)
    assert [t for group in team.categories for t in group.themes] == list(team.themes)
    for group in team.categories:
        assert {theme.category for theme in group.themes} == {group.name}
        assert group.count == sum(theme.count for theme in group.themes)
    assert sum(group.count for group in team.categories) == team.count


def test_without_categories_the_summary_has_no_category_level(
    session: Session, unsealed: Round
) -> None:
    summary = build_summary(session, unsealed)
    assert summary.category_names == ()
    assert all(section.categories == () for section in summary.sections)
    assert {t.category for t in themes_of(session, unsealed).values()} == {None}
