"""Round categories as the summary's first level (issue 11 item 2): unseal and re-group place
items under them, the committee moves a theme to another category (undoable), the pages and
exports show 类别 / 主题."""

from __future__ import annotations

import csv
import html
import io
import json
from collections.abc import Callable
from datetime import date

import pytest
from docx import Document
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from survey.analysis.categories import place_in_categories
from survey.models import Branch, Member, OpinionItem, Round, RoundEvent, Theme, User
from survey.rounds import categories
from survey.rounds.clock import utcnow
from survey.summary.query import build_summary
from tests.factories import log_in
from tests.summary_support import last_edit, undo, url
from tests.unseal_support import NO_REWRITE, build_unsealed, make_branch_people
from tests.web.test_html_ids import ids_of, repeated

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

    def set_lines(round_: Round) -> None:
        with app.test_request_context():
            choice = categories.CategoryChoice("custom", lines)
            categories.set_categories(session, round_, choice, actor=secretary, now=utcnow())

    return build_unsealed(
        app, session, client, branch, secretary, second, members, ANSWERS, set_lines
    )


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


def team_groups(session: Session, round_: Round) -> dict[str | None, list[str]]:
    session.expire_all()
    team = build_summary(session, round_).sections[0]
    return {group.name: [str(t.id) for t in group.themes] for group in team.categories}


def test_the_page_shows_a_heading_per_category_with_its_count(
    client: FlaskClient, session: Session, categorised: Round
) -> None:
    page = client.get(url(categorised, "")[:-1]).data.decode()
    assert repeated(ids_of(page)) == []
    team = build_summary(session, categorised).sections[0]
    positions = []
    for group in team.categories:
        heading = f'<h3 class="category-heading">{group.name or "Not categorised"} '
        assert heading in page
        assert f'{heading}<span class="count">{group.count} items</span></h3>' in page
        positions.append(page.index(heading))
        for theme in group.themes:
            if theme.id:
                assert page.index(f'id="theme-{theme.id}"') > positions[-1]
    assert positions == sorted(positions)
    # The chart names each theme with its category (headings repeat across categories).
    first = team.categories[0]
    assert (
        f"<title>{first.name} / {first.themes[0].heading}: {first.themes[0].count}</title>" in page
    )
    # Each theme offers the round's categories (and none) in its actions.
    assert page.count('name="category"') == sum(
        1 for group in team.categories for theme in group.themes if theme.id
    ) + sum(
        1
        for section in build_summary(session, categorised).sections[1:]
        for theme in section.themes
        if theme.id
    )


def test_the_committee_moves_a_theme_to_another_category_and_undoes_it(
    client: FlaskClient, session: Session, categorised: Round
) -> None:
    before = team_groups(session, categorised)
    theme_id = before["后勤保障"][0]
    page = client.get(url(categorised, f"themes/{theme_id}")).data.decode()
    assert "Category: 后勤保障" in page and 'action="/committee/rounds/' in page
    assert repeated(ids_of(page)) == []
    response = client.post(
        url(categorised, f"themes/{theme_id}/category"), data={"category": "执法办案"}
    )
    assert response.status_code == 302
    after = team_groups(session, categorised)
    assert theme_id in after["执法办案"] and theme_id not in after.get("后勤保障", [])
    edit = last_edit(session, categorised)
    assert edit.detail["action"] == "set_theme_category"
    assert edit.detail["changes"] == [
        {
            "kind": "theme",
            "id": theme_id,
            "field": "category",
            "before": "后勤保障",
            "after": "执法办案",
        }
    ]
    topics = client.get(url(categorised, "topics")).data.decode()
    assert f"执法办案 / {themes_of(session, categorised)[theme_id].heading} " in topics
    changes = client.get(url(categorised, "changes")).data.decode()
    assert "Theme category changed" in changes and "后勤保障 → 执法办案" in changes
    # To none (未归类), then the undo puts it back where it was.
    client.post(url(categorised, f"themes/{theme_id}/category"), data={"category": ""})
    assert theme_id in team_groups(session, categorised)[None]
    undo(client, categorised, last_edit(session, categorised))
    assert theme_id in team_groups(session, categorised)["执法办案"]
    first = [
        e for e in edits_of(session, categorised) if e.detail["action"] == "set_theme_category"
    ]
    undo(client, categorised, first[-1])
    assert team_groups(session, categorised) == before


def edits_of(session: Session, round_: Round) -> list[RoundEvent]:
    return list(
        session.scalars(
            select(RoundEvent)
            .where(RoundEvent.round_id == round_.id, RoundEvent.kind == "summary_edited")
            .order_by(RoundEvent.id.desc())
        )
    )


@pytest.mark.parametrize(
    ("category", "message"),
    [
        ("纪律建设", "Choose one of the round's categories."),
        ("后勤保障", "already in this category"),
    ],
)
def test_a_category_the_round_lacks_or_the_same_one_is_refused(
    client: FlaskClient, session: Session, categorised: Round, category: str, message: str
) -> None:
    before = team_groups(session, categorised)
    theme_id = before["后勤保障"][0]
    response = client.post(
        url(categorised, f"themes/{theme_id}/category"),
        data={"category": category},
        follow_redirects=True,
    )
    assert message in html.unescape(response.data.decode())
    assert team_groups(session, categorised) == before
    assert edits_of(session, categorised) == []


