"""The roster from Excel/WPS workbooks, more categories and posts, pinyin order, a search box."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from datetime import datetime
from typing import Any

import pytest
from flask.testing import FlaskClient
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from survey.models import Branch, Member
from tests.web.test_roster_import import packed_text


def workbook_bytes(rows: list[list[Any]], title: str | None = None) -> bytes:
    """A real .xlsx made by openpyxl, as Excel or WPS would save it."""
    book = Workbook()
    sheet = book.active
    if title:
        sheet.append([title])
    for row in rows:
        sheet.append(row)
    book.create_sheet("其他").append(["不读这一页"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def upload(client: FlaskClient, data: bytes, filename: str = "名册.xlsx") -> Any:
    return client.post(
        "/secretary/roster/import",
        data={"file": (io.BytesIO(data), filename)},
        content_type="multipart/form-data",
    )


def members(session: Session, branch: Branch) -> dict[str, Member]:
    session.expire_all()
    found = session.scalars(select(Member).where(Member.branch_id == branch.id))
    return {m.name: m for m in found}


def count(session: Session, branch: Branch) -> int:
    return (
        session.scalar(
            select(func.count()).select_from(Member).where(Member.branch_id == branch.id)
        )
        or 0
    )


ROWS: list[list[Any]] = [
    ["姓名", "政治面貌", "支委职务", "备注"],
    ["王建国", "中共党员", "书记", None],
    ["李红梅", "党员", "副书记、宣传委员", "综合指挥室"],
    ["周强", "党员", "青年委员", None],
    ["吴敏", "预备党员", "保密委员", None],
    ["孙丽", "共青团员", None, 10086],
    ["钱进", "群众", "", "社区警务队"],
    ["赵磊", "党员", None, datetime(2020, 5, 1)],
]


def test_a_real_xlsx_roster_imports_through_the_same_preview(
    as_secretary: FlaskClient, session: Session, branch: Branch
) -> None:
    preview = upload(as_secretary, workbook_bytes(ROWS, title="示范派出所党支部党员名册"))
    assert preview.status_code == 200, preview.get_data(as_text=True)
    page = preview.get_data(as_text=True)
    assert "导入 7 人" in page and count(session, branch) == 0
    done = as_secretary.post("/secretary/roster/import/confirm", data={"text": packed_text(page)})
    assert done.status_code == 302
    found = members(session, branch)
    assert sorted(found) == sorted(row[0] for row in ROWS[1:])
    assert found["孙丽"].category == "non_member" and found["钱进"].category == "non_member"
    assert found["吴敏"].category == "probationary"
    assert found["周强"].post_names == ["youth"] and found["吴敏"].post_names == ["secrecy"]
    assert found["李红梅"].post_names == ["deputy_secretary", "publicity"]
    assert found["孙丽"].note == "10086" and found["赵磊"].note.startswith("2020-05-01")


def test_the_template_downloads_and_imports_once_filled_in(
    as_secretary: FlaskClient, session: Session, branch: Branch
) -> None:
    response = as_secretary.get("/secretary/roster/template.xlsx")
    assert response.status_code == 200
    assert response.mimetype.endswith("spreadsheetml.sheet")
    book = load_workbook(io.BytesIO(response.data))
    sheet = book.worksheets[0]
    assert [c.value for c in sheet[1]] == ["姓名", "政治面貌", "支委职务", "备注"]
    sheet.append(["张伟", "群众", None, None])
    sheet.append(["安娜", "党员", "组织委员", None])
    filled = io.BytesIO()
    book.save(filled)
    page = upload(as_secretary, filled.getvalue()).get_data(as_text=True)
    as_secretary.post("/secretary/roster/import/confirm", data={"text": packed_text(page)})
    assert sorted(members(session, branch)) == ["安娜", "张伟"]


def broken_zip() -> bytes:
    good = workbook_bytes(ROWS)
    return good[: len(good) // 2]


def not_a_workbook() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("hello.txt", "这不是工作簿")
    return out.getvalue()


def zip_bomb() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"<" * (30 * 1024 * 1024))
    return out.getvalue()


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (broken_zip, "无法读取这个 .xlsx 文件"),
        (not_a_workbook, "无法读取这个 .xlsx 文件"),
        (zip_bomb, "该工作簿太大"),
        (lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "旧版 .xls"),
        (lambda: workbook_bytes([["名字", "级别"], ["王五", "科员"]]), "无法识别或重复的列"),
        (
            lambda: workbook_bytes([["姓名", "政治面貌", "支委职务"], ["王五", "党员", "队长"]]),
            "无法识别的支委职务“队长”",
        ),
    ],
    ids=["truncated", "zip-without-sheet", "zip-bomb", "old-xls", "bad-header", "bad-post"],
)
def test_bad_workbooks_get_a_clear_error_and_change_nothing(
    as_secretary: FlaskClient,
    session: Session,
    branch: Branch,
    make_member: Callable[..., Member],
    make: Callable[[], bytes],
    message: str,
) -> None:
    make_member("王建国", posts=("secretary",))
    response = upload(as_secretary, make())
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert message in page, page[-3000:]
    assert "roster/import/confirm" not in page
    assert count(session, branch) == 1


def test_names_are_listed_by_pinyin_and_found_by_pinyin_initials_or_note(
    as_secretary: FlaskClient, make_member: Callable[..., Member]
) -> None:
    for name, note in (("张伟", ""), ("王建国", ""), ("安娜", "社区警务队"), ("李四", "")):
        make_member(name, note=note)
    page = as_secretary.get("/secretary/roster").get_data(as_text=True)
    positions = [
        page.index(f'<strong class="name">{n}</strong>') for n in ("安娜", "李四", "王建国", "张伟")
    ]
    assert positions == sorted(positions), "an (安) < li (李) < wang (王) < zhang (张)"
    assert "data-roster-search" in page and "roster_search.js" in page
    for query, expected in (
        ("wjg", "王建国"),
        ("zhangwei", "张伟"),
        ("社区", "安娜"),
        ("李", "李四"),
    ):
        found = as_secretary.get("/secretary/roster", query_string={"q": query}).get_data(
            as_text=True
        )
        names = [n for n in ("安娜", "李四", "王建国", "张伟") if f'class="name">{n}<' in found]
        assert names == [expected], (query, names)
    nobody = as_secretary.get("/secretary/roster", query_string={"q": "nobody"}).get_data(
        as_text=True
    )
    assert 'id="roster-no-match" >' in nobody, "the no-match line is shown, not hidden"


def test_youth_and_secrecy_members_are_on_the_committee_of_a_new_round(
    app: Any, session: Session, branch: Branch, make_member: Callable[..., Member]
) -> None:
    from survey.rounds import drafts

    make_member("王书记", posts=("secretary",))
    make_member("周强", posts=("youth",))
    make_member("吴敏", posts=("secrecy",))
    make_member("民警甲")
    with app.app_context():
        titles = [s.title for s in drafts.default_sections(session, branch)]
        participants = [m.name for m in drafts.default_participants(session, branch)]
    assert titles[1:4] == [
        "对书记王书记同志的意见建议",
        "对青年委员周强同志的意见建议",
        "对保密委员吴敏同志的意见建议",
    ]
    assert participants == ["民警甲"]
