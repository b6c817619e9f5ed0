"""The Word 征求意见汇总表 (a table in 公文 style) and each member's 意见反馈单, opened with
python-docx: the table header, one row per item, a PAGE field, fonts and their fallbacks."""

from __future__ import annotations

import io
import json
import re
from collections.abc import Callable
from datetime import date
from urllib.parse import quote
from zipfile import ZipFile

import pytest
from docx import Document
from docx.oxml.ns import qn
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from survey.exports import render
from survey.exports.docx import write_docx
from survey.exports.feedback import feedback_sheet, write_feedback_docx
from survey.models import Branch, Member, Round, User
from survey.summary.query import (
    ItemView,
    RoundFacts,
    SectionView,
    Summary,
    ThemeView,
    build_summary,
)
from tests.factories import log_in
from tests.unseal_support import NO_REWRITE, build_unsealed, make_branch_people

pytestmark = [NO_REWRITE, pytest.mark.usefixtures("english")]

HEADER_ZH = ["序号", "意见建议", "涉及对象", "类别（主题）", "来源渠道"]


def item(text: str, channel: str = "survey", edited: bool = False) -> ItemView:
    return ItemView(
        text, text, channel, date(2026, 11, 10) if channel != "survey" else None, "active", edited
    )


def sample_summary() -> Summary:
    facts = RoundFacts(
        title="2026年度民主生活会征求意见",
        branch="测试派出所党支部",
        state="summarising",
        invited=12,
        invitations_used=9,
        reissues=1,
        answers=8,
        min_answers=5,
        required=6,
        unreadable=1,
        unknown_section_texts=0,
        created_on=date(2026, 11, 1),
        opened_on=date(2026, 11, 2),
        closed_on=date(2026, 11, 20),
        unsealed_on=date(2026, 11, 21),
        deadline_day=date(2026, 11, 20),
        items=6,
        channels={"paper": 1, "survey": 4, "talk": 1},
    )
    duty = ThemeView(
        "t1",
        "值班安排",
        "",
        (),
        None,
        (item("值班安排要更合理"), item("值班表临时调整多", "paper")),
    )
    training = ThemeView("t2", "业务培训", "", (), None, (item("培训太少", edited=True),))
    temper = ThemeView(
        "t3",
        "工作方法",
        "",
        (),
        None,
        (item("脾气急，批评人不讲方式"), item("多听取民警意见", "talk")),
    )
    loose = ThemeView(None, "", "", (), None, (item("食堂要改善"),))
    sections = (
        SectionView(1, "team", "team", "对支部班子的意见建议", (duty, training)),
        SectionView(2, "zm", "member", "对书记张明同志的意见建议", (temper,), member="书记张明"),
        SectionView(3, "other", "other", "其他意见建议", (loose,)),
    )
    return Summary("round123", facts, sections)


def zh(app: Flask) -> object:
    return app.test_request_context(headers={"Accept-Language": "zh"})


def _east_asian(style: object) -> str | None:
    return style.element.rPr.rFonts.get(qn("w:eastAsia"))  # type: ignore[attr-defined]


def _xml(data: bytes, part: str) -> str:
    with ZipFile(io.BytesIO(data)) as archive:
        names = [n for n in archive.namelist() if re.fullmatch(part, n)]
        return "".join(archive.read(n).decode("utf-8") for n in names)


def test_summary_table_has_a_row_per_item_under_the_five_column_header(app: Flask) -> None:
    with zh(app):
        data = write_docx(sample_summary(), today=date(2026, 12, 4))
    document = Document(io.BytesIO(data))
    texts = [p.text for p in document.paragraphs]
    assert texts[0] == "2026年度民主生活会征求意见汇总表"
    assert document.paragraphs[0].style.name == "Title"
    assert any("制表单位：测试派出所党支部" in t and "制表日期：2026年12月4日" in t for t in texts)
    assert "共收到意见建议6条，其中网上填写4条、书面征求意见表1条、个别谈话1条。" in texts
    item_tables = [t for t in document.tables if [c.text for c in t.rows[0].cells] == HEADER_ZH]
    assert len(item_tables) == 3  # one per section
    team, member, other = item_tables
    assert [[c.text for c in row.cells] for row in team.rows[1:]] == [
        ["1", "值班安排要更合理", "支部班子", "值班安排", "网上填写"],
        ["2", "值班表临时调整多", "支部班子", "值班安排", "书面征求意见表"],
        ["3", "培训太少（已编辑）", "支部班子", "业务培训", "网上填写"],
    ]
    assert len(member.rows) == 1 + 2 and member.rows[1].cells[2].text == "书记张明"
    assert len(other.rows) == 1 + 1 and other.rows[1].cells[3].text == "未归入主题"
    # The header row repeats on each page.
    assert team.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None


def test_summary_counts_per_theme_and_channel_and_the_appendix(app: Flask) -> None:
    with zh(app):
        document = Document(io.BytesIO(write_docx(sample_summary(), today=date(2026, 12, 4))))
    counts = [t for t in document.tables if t.rows[0].cells[0].text == "类别（主题）"]
    assert len(counts) == 3
    rows = [[c.text for c in row.cells] for row in counts[0].rows]
    assert rows[0][-1] == "合计"
    assert rows[1][0] == "值班安排" and rows[1][-1] == "2"
    assert rows[-1][0] == "合计" and rows[-1][-1] == "3"
    texts = [p.text for p in document.paragraphs]
    appendix = texts.index("附：技术说明")
    assert appendix > texts.index("3. 其他意见建议（1条）")
    facts = {row.cells[0].text: row.cells[1].text for row in document.tables[-1].rows}
    assert facts["无法读取的意见"] == "1" and facts["最少份数 k"] == "5（启封需要 6 份）"
    assert any("方正小标宋简体" in t and "黑体" in t and "仿宋" in t for t in texts[appendix:])


