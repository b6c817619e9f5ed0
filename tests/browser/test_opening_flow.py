"""Both custodians open a round in Chromium: the secretary on a Pixel 7, the 纪检委员 on iPhone."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from survey.models import Round

PART = re.compile(r"^[12][0-9A-Z]{3}(-[0-9A-Z]{4}){3}$")


@pytest.fixture(scope="module")
def logins(live_server: Any) -> dict[str, str]:
    result = live_server.app.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    path = Path(live_server.app.instance_path) / "demo_logins.json"
    data: dict[str, str] = json.loads(path.read_text(encoding="utf-8"))
    return data


def log_in(page: Any, url: str, username: str, password: str, then: str) -> None:
    page.goto(f"{url}/auth/login?next={then}")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{url}{then}")


def test_two_custodians_open_a_round(
    phone_page: Any,
    iphone_page: Any,
    live_server: Any,
    logins: dict[str, str],
    screenshot: Callable[[Any, str], Path],
) -> None:
    url = live_server.url
    secretary = phone_page
    log_in(secretary, url, "secretary", logins["secretary"], "/secretary/rounds/new")
    secretary.locator("#title").fill("浏览器测试轮次")
    assert secretary.locator("#custodian2 option:checked").inner_text() == "陈静"
    screenshot(secretary, "opening-1-new-round")
    secretary.locator("main form button[type=submit]").click()
    secretary.wait_for_url(re.compile(r".*/secretary/rounds/[a-z0-9]+$"))
    round_id = secretary.url.rsplit("/", 1)[-1]
    secretary.locator("#open button[type=submit]").click()
    part1 = secretary.locator("#part").inner_text().strip()
    assert PART.match(part1) and part1.startswith("1")
    screenshot(secretary, "opening-2-part-one")
    secretary.locator("#typed").fill(part1.lower().replace("-", " "))
    secretary.get_by_role("button", name="确认已抄写").click()
    # Custodian 1 gets the opening sheet too, to copy part 1 onto.
    secretary.wait_for_url(f"{url}/custodian/rounds/{round_id}/opening-sheet")
    assert "第 1 保管人" in secretary.locator("h1").inner_text()
    secretary.goto(f"{url}/secretary/rounds/{round_id}")
    assert "陈静" in secretary.locator("main").inner_text()
    screenshot(secretary, "opening-3-waiting-for-second")

    custodian = iphone_page
    log_in(custodian, url, "jijian", logins["jijian"], "/")
    # The landing page says what waits for custodian 2.
    custodian.locator(f".custodian-task a[href='/committee/rounds/{round_id}/part']").click()
    custodian.wait_for_url(f"{url}/committee/rounds/{round_id}/part")
    screenshot(custodian, "opening-4-second-custodian")
    custodian.locator("main form button[type=submit]").click()
    part2 = custodian.locator("#part").inner_text().strip()
    assert PART.match(part2) and part2.startswith("2")
    assert custodian.locator(".fingerprint").is_visible()
    screenshot(custodian, "opening-5-part-two")
    custodian.locator("#typed").fill("2AAA-AAAA-AAAA-AAAA")
    custodian.get_by_role("button", name="确认已抄写").click()
    assert custodian.locator("#part").count() == 0, "a part is shown only once"
    custodian.locator("#typed").fill(part2)
    custodian.get_by_role("button", name="确认已抄写").click()
    custodian.wait_for_url(f"{url}/custodian/rounds/{round_id}/opening-sheet")
    screenshot(custodian, "opening-6-sheet")

    with live_server.session() as session:
        round_ = session.scalar(select(Round).where(Round.public_id == round_id))
        assert round_ is not None and round_.state == "collecting"
        fingerprint = round_.fingerprint
    assert custodian.locator(".fingerprint code").inner_text().replace(" ", "") == fingerprint
    secretary.goto(f"{url}/secretary/rounds/{round_id}")
    assert secretary.locator("#why-no-count").is_visible()
    screenshot(secretary, "opening-7-dashboard")
