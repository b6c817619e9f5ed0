"""Roster CSV import: encodings, every per-row error and warning, the preview, all or nothing."""

from __future__ import annotations

import base64
import re
from collections.abc import Callable
from io import BytesIO
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from survey.errors import InvalidInput
from survey.models import Branch, Member
from survey.roster import services
from survey.roster.csvfile import ImportPreview, decode

DATA = Path(__file__).resolve().parent.parent / "data"


def data_file(name: str) -> bytes:
    return (DATA / name).read_bytes()


def count_members(session: Session, branch: Branch) -> int:
    return session.scalar(
        select(func.count()).select_from(Member).where(Member.branch_id == branch.id)
    ) or 0


def preview_of(app: Flask, session: Session, branch: Branch, data: bytes | str) -> ImportPreview:
    with app.app_context():
        return services.preview_import(session, branch, data)


def test_the_gb18030_sample_is_not_utf8() -> None:
    with pytest.raises(UnicodeDecodeError):
        data_file("roster_gb18030.csv").decode("utf-8")


def test_gb18030_file_imports_with_chinese_words(
    app: Flask, session: Session, branch: Branch
) -> None:
    preview = preview_of(app, session, branch, data_file("roster_gb18030.csv"))
    assert preview.ok, (preview.problems, [r.errors for r in preview.rows])
    by_name = {row.name: row for row in preview.rows}
    assert list(by_name) == ["王建国", "李红梅", "张伟", "陈静", "刘䶮", "赵磊", "孙丽", "周晓燕"]
    assert by_name["李红梅"].posts == ["deputy_secretary", "publicity"]
    assert by_name["陈静"].posts == ["discipline"]
    assert by_name["刘䶮"].category == "probationary", "a character outside GBK, inside GB18030"
    assert by_name["孙丽"].category == "non_member"
    assert by_name["周晓燕"].category == "non_member", "群众 is read as not a Party member"
    with app.app_context():
        added = services.import_members(session, branch, preview)
    assert len(added) == 8
    assert sum(1 for m in added if m.on_committee) == 4
    assert count_members(session, branch) == 8


def test_utf8_with_bom_chinese_header_english_words_and_quoted_cells(
    app: Flask, session: Session, branch: Branch
) -> None:
    preview = preview_of(app, session, branch, data_file("roster_utf8_bom.csv"))
    assert preview.ok, preview.problems
    rows = preview.rows
    assert [r.name for r in rows] == ["王建国", "Li Hongmei", "吴, 俊杰"]
    assert rows[0].posts == ["secretary", "deputy_secretary"]
    assert rows[1].category == "probationary" and rows[1].note == "Unit 3"
    assert rows[2].note == "多行 备注"


def test_utf8_without_bom_and_tab_separated(app: Flask, session: Session, branch: Branch) -> None:
    text = "name\tcategory\tpost\n王建国\t党员\t书记；组织委员\n"
    preview = preview_of(app, session, branch, text.encode("utf-8"))
    assert preview.ok
    assert preview.rows[0].posts == ["secretary", "organization"]


def test_every_per_row_error_and_warning(
    app: Flask, session: Session, branch: Branch, make_member: Callable[..., Member]
) -> None:
    make_member("陈静", posts=("discipline",))
    preview = preview_of(app, session, branch, data_file("roster_errors.csv"))
    assert not preview.ok
    assert not preview.problems
    by_line = {row.line: row for row in preview.rows}
    expected_errors = {
        2: [],
        3: ["姓名为空"],
        4: ["无法识别的政治面貌“民主党派”"],
        5: ["政治面貌为空"],
        6: ["无法识别的支委职务“队长”"],
        7: ["第 2 行的 王建国 也担任书记"],
        8: ["名册中已由 陈静 担任纪检委员"],
        9: [],
        10: [],
        11: ["该行的单元格多于第一行的列数"],
    }
    expected_warnings = {9: ["名册中已有 陈静"], 10: ["第 2 行也有 王建国"]}
    assert sorted(by_line) == sorted(expected_errors)
    for line, fragments in expected_errors.items():
        errors = by_line[line].errors
        assert len(errors) == len(fragments), (line, errors)
        for fragment, message in zip(fragments, errors, strict=True):
            assert fragment in message, (line, message)
    for line in by_line:
        fragments = expected_warnings.get(line, [])
        warnings = by_line[line].warnings
        assert len(warnings) == len(fragments), (line, warnings)
        for fragment, message in zip(fragments, warnings, strict=True):
            assert fragment in message, (line, message)
    with app.app_context(), pytest.raises(InvalidInput):
        services.import_members(session, branch, preview)
    assert count_members(session, branch) == 1, "nothing imported"