def test_summary_is_in_official_fonts_with_named_fallbacks_and_a_page_field(app: Flask) -> None:
    with zh(app):
        data = write_docx(sample_summary(), today=date(2026, 12, 4))
    document = Document(io.BytesIO(data))
    assert _east_asian(document.styles["Normal"]) == "仿宋"
    assert _east_asian(document.styles["Title"]) == "方正小标宋简体"
    assert _east_asian(document.styles["Heading 1"]) == "黑体"
    for name in ("Normal", "Title", "Heading 1"):
        assert document.styles[name].element.rPr.rFonts.get(qn("w:eastAsiaTheme")) is None
    fonts = _xml(data, r"word/fontTable\.xml")
    assert re.search(r'w:name="方正小标宋简体"><w:altName w:val="黑体"/>', fonts)
    assert re.search(r'w:name="仿宋"><w:altName w:val="宋体"/>', fonts)
    footer = _xml(data, r"word/footer\d*\.xml")
    assert 'w:fldCharType="begin"' in footer and "PAGE" in footer
    section = document.sections[0]
    assert round(section.left_margin.mm) == 28 and round(section.top_margin.mm) == 37


def test_feedback_sheet_holds_the_members_items_and_the_team_items(app: Flask) -> None:
    with zh(app):
        sheet = feedback_sheet(sample_summary(), "zm")
        data = write_feedback_docx(sheet, date(2026, 12, 4))
    document = Document(io.BytesIO(data))
    texts = [p.text for p in document.paragraphs]
    assert texts[0] == "书记张明同志意见反馈单"
    assert "对本人的意见建议（2条）" in texts and "对支部班子的意见建议（3条）" in texts
    tables = [[[c.text for c in row.cells] for row in t.rows] for t in document.tables]
    assert tables[0][0] == ["序号", "意见建议", "类别（主题）", "来源渠道"]
    assert [row[1] for row in tables[0][1:]] == ["脾气急，批评人不讲方式", "多听取民警意见"]
    assert [row[1] for row in tables[1][1:]] == [
        "值班安排要更合理",
        "值班表临时调整多",
        "培训太少（已编辑）",
    ]
    assert "食堂要改善" not in "".join(c for t in tables for r in t for c in r)
    assert "PAGE" in _xml(data, r"word/footer\d*\.xml")


def test_feedback_sheet_of_a_section_not_about_a_member_is_not_found(app: Flask) -> None:
    from survey.errors import NotFound

    with zh(app), pytest.raises(NotFound):
        feedback_sheet(sample_summary(), "team")


# --- a real unsealed round, through the committee's pages --------------------------------------


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
    answers = [{0: f"值班安排第{n}项要改进", 1: f"书记要多听意见第{n}条"} for n in range(1, 8)]
    round_ = build_unsealed(
        app, session, client, branch, secretary, committee_user, members, answers=answers
    )
    log_in(client, committee_user.username)
    return round_


def test_download_has_a_row_per_active_item(
    unsealed: Round, client: FlaskClient, session: Session, app: Flask
) -> None:
    response = client.get(f"/committee/rounds/{unsealed.public_id}/export.docx")
    document = Document(io.BytesIO(response.data))
    summary = build_summary(session, unsealed)
    tables = [t for t in document.tables if t.rows[0].cells[0].text == "No."]
    assert [len(t.rows) - 1 for t in tables] == [s.count for s in summary.sections if s.count]
    shown = sorted(row.cells[1].text for t in tables for row in t.rows[1:])
    assert shown == sorted(i.text for s in summary.sections for t in s.themes for i in t.items)


def test_feedback_print_view_and_word_file(
    unsealed: Round, client: FlaskClient, session: Session
) -> None:
    member = next(s for s in unsealed.sections if s.kind == "member")
    base = f"/committee/rounds/{unsealed.public_id}"
    summary_page = client.get(base).data.decode()
    assert f"{base}/feedback/{member.key}" in summary_page
    page = client.get(f"{base}/feedback/{member.key}").data.decode()
    assert "Opinion feedback sheet" in page and "书记要多听意见第1条" in page
    assert "值班安排第1项要改进" in page  # the team's items too
    response = client.get(f"{base}/feedback/{member.key}.docx")
    assert response.status_code == 200
    disposition = response.headers["Content-Disposition"]
    assert quote(f"{unsealed.title}-") in disposition and quote("意见反馈单.docx") in disposition
    document = Document(io.BytesIO(response.data))
    assert len(document.tables) == 2
    team = next(s for s in unsealed.sections if s.kind == "team")
    assert client.get(f"{base}/feedback/{team.key}").status_code == 404


def test_every_format_marks_an_edited_item(app: Flask) -> None:
    with zh(app):
        markdown = render(sample_summary(), "md").decode()
        table = render(sample_summary(), "csv").decode()
        document = json.loads(render(sample_summary(), "json"))
    assert "培训太少（已编辑）" in markdown and markdown.count("值班安排要更合理") == 1
    assert "培训太少（已编辑）" in table
    items = [i for s in document["sections"] for t in s["themes"] for i in t["items"]]
    assert [i["text"] for i in items if i["edited"]] == ["培训太少"]
