"""The secretary's roster: list, add, edit, deactivate, export; one branch only."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from survey.models import Branch, CommitteePost, Member, User
from survey.roster.csvfile import neutralise
from tests.factories import log_in


def member_named(session: Session, name: str) -> Member:
    session.expire_all()
    member = session.scalar(select(Member).where(Member.name == name))
    assert member is not None
    return member


def test_roster_lists_members_with_category_and_posts(
    as_secretary: FlaskClient, make_member: Callable[..., Member]
) -> None:
    make_member("王建国", posts=("secretary",))
    make_member("赵磊", category="probationary", note="社区警务队")
    page = as_secretary.get("/secretary/roster").get_data(as_text=True)
    assert "<h1>名册</h1>" in page
    assert "王建国" in page and "书记" in page
    assert "赵磊" in page and "预备党员" in page and "社区警务队" in page
    assert page.index("王建国") < page.index("赵磊"), "the committee comes first"


def test_roster_shows_only_the_secretarys_branch(
    as_secretary: FlaskClient,
    make_branch: Callable[..., Branch],
    make_member: Callable[..., Member],
) -> None:
    elsewhere = make_branch(name="别的支部")
    stranger = make_member("外支部民警", branch=elsewhere)
    assert "外支部民警" not in as_secretary.get("/secretary/roster").get_data(as_text=True)
    assert as_secretary.get(f"/secretary/roster/{stranger.public_id}/edit").status_code == 404
    response = as_secretary.post(f"/secretary/roster/{stranger.public_id}/deactivate")
    assert response.status_code == 404


def test_secretary_without_a_branch_gets_403(
    client: FlaskClient, make_user: Callable[..., User]
) -> None:
    make_user("lost", roles=("secretary",), branch=None)
    log_in(client, "lost")
    assert client.get("/secretary/roster").status_code == 403


def test_add_a_member_with_posts(as_secretary: FlaskClient, session: Session) -> None:
    response = as_secretary.post(
        "/secretary/roster/new",
        data={"name": " 王　伟 ", "note": "", "category": "party_member",
              "posts": ["deputy_secretary", "publicity"]},
    )
    assert response.status_code == 302
    member = member_named(session, "王伟")
    assert member.post_names == ["deputy_secretary", "publicity"]
    assert member.active


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": "", "category": "party_member"}, "请输入姓名"),
        ({"name": "张三", "category": "volunteer"}, "不是有效的选择"),
        ({"name": "张三", "category": "party_member", "posts": ["captain"]}, "captain"),
    ],
)
def test_add_member_refusals(
    as_secretary: FlaskClient, session: Session, data: dict[str, object], message: str
) -> None:
    response = as_secretary.post("/secretary/roster/new", data=data)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert session.scalar(select(Member).where(Member.name == "张三")) is None


def test_a_post_already_held_is_refused(
    as_secretary: FlaskClient, make_member: Callable[..., Member], session: Session
) -> None:
    make_member("王建国", posts=("secretary",))
    response = as_secretary.post(
        "/secretary/roster/new",
        data={"name": "张三", "category": "party_member", "posts": ["secretary"]},
    )
    assert response.status_code == 400
    assert "书记已由 王建国 担任" in response.get_data(as_text=True)
    assert session.scalar(select(Member).where(Member.name == "张三")) is None


def test_edit_a_member_and_move_a_post(
    as_secretary: FlaskClient, make_member: Callable[..., Member], session: Session
) -> None:
    old = make_member("王建国", posts=("secretary", "publicity"))
    new = make_member("李红梅")
    form = as_secretary.get(f"/secretary/roster/{old.public_id}/edit").get_data(as_text=True)
    assert 'value="王建国"' in form
    assert re.search(r'<input checked id="posts-0"[^>]*value="secretary"', form)
    assert not re.search(r'<input checked id="posts-1"', form)
    as_secretary.post(
        f"/secretary/roster/{old.public_id}/edit",
        data={"name": "王建国", "note": "教导员", "category": "party_member",
              "posts": ["publicity"]},
    )
    response = as_secretary.post(
        f"/secretary/roster/{new.public_id}/edit",
        data={"name": "李红梅", "note": "", "category": "probationary", "posts": ["secretary"]},
    )
    assert response.status_code == 302
    assert member_named(session, "王建国").post_names == ["publicity"]
    assert member_named(session, "王建国").note == "教导员"
    moved = member_named(session, "李红梅")
    assert moved.post_names == ["secretary"] and moved.category == "probationary"


def test_deactivate_frees_posts_and_reactivate(
    as_secretary: FlaskClient, make_member: Callable[..., Member], session: Session
) -> None:
    member = make_member("陈静", posts=("discipline",))
    response = as_secretary.post(f"/secretary/roster/{member.public_id}/deactivate",
                                 follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "已停用 陈静" in page
    assert "纪检委员" in page and "空缺" in page
    again = member_named(session, "陈静")
    assert not again.active and again.post_names == []
    assert session.scalar(select(CommitteePost).where(CommitteePost.post == "discipline")) is None
    as_secretary.post(f"/secretary/roster/{member.public_id}/activate")
    assert member_named(session, "陈静").active


def test_deactivated_members_are_listed_apart(
    as_secretary: FlaskClient, make_member: Callable[..., Member]
) -> None:
    make_member("在册民警")
    make_member("离任民警", active=False)
    page = as_secretary.get("/secretary/roster").get_data(as_text=True)
    assert page.index("在册民警") < page.index("已停用") < page.index("离任民警")


def test_export_is_excel_friendly_and_imports_again(
    as_secretary: FlaskClient, make_member: Callable[..., Member]
) -> None:
    make_member("王建国", posts=("secretary", "publicity"), note="教导员")
    make_member("=HYPERLINK(\"http://x\")", category="non_member", note="+1 -2")
    make_member("离任民警", active=False)
    response = as_secretary.get("/secretary/roster/export.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    data = response.data
    assert data.startswith(b"\xef\xbb\xbf")
    assert b"\r\n" in data
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0] == ["name", "category", "post", "note"]
    assert ["王建国", "党员", "书记、宣传委员", "教导员"] in rows
    assert ["'=HYPERLINK(\"http://x\")", "非党员", "", "'+1 -2"] in rows
    assert all("离任民警" not in row for row in rows)


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_neutralise_formula_starts(start: str) -> None:
    assert neutralise(start + "1+1") == "'" + start + "1+1"
    assert neutralise("王" + start) == "王" + start


def test_roster_pages_need_the_secretary_role(
    as_committee: FlaskClient, make_member: Callable[..., Member]
) -> None:
    member = make_member()
    for url in ("/secretary/roster", "/secretary/roster/new", "/secretary/roster/import",
                "/secretary/roster/export.csv", f"/secretary/roster/{member.public_id}/edit"):
        assert as_committee.get(url).status_code == 403, url
