"""Logs read as sentences in Chinese and local time; refusals say everything in one language."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from survey.models import Member, Round, RoundEvent, User
from survey.rounds.display import change_text, event_details
from tests.factories import bind_custodians

RAW_KEYS = ("was_used", "reason:", "member:", "previous:", "participants:", "True", "False")


def test_the_round_log_says_each_event_in_words_and_in_local_time(
    as_secretary: FlaskClient, open_round: Round, session: Session
) -> None:
    invitation = open_round.invitations[0]
    round_id = open_round.public_id
    as_secretary.post(
        f"/secretary/rounds/{round_id}/reissue",
        data={"invitation": invitation.public_id, "reason": "手机丢失"},
    )
    as_secretary.post(f"/secretary/rounds/{round_id}/extend", data={"deadline": "2099-03-01T09:30"})
    as_secretary.post(f"/secretary/rounds/{round_id}/close")
    page = as_secretary.get(f"/secretary/rounds/{round_id}/log").data.decode()
    for raw in RAW_KEYS:
        assert raw not in page, raw
    assert "原因：手机丢失" in page and "原邀请未使用" in page
    assert "手动结束" in page
    assert "不设截止时间 改为 2099-03-01 09:30" in page.replace("由 ", ""), "local, as typed"
    assert "参加人员 6 名，其中支委 0 名" in page
    session.expire_all()
    closed = session.scalars(
        select(RoundEvent).where(RoundEvent.round_id == open_round.id, RoundEvent.kind == "closed")
    ).one()
    beijing = (closed.at + timedelta(hours=8)).strftime("%Y-%m-%d %H:%M")
    assert beijing in page, "times in the configured zone (Asia/Shanghai), not UTC"


def test_details_of_every_kind_are_words(app: Flask) -> None:
    with app.test_request_context(headers={"Accept-Language": "zh"}):
        assert event_details("closed", {"reason": "deadline"}) == "到截止时间自动结束"
        assert event_details("custodian_confirmed", {"part": 2}) == "第 2 段"
        assert "纸质征求意见表" in event_details(
            "item_added", {"channel": "paper", "section": "其他意见建议", "items": 3}
        )
        assert event_details("created", {}) == ""
        assert event_details("topics_published", {"version": 2}) == "第 2 版"
        disposed = {"version": 1, "disposition": "adopted"}
        assert event_details("objection_disposed", disposed) == "第 1 版 · 采纳"
        status = {"field": "status", "before": "active", "after": "duplicate"}
        assert change_text(status) == "状态：在用 → 重复"
        assert change_text({"field": "theme_id", "before": 3, "after": 5}) == "修改了所属主题"


def test_a_mistyped_part_is_refused_in_chinese_only(
    as_secretary: FlaskClient,
    secretary: User,
    committee_user: User,
    make_member: Callable[..., Member],
    session: Session,
) -> None:
    bind_custodians(session, secretary, committee_user)  # custodians are two known people
    for i in range(5):
        make_member(f"民警{i}")
    created = as_secretary.post(
        "/secretary/rounds/new",
        data={"title": "征求意见", "min_answers": "5", "custodian2": committee_user.public_id},
    )
    round_id = created.headers["Location"].rsplit("/", 1)[-1]
    as_secretary.post(f"/secretary/rounds/{round_id}/open")
    for typed, reason in (("1ABC-DEFG", "您输入了 8 个"), ("3AAA-AAAA-AAAA-AAAA", "段号 1 或 2")):
        response = as_secretary.post(
            f"/secretary/rounds/{round_id}/confirm-part", data={"typed": typed}
        )
        page = response.data.decode()
        assert "这一段输入有误" in page and reason in page, page
        message = page[page.index("这一段输入有误") :].split("<", 1)[0]
        assert not re.search(r"[A-Za-z]{2,}", message), message


def test_the_minimum_is_said_in_plain_words(
    as_secretary: FlaskClient, committee_user: User
) -> None:
    page = as_secretary.get("/secretary/rounds/new").data.decode()
    assert "最少意见份数（k）" not in page and "至少收到多少份意见才能启封" in page
    assert "k 份" not in page