def test_warnings_alone_do_not_block(
    app: Flask, session: Session, branch: Branch, make_member: Callable[..., Member]
) -> None:
    make_member("王磊", note="社区警务队")
    preview = preview_of(app, session, branch, "name,category,post,note\n王磊,党员,,巡逻队\n")
    assert preview.ok
    assert preview.warning_count == 1


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        (b"", "文件是空的"),
        ("\ufeff \r\n".encode(), "文件是空的"),
        (b"name,category,post\n", "没有人员"),
        ("姓名,类别\n张三,党员\n".encode(), "缺少列：post"),
        ("name,category,post,unit\n张三,党员,,\n".encode(), "无法识别或重复的列：unit"),
        (b"name,name,category,post\n", "无法识别或重复的列：name"),
        (b"\x00\x01\x02binary", "不是 CSV 文本文件"),
        (b"name,category,post\n\xff\xfe\xfd,x,\n", "既不是 UTF-8 也不是 GB18030"),
    ],
)
def test_unusable_files_are_refused_whole(
    app: Flask, session: Session, branch: Branch, data: bytes, fragment: str
) -> None:
    with app.app_context():
        try:
            preview = services.preview_import(session, branch, data)
        except InvalidInput as error:
            message = error.message
        else:
            assert not preview.ok
            message = " ".join(preview.problems)
    assert fragment in message


def test_decode_prefers_utf8() -> None:
    assert decode("王".encode("utf-8-sig")) == "王"
    assert decode("王".encode("gbk")) == "王"


def packed_text(page: str) -> str:
    found = re.search(r'name="text" type="hidden" value="([^"]+)"', page)
    assert found, page
    return found.group(1)


def test_web_import_previews_then_imports(
    as_secretary: FlaskClient, session: Session, branch: Branch
) -> None:
    response = as_secretary.post(
        "/secretary/roster/import",
        data={"file": (BytesIO(data_file("roster_gb18030.csv")), "名册.csv")},
        content_type="multipart/form-data",
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "共读取 8 行" in page
    assert "刘䶮" in page and "副书记、宣传委员" in page
    assert "导入 8 人" in page
    assert count_members(session, branch) == 0, "the preview stores nothing"
    text = packed_text(page)
    response = as_secretary.post("/secretary/roster/import/confirm", data={"text": text})
    assert response.status_code == 302
    assert count_members(session, branch) == 8


def test_web_import_with_errors_shows_them_and_offers_no_import(
    as_secretary: FlaskClient, session: Session, branch: Branch, make_member: Callable[..., Member]
) -> None:
    make_member("陈静", posts=("discipline",))
    response = as_secretary.post(
        "/secretary/roster/import",
        data={"file": (BytesIO(data_file("roster_errors.csv")), "errors.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "7 行有错误" in page
    assert "2 条提醒" in page
    assert "roster/import/confirm" not in page
    assert "尚未导入任何人员" in page


def test_confirm_checks_again(
    as_secretary: FlaskClient, session: Session, branch: Branch, make_member: Callable[..., Member]
) -> None:
    """A tampered or stale confirmation is checked like a new file."""
    make_member("王建国", posts=("secretary",))
    text = base64.b64encode("name,category,post\n李四,党员,书记\n".encode()).decode()
    response = as_secretary.post("/secretary/roster/import/confirm", data={"text": text})
    assert response.status_code == 400
    assert "名册中已由 王建国 担任书记" in response.get_data(as_text=True)
    assert count_members(session, branch) == 1


def test_confirm_with_garbage_is_refused(as_secretary: FlaskClient) -> None:
    response = as_secretary.post("/secretary/roster/import/confirm", data={"text": "%%%"})
    assert response.status_code == 400
    assert "导入表单不完整" in response.get_data(as_text=True)


def test_upload_without_a_file_is_refused(as_secretary: FlaskClient) -> None:
    response = as_secretary.post("/secretary/roster/import", data={})
    assert "请选择 .xlsx 或 CSV 文件" in response.get_data(as_text=True)
