"""Administrators create branches and accounts, reset passwords, deactivate and reactivate."""

from __future__ import annotations

from collections.abc import Callable

from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from survey.models import Branch, User
from tests.factories import PASSWORD, log_in

NEW_PASSWORD = "a long enough password"


def test_admin_overview_lists_branches_and_accounts(
    as_admin: FlaskClient, branch: Branch, secretary: User
) -> None:
    page = as_admin.get("/admin/").get_data(as_text=True)
    assert "系统管理" in page
    assert branch.name in page
    assert "secretary" in page


def test_admin_creates_a_branch(as_admin: FlaskClient, session: Session) -> None:
    response = as_admin.post(
        "/admin/branches/new", data={"name": "城关派出所党支部", "slug": "chengguan"}
    )
    assert response.status_code == 302
    branch = session.scalar(select(Branch).where(Branch.slug == "chengguan"))
    assert branch is not None and branch.name == "城关派出所党支部"


def test_branch_slug_must_be_well_formed_and_unique(as_admin: FlaskClient, branch: Branch) -> None:
    bad = as_admin.post("/admin/branches/new", data={"name": "某支部", "slug": "有 空格"})
    assert bad.status_code == 400
    assert "简称由 2 至 64 个小写字母" in bad.get_data(as_text=True)
    taken = as_admin.post("/admin/branches/new", data={"name": "某支部", "slug": branch.slug})
    assert "已存在" in taken.get_data(as_text=True)


def test_admin_creates_a_secretary_who_can_log_in(
    as_admin: FlaskClient, client: FlaskClient, branch: Branch, session: Session
) -> None:
    response = as_admin.post(
        "/admin/users/new",
        data={
            "username": "Zhangsan",
            "display_name": "张三",
            "roles": ["secretary", "committee"],
            "branch": branch.public_id,
            "password": NEW_PASSWORD,
            "confirm": NEW_PASSWORD,
        },
    )
    assert response.status_code == 302
    user = session.scalar(select(User).where(User.username == "zhangsan"))
    assert user is not None
    assert user.roles == {"secretary", "committee"}
    assert user.branch_id == branch.id
    assert user.password_hash != NEW_PASSWORD
    fresh = client.application.test_client()
    assert log_in(fresh, "zhangsan", NEW_PASSWORD).status_code == 302
    assert fresh.get("/secretary/roster").status_code == 200


def new_user(as_admin: FlaskClient, **overrides: object) -> str:
    data: dict[str, object] = {
        "username": "lisi",
        "display_name": "",
        "roles": ["committee"],
        "branch": "",
        "password": NEW_PASSWORD,
        "confirm": NEW_PASSWORD,
    }
    data.update(overrides)
    response = as_admin.post("/admin/users/new", data=data)
    assert response.status_code == 400, "refused, shown on the form"
    return response.get_data(as_text=True)


def test_account_creation_refusals(as_admin: FlaskClient, secretary: User) -> None:
    assert "必须属于一个党支部" in new_user(as_admin)
    assert "请至少选择一个角色" in new_user(as_admin, roles=[])
    assert "已被使用" in new_user(as_admin, username="secretary", roles=["admin"])
    assert "至少需要 10 个字符" in new_user(
        as_admin, roles=["admin"], password="short", confirm="short"
    )
    assert "两次输入的密码不一致" in new_user(as_admin, roles=["admin"], confirm="other password!")
    assert "用户名由" in new_user(as_admin, username="李四", roles=["admin"])


def test_admin_resets_a_password_and_old_sessions_end(
    as_admin: FlaskClient, secretary: User
) -> None:
    victim = as_admin.application.test_client()
    log_in(victim, "secretary")
    response = as_admin.post(
        f"/admin/users/{secretary.public_id}/password",
        data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert victim.get("/secretary/roster").status_code == 302
    assert log_in(victim, "secretary", PASSWORD).status_code == 400
    assert log_in(victim, "secretary", NEW_PASSWORD).status_code == 302


def test_admin_deactivates_and_reactivates_an_account(
    as_admin: FlaskClient, secretary: User, session: Session
) -> None:
    other = as_admin.application.test_client()
    log_in(other, "secretary")
    assert as_admin.post(f"/admin/users/{secretary.public_id}/deactivate").status_code == 302
    session.refresh(secretary)
    assert not secretary.active
    assert other.get("/secretary/roster").status_code == 302
    assert log_in(other, "secretary").status_code == 400
    as_admin.post(f"/admin/users/{secretary.public_id}/activate")
    assert log_in(other, "secretary").status_code == 302


def test_admin_cannot_deactivate_themselves(as_admin: FlaskClient, admin_user: User) -> None:
    response = as_admin.post(f"/admin/users/{admin_user.public_id}/deactivate")
    assert response.status_code == 403
    assert "不能停用自己的账号" in response.get_data(as_text=True)
    assert as_admin.get("/admin/").status_code == 200


def test_deactivate_needs_a_post(as_admin: FlaskClient, secretary: User) -> None:
    assert as_admin.get(f"/admin/users/{secretary.public_id}/deactivate").status_code == 405


def test_unknown_account_is_404(as_admin: FlaskClient) -> None:
    assert as_admin.get("/admin/users/nosuchid/password").status_code == 404


def test_admin_pages_need_the_admin_role(
    client: FlaskClient, make_user: Callable[..., User], secretary: User
) -> None:
    assert client.get("/admin/").status_code == 302
    log_in(client, "secretary")
    for url in ("/admin/", "/admin/branches/new", "/admin/users/new"):
        assert client.get(url).status_code == 403, url
    assert client.post(f"/admin/users/{secretary.public_id}/deactivate").status_code == 403
