"""``survey user``, ``survey branch`` and ``survey roster`` through Flask's CLI runner.

Results go to stdout; reasons to stderr, on one line, with a non-zero exit.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from survey.models import Branch, Member, User
from tests.factories import log_in

DATA = Path(__file__).resolve().parent.parent / "data"
PASSWORD = "operator chosen password"


def one_line_refusal(result: Any) -> str:
    assert result.exit_code != 0, result.output
    reason = result.stderr.strip()
    assert reason.count("\n") == 0, reason
    assert result.stdout == ""
    return reason


def find_user(session: Session, username: str) -> User | None:
    session.expire_all()
    return session.scalar(select(User).where(User.username == username))


def test_branch_create(runner: Any, session: Session) -> None:
    result = runner.invoke(args=["branch", "create", "chengguan", "--name", "城关派出所党支部"])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "created branch chengguan: 城关派出所党支部"
    assert session.scalar(select(Branch).where(Branch.slug == "chengguan")) is not None


def test_branch_create_refusals(runner: Any, branch: Branch) -> None:
    assert "已存在" in one_line_refusal(
        runner.invoke(args=["branch", "create", branch.slug, "--name", "x"])
    )
    bad_slug = runner.invoke(args=["branch", "create", "A B", "--name", "x"])
    assert "简称" in one_line_refusal(bad_slug)
    missing = runner.invoke(args=["branch", "create", "ok-slug"])
    assert missing.exit_code == 2 and "--name" in missing.stderr


def test_user_create_reads_the_password_from_stdin(
    runner: Any, branch: Branch, session: Session, client: FlaskClient
) -> None:
    result = runner.invoke(
        args=["user", "create", "wangjg", "--role", "secretary", "--role", "committee",
              "--branch", branch.slug, "--name", "王建国"],
        input=PASSWORD + "\n",
    )
    assert result.exit_code == 0, result.output
    expected = f"created user wangjg (committee, secretary) in branch {branch.slug}"
    assert result.stdout.strip() == expected
    assert PASSWORD not in result.output
    user = find_user(session, "wangjg")
    assert user is not None and user.display_name == "王建国" and user.branch_id == branch.id
    assert log_in(client, "wangjg", PASSWORD).status_code == 302


@pytest.mark.parametrize(
    ("args", "stdin", "fragment"),
    [
        (["--role", "secretary"], PASSWORD, "必须属于一个党支部"),
        (["--role", "admin", "--branch", "nowhere"], PASSWORD, "没有简称为 nowhere 的党支部"),
        (["--role", "admin"], "", "expected a password on standard input"),
        (["--role", "admin"], "short", "至少需要 10 个字符"),
    ],
)
def test_user_create_refusals(
    runner: Any, session: Session, args: list[str], stdin: str, fragment: str
) -> None:
    result = runner.invoke(args=["user", "create", "newbie", *args], input=stdin + "\n")
    assert fragment in one_line_refusal(result)
    assert find_user(session, "newbie") is None


def test_user_create_refuses_an_unknown_role(runner: Any) -> None:
    result = runner.invoke(args=["user", "create", "x1", "--role", "boss"], input=PASSWORD)
    assert result.exit_code == 2
    assert "boss" in result.stderr


def test_user_create_refuses_a_taken_username(runner: Any, secretary: User) -> None:
    result = runner.invoke(args=["user", "create", "secretary", "--role", "admin"], input=PASSWORD)
    assert "已被使用" in one_line_refusal(result)


def test_reset_password(runner: Any, secretary: User, client: FlaskClient) -> None:
    log_in(client, "secretary")
    result = runner.invoke(args=["user", "reset-password", "secretary"], input=PASSWORD + "\n")
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "password reset for secretary"
    assert client.get("/secretary/roster").status_code == 302, "old sessions end"
    assert log_in(client, "secretary", PASSWORD).status_code == 302


def test_reset_password_of_nobody(runner: Any) -> None:
    result = runner.invoke(args=["user", "reset-password", "ghost"], input=PASSWORD)
    assert "ghost" in one_line_refusal(result)


def test_deactivate(runner: Any, secretary: User, session: Session, client: FlaskClient) -> None:
    log_in(client, "secretary")
    result = runner.invoke(args=["user", "deactivate", "secretary"])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "deactivated secretary"
    user = find_user(session, "secretary")
    assert user is not None and not user.active
    assert client.get("/secretary/roster").status_code == 302


def test_user_and_branch_lists(runner: Any, secretary: User, admin_user: User) -> None:
    users = runner.invoke(args=["user", "list"]).stdout.splitlines()
    assert "admin\tadmin\t-\tactive\t-" in users
    assert "secretary\tcommittee,secretary\tdemo-test\tactive\t-" in users
    assert runner.invoke(args=["branch", "list"]).stdout == "demo-test\t测试派出所党支部\n"


def count_members(session: Session, branch: Branch) -> int:
    return session.scalar(
        select(func.count()).select_from(Member).where(Member.branch_id == branch.id)
    ) or 0


def test_roster_import(runner: Any, branch: Branch, session: Session) -> None:
    path = DATA / "roster_gb18030.csv"
    result = runner.invoke(args=["roster", "import", branch.slug, str(path)])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == (
        f"imported 8 members into {branch.slug} (4 on the committee, 0 warnings)"
    )
    assert count_members(session, branch) == 8


def test_roster_import_with_errors_imports_nothing(
    runner: Any, branch: Branch, session: Session, make_member: Callable[..., Member]
) -> None:
    make_member("陈静", posts=("discipline",))
    path = DATA / "roster_errors.csv"
    result = runner.invoke(args=["roster", "import", branch.slug, str(path)])
    assert result.exit_code == 1
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert lines[-1] == "Error: nothing imported: 7 row(s) with errors"
    assert f"{path}:3: error: 姓名为空。" in lines
    assert any(line.startswith(f"{path}:9: warning: ") for line in lines)
    assert sum(": error: " in line for line in lines) == 7
    assert count_members(session, branch) == 1


def test_roster_import_refusals(runner: Any, branch: Branch, tmp_path: Path) -> None:
    missing = runner.invoke(args=["roster", "import", branch.slug, str(tmp_path / "none.csv")])
    assert "cannot read" in one_line_refusal(missing)
    sample = str(DATA / "roster_gb18030.csv")
    wrong_branch = runner.invoke(args=["roster", "import", "nowhere", sample])
    assert "nowhere" in one_line_refusal(wrong_branch)
    binary = tmp_path / "x.csv"
    binary.write_bytes(b"\x00\x01")
    not_text = runner.invoke(args=["roster", "import", branch.slug, str(binary)])
    assert "CSV" in one_line_refusal(not_text)


def test_roster_export_round_trip(
    runner: Any, branch: Branch, make_member: Callable[..., Member]
) -> None:
    make_member("王建国", posts=("secretary", "publicity"))
    result = runner.invoke(args=["roster", "export", branch.slug])
    assert result.exit_code == 0
    assert result.stdout_bytes.startswith(b"\xef\xbb\xbfname,category,post,note\r\n")
    assert "王建国,党员,书记、宣传委员," in result.stdout
