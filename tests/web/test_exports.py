"""Exports of the summary: Word 征求意见汇总表, CSV, Markdown, JSON; downloads and the CLI."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from docx import Document
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from survey.exports import render
from survey.exports.csv import neutralise
from survey.models import Branch, Member, Round, User
from survey.summary.query import ItemView, RoundFacts, SectionView, Summary, ThemeView
from tests.factories import log_in
from tests.unseal_support import NO_REWRITE, build_unsealed, make_branch_people

pytestmark = [NO_REWRITE, pytest.mark.usefixtures("english")]


CATEGORY_WORDS = ("probationary", "non_member", "party_member", "预备党员", "非党员", "category")


def item(text: str, channel: str = "survey", day: date | None = None) -> ItemView:
    return ItemView(id=text, text=text, channel=channel, day=day, status="active")


def sample_summary() -> Summary:
    """A summary built by hand: the writers are pure functions of it."""
    facts = RoundFacts(
        title="2026年度民主生活会征求意见",
        branch="测试派出所党支部",
        state="summarising",
        invited=12,
        invitations_used=9,
        reissues=1,
        answers=8,
        min_answers=5,
        required=5,
        unreadable=1,
        unknown_section_texts=0,
        created_on=date(2026, 11, 1),
        opened_on=date(2026, 11, 2),
        closed_on=date(2026, 11, 20),
        unsealed_on=date(2026, 11, 21),
        deadline_day=date(2026, 11, 20),
        items=5,
        channels={"paper": 1, "survey": 4},
    )
    duty = ThemeView(
        "t1",
        "值班安排",
        "值班 · 夜班",
        ("值班", "夜班"),
        "值班安排要更合理",
        (item("值班安排要更合理"), item('=HYPERLINK("http://x")值班表')),
    )
    training = ThemeView(
        "t2",
        "业务培训",
        "培训",
        ("培训",),
        "培训太少",
        (item("+培训太少"), item("@所有人 培训要实战", "paper", date(2026, 11, 10))),
    )
    loose = ThemeView(None, "", "", (), None, (item("-1 食堂要改善"),))
    sections = (
        SectionView(1, "team", "team", "对支部班子的意见建议", (duty, training)),
        SectionView(2, "other", "other", "其他意见建议", (loose,)),
    )
    return Summary("round123", facts, sections)


# --- the writers, on a summary built by hand ---------------------------------------------------


def test_json_has_sections_themes_and_items(app: Flask) -> None:
    with app.test_request_context():
        document = json.loads(render(sample_summary(), "json"))
    assert document["round"]["title"] == "2026年度民主生活会征求意见"
    assert document["round"]["unsealed_on"] == "2026-11-21"
    sections = document["sections"]
    assert [s["title"] for s in sections] == ["对支部班子的意见建议", "其他意见建议"]
    duty = sections[0]["themes"][0]
    assert duty["label"] == "值班安排" and duty["count"] == 2
    assert duty["representative"] == "值班安排要更合理"
    assert duty["items"][0] == {
        "text": "值班安排要更合理",
        "channel": "survey",
        "day": None,
        "status": "active",
        "edited": False,
    }
    paper = sections[0]["themes"][1]["items"][1]
    assert paper["channel"] == "paper" and paper["day"] == "2026-11-10"
    assert sections[1]["themes"][0]["label"] is None  # items not in a theme


def test_csv_neutralises_formulas(app: Flask) -> None:
    assert neutralise("=1+1") == "'=1+1"
    assert neutralise("+86") == "'+86"
    assert neutralise("-1") == "'-1"
    assert neutralise("@x") == "'@x"
    assert neutralise("\tx") == "'\tx"
    assert neutralise("值班") == "值班"
    with app.test_request_context():
        body = render(sample_summary(), "csv", bom=True)
    assert body.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert len(rows) == 6
    texts = [row[3] for row in rows[1:]]
    assert '\'=HYPERLINK("http://x")值班表' in texts
    assert "'+培训太少" in texts and "'@所有人 培训要实战" in texts and "'-1 食堂要改善" in texts
    for row in rows[1:]:
        assert not row[0].startswith(("=", "+", "-", "@"))
        assert all(not cell.startswith(("=", "+", "-", "@")) for cell in row)
    assert [row[2] for row in rows[1:]] == ["1", "2", "3", "4", "1"]  # numbered per section


def test_csv_without_bom_for_stdout(app: Flask) -> None:
    with app.test_request_context():
        assert not render(sample_summary(), "csv").startswith("\ufeff".encode())


def test_markdown(app: Flask) -> None:
    with app.test_request_context():
        text = render(sample_summary(), "md").decode()
    assert text.startswith("# ")
    assert "## 对支部班子的意见建议 (4)" in text
    assert "### 值班安排 (2)" in text
    assert "1. 值班安排要更合理" in text
    assert "4. @所有人 培训要实战" in text and "2026-11-10" in text
    assert text.index("值班安排要更合理") < text.index("培训太少") < text.index("食堂")


# --- exports of a real unsealed round -------------------------------------------------------


@pytest.fixture
def unsealed(
    app: Flask,
    session: Session,
    client: FlaskClient,
    branch: Branch,
    secretary: User,
    committee_user: User,
    make_member: Callable[..., Member],
) -> Round:
    members = make_branch_people(make_member)
    # Sent in reverse order of their content: exports must follow content, not arrival.
    answers = [{0: f"第{n:02d}条：值班安排第{n:02d}项意见"} for n in range(9, 0, -1)]
    return build_unsealed(
        app, session, client, branch, secretary, committee_user, members, answers=answers
    )


def test_downloads_follow_content_not_arrival(
    unsealed: Round, client: FlaskClient, secretary: User
) -> None:
    log_in(client, secretary.username)
    document = client.get(f"/committee/rounds/{unsealed.public_id}/export.json").json
    texts = [i["text"] for t in document["sections"][0]["themes"] for i in t["items"]]
    assert len(texts) == 9
    for theme in document["sections"][0]["themes"]:
        theme_texts = [i["text"] for i in theme["items"]]
        assert theme_texts == sorted(theme_texts)
    response = client.get(f"/committee/rounds/{unsealed.public_id}/export.csv")
    assert response.data.startswith("\ufeff".encode())
    assert response.mimetype == "text/csv"
    assert response.headers["Cache-Control"] == "no-store"
    for fmt in ("json", "csv", "md"):
        body = client.get(f"/committee/rounds/{unsealed.public_id}/export.{fmt}").data.decode()
        for word in CATEGORY_WORDS:
            assert word not in body
    docx = client.get(f"/committee/rounds/{unsealed.public_id}/export.docx")
    paragraphs = "\n".join(p.text for p in Document(io.BytesIO(docx.data)).paragraphs)
    for word in CATEGORY_WORDS:
        assert word not in paragraphs


def test_cli_export_text_formats_to_stdout(unsealed: Round, runner: Any) -> None:

    result = runner.invoke(args=["round", "export", unsealed.public_id, "--format", "json"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["round_id"] == unsealed.public_id
    result = runner.invoke(args=["round", "export", unsealed.public_id, "--format", "csv"])
    assert result.exit_code == 0 and not result.stdout.startswith("\ufeff")
    assert "值班安排第01项意见" in result.stdout
    result = runner.invoke(args=["round", "export", unsealed.public_id, "--format", "md"])
    assert result.exit_code == 0 and result.stdout.startswith("# ")


def test_cli_export_docx_needs_a_file(unsealed: Round, runner: Any, tmp_path: Path) -> None:

    refused = runner.invoke(args=["round", "export", unsealed.public_id, "--format", "docx"])
    assert refused.exit_code != 0 and "-o FILE" in refused.output
    target = tmp_path / "summary.docx"
    result = runner.invoke(
        args=["round", "export", unsealed.public_id, "--format", "docx", "-o", str(target)]
    )
    assert result.exit_code == 0, result.output
    cells = [c.text for t in Document(str(target)).tables for row in t.rows for c in row.cells]
    assert any("值班安排第01项意见" in cell for cell in cells)
    csv_file = tmp_path / "summary.csv"
    runner.invoke(
        args=["round", "export", unsealed.public_id, "--format", "csv", "-o", str(csv_file)]
    )
    assert csv_file.read_bytes().startswith("\ufeff".encode())


def test_cli_export_refuses_unknown_or_sealed_rounds(runner: Any) -> None:

    result = runner.invoke(args=["round", "export", "nosuchround", "--format", "json"])
    assert result.exit_code != 0
    result = runner.invoke(args=["round", "export", "nosuchround", "--format", "xlsx"])
    assert result.exit_code != 0


def test_download_names_the_file(unsealed: Round, client: FlaskClient, secretary: User) -> None:
    log_in(client, secretary.username)
    response = client.get(f"/committee/rounds/{unsealed.public_id}/export.docx")
    disposition = response.headers["Content-Disposition"]
    assert f'filename="summary-{unsealed.public_id}.docx"' in disposition
    local = quote(f"{unsealed.title}-征求意见汇总表.docx")
    assert f"filename*=UTF-8''{local}" in disposition  # named after the round
