"""The page shell in real Chromium on a phone: the demo secretary logs in and reads the roster.

Checks that Chinese glyphs are really drawn (not empty boxes), that the strict CSP blocks
nothing, that nothing overflows a phone screen, and that tap targets are at least 44px.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

# Draws each character with the heading's own font on a canvas. A missing glyph is drawn as the
# same empty box for every character, so two different characters drawing alike means no font.
GLYPH_PROBE = """
(selector) => {
  const element = document.querySelector(selector);
  const style = getComputedStyle(element);
  const canvas = document.createElement('canvas');
  canvas.width = 120; canvas.height = 120;
  const ctx = canvas.getContext('2d', {willReadFrequently: true});
  const draw = (ch) => {
    ctx.clearRect(0, 0, 120, 120);
    ctx.font = `${style.fontWeight} 64px ${style.fontFamily}`;
    ctx.fillStyle = '#000';
    ctx.fillText(ch, 20, 90);
    const data = ctx.getImageData(0, 0, 120, 120).data;
    let ink = 0;
    for (let i = 3; i < data.length; i += 4) { if (data[i] > 0) ink++; }
    return {ink, image: canvas.toDataURL()};
  };
  const first = draw('名'), second = draw('册');
  return {
    text: element.textContent.trim(),
    width: element.getBoundingClientRect().width,
    inkFirst: first.ink, inkSecond: second.ink,
    differ: first.image !== second.image,
  };
}
"""
# Everything one taps; checkboxes count through their label.
SMALL_TARGETS = """
() => [...document.querySelectorAll(
    'button, .button, input:not([type=hidden]):not([type=checkbox]), select, .nav a, label.check'
  )].filter(el => el.offsetParent !== null)
   .map(el => ({text: (el.textContent || el.name || '').trim(),
                height: el.getBoundingClientRect().height}))
   .filter(t => t.height < 44)
"""
NO_OVERFLOW = "() => document.documentElement.scrollWidth <= window.innerWidth"


@pytest.fixture(scope="module")
def demo_logins(live_server: Any) -> dict[str, str]:
    """Loads the demo into the live server's database; returns the logins' passwords."""
    result = live_server.app.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    path = Path(live_server.app.instance_path) / "demo_logins.json"
    logins: dict[str, str] = json.loads(path.read_text(encoding="utf-8"))
    return logins


def watch_console(page: Any) -> list[str]:
    """Collects console errors, where Chromium reports anything the CSP blocked."""
    problems: list[str] = []
    page.on("console", lambda message: problems.append(message.text)
            if message.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    return problems


def log_in(page: Any, live_server: Any, username: str, password: str) -> None:
    page.goto(f"{live_server.url}/auth/login?next=/secretary/roster")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{live_server.url}/secretary/roster")


def test_demo_secretary_sees_the_roster_in_chinese_glyphs(
    phone_page: Any,
    live_server: Any,
    demo_logins: dict[str, str],
    screenshot: Callable[[Any, str], Path],
) -> None:
    problems = watch_console(phone_page)
    log_in(phone_page, live_server, "secretary", demo_logins["secretary"])
    assert phone_page.locator("h1").inner_text() == "名册"
    assert phone_page.get_by_text("示范派出所党支部").first.is_visible()
    assert phone_page.locator(".card").count() == 25
    probe = phone_page.evaluate(GLYPH_PROBE, "h1")
    assert probe["text"] == "名册"
    assert probe["width"] > 0
    assert probe["inkFirst"] > 200 and probe["inkSecond"] > 200, probe
    assert probe["differ"], "名 and 册 draw alike: no Chinese font, only empty boxes"
    assert phone_page.evaluate(NO_OVERFLOW), "the page is wider than the phone"
    assert phone_page.evaluate(SMALL_TARGETS) == []
    path = screenshot(phone_page, "roster-pixel7")
    assert path.stat().st_size > 10_000
    assert problems == [], problems


def test_login_page_on_an_iphone(
    iphone_page: Any, live_server: Any, screenshot: Callable[[Any, str], Path]
) -> None:
    problems = watch_console(iphone_page)
    iphone_page.goto(f"{live_server.url}/auth/login")
    assert iphone_page.locator("h1").inner_text() == "登录"
    assert iphone_page.evaluate(NO_OVERFLOW)
    assert iphone_page.evaluate(SMALL_TARGETS) == []
    font_size = iphone_page.eval_on_selector("#username", "el => getComputedStyle(el).fontSize")
    assert font_size == "16px", "smaller fields make iOS zoom in"
    iphone_page.keyboard.press("Tab")
    iphone_page.keyboard.press("Tab")
    focused = iphone_page.evaluate(
        "() => getComputedStyle(document.activeElement).outlineStyle"
    )
    assert focused == "solid", "keyboard focus is visible"
    screenshot(iphone_page, "login-iphone15")
    assert problems == [], problems


def test_wrong_password_and_language_switch(
    phone_page: Any, live_server: Any, demo_logins: dict[str, str]
) -> None:
    phone_page.goto(f"{live_server.url}/auth/login")
    phone_page.get_by_label("用户名").fill("secretary")
    phone_page.get_by_label("密码").fill("not the password")
    phone_page.get_by_role("button", name="登录").click()
    assert phone_page.get_by_role("alert").inner_text().strip() == "用户名或密码错误。"
    phone_page.get_by_role("button", name="English").click()
    assert phone_page.locator("h1").inner_text() == "Log in"
    phone_page.get_by_label("Username").fill("secretary")
    phone_page.get_by_label("Password").fill(demo_logins["secretary"])
    phone_page.get_by_role("button", name="Log in").click()
    assert phone_page.get_by_role("link", name="Roster").first.is_visible()
    phone_page.get_by_role("button", name="Log out").click()
    assert phone_page.locator("h1").inner_text() == "Log in"