def test_a_split_keeps_the_category_of_its_theme(
    client: FlaskClient, session: Session, categorised: Round
) -> None:
    theme_id = next(ids for name, ids in team_groups(session, categorised).items() if name)[0]
    items = session.scalars(select(OpinionItem).where(OpinionItem.theme_id == theme_id)).all()
    if len(items) < 2:
        pytest.skip("the first category's largest theme has one item")
    category = themes_of(session, categorised)[theme_id].category
    client.post(
        url(categorised, f"themes/{theme_id}/split"),
        data={"item": [items[0].id], "heading": "拆出"},
    )
    made = [t for t in themes_of(session, categorised).values() if t.label == "拆出"]
    assert [t.category for t in made] == [category]


def test_the_word_table_reads_category_then_theme(
    client: FlaskClient, session: Session, categorised: Round
) -> None:
    response = client.get(url(categorised, "export.docx"))
    document = Document(io.BytesIO(response.data))
    items = document.tables[0]
    assert [cell.text for cell in items.rows[0].cells][3] == "Category (theme)"
    column = [row.cells[3].text for row in items.rows[1:]]
    team = build_summary(session, categorised).sections[0]
    expected = [
        f"{group.name or 'Not categorised'} / {theme.heading or 'Not in a theme'}"
        for group in team.categories
        for theme in group.themes
        for _item in theme.items
    ]
    assert column == expected
    assert column[0].startswith("值班备勤 / ")
    counts = [row.cells[0].text for row in document.tables[1].rows[1:-1]]
    assert counts == list(dict.fromkeys(expected))
    # The 意见反馈单 of a committee member reads the same way for the committee's part.
    member = next(s for s in build_summary(session, categorised).sections if s.kind == "member")
    sheet = client.get(url(categorised, f"feedback/{member.key}.docx"))
    team_table = Document(io.BytesIO(sheet.data)).tables[-1]
    assert [row.cells[2].text for row in team_table.rows[1:]] == expected


def test_json_markdown_and_csv_carry_the_category(
    client: FlaskClient, session: Session, categorised: Round
) -> None:
    summary = build_summary(session, categorised)
    team = summary.sections[0]
    document = json.loads(client.get(url(categorised, "export.json")).data)
    assert document["categories"] == list(NAMES)
    section = document["sections"][0]
    assert [g["name"] for g in section["categories"]] == [g.name for g in team.categories]
    assert [t["category"] for t in section["themes"]] == [t.category for t in team.themes]
    markdown = client.get(url(categorised, "export.md")).data.decode()
    assert f"### 值班备勤 ({team.categories[0].count})" in markdown
    assert (
        markdown.index("### 值班备勤")
        < markdown.index("### 执法办案")
        < markdown.index("### 后勤保障")
    )
    assert "\n#### " in markdown
    for fmt in ("json", "md", "csv"):
        # Round categories, never the participants' Party categories (DESIGN §3).
        export = client.get(url(categorised, f"export.{fmt}")).data.decode("utf-8-sig")
        for word in ("probationary", "non_member", "party_member", "预备党员", "非党员"):
            assert word not in export
    body = client.get(url(categorised, "export.csv")).data.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[0][:3] == ["Section", "Summary category", "Theme"]
    expected = [
        (t.category or "Not categorised", t.heading or "Not in a theme")
        for t in team.themes
        for _item in t.items
    ]
    assert [(row[1], row[2]) for row in rows[1:] if row[0] == team.title and row[3]] == expected


def test_items_typed_in_after_unseal_form_new_themes_inside_the_categories(
    client: FlaskClient, session: Session, categorised: Round
) -> None:
    team = categorised.sections[0]
    texts = [
        "办案区监控设备老化，讯问室录音录像常出故障",
        "案件审核环节太多，办案民警来回跑",
        "警用装备更新慢，单警装备配发不齐",
        "心理疏导缺乏，民警压力无处倾诉",
    ]
    waiting = [
        OpinionItem(
            round_id=categorised.id,
            section_id=team.id,
            text=t,
            channel="talk",
            day=date(2026, 11, 20),
        )
        for t in texts
    ]
    session.add_all(waiting)
    session.flush()
    assert client.post(url(categorised, "regroup")).status_code == 302
    event = last_edit(session, categorised)
    new_ids = {c["id"] for c in event.detail["changes"] if c["field"] == "removed"}
    themes = themes_of(session, categorised)
    leftover = sorted(
        (item for item in waiting if item.theme_id in new_ids), key=lambda i: (i.text, i.id)
    )
    assert new_ids and leftover
    placed = place_in_categories(
        [item.text for item in leftover], categories.round_categories(categorised)
    )
    expected = [NAMES[i] if i is not None else None for i in placed.categories]
    assert [themes[str(item.theme_id)].category for item in leftover] == expected
    assert any(expected)
