"""Benchmark of the officer's phone experience against its budgets (DESIGN.md §5).

    .venv/bin/python bench/officer_page.py [--runs 7]

Starts its own server on a free port, with a temporary SQLite database holding one collecting
round, and drives real Chromium (/usr/bin/chromium) as a Pixel 7 through the invitation link:

- bytes on the wire from opening the invitation link until the answer page is ready to type in:
  every response the phone receives, headers included (CDP ``encodedDataLength``, what DevTools
  calls "transferred"), against 30 KB; the requests it sends are estimated and printed beside it.
  Every request must go to the server's own origin: anything else fails the run loudly;
- the time to obtain a token with the CPU slowed 4x through the Chrome DevTools Protocol
  (``Emulation.setCPUThrottlingRate``): from the officer's tap on 「开始填写」 until the page leaves
  for the answer page with the token stored (blinding, signature, finalisation; the page, the
  keys and the invitation status were loaded before the tap, and nothing is taken before it).
  Median of ``--runs`` fresh browser contexts, against 1 s. The time from the link to the
  invitation page (participants and status shown) is printed beside it.

Exits non-zero when a budget is missed.
"""

from __future__ import annotations

import argparse
import logging
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from flask import Flask  # noqa: E402
from werkzeug.serving import make_server  # noqa: E402

from survey import create_app, migrations  # noqa: E402
from survey.config import secret_key_bytes  # noqa: E402
from survey.extensions import db  # noqa: E402
from survey.models import Branch, CommitteePost, Member, User  # noqa: E402
from survey.rounds import drafts, opening  # noqa: E402
from survey.rounds.clock import utcnow  # noqa: E402
from survey.rounds.invitations import code_of, invitation_link  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-sync",
    "--disable-background-networking",
    "--disable-component-update",
]
BYTES_BUDGET = 30 * 1024
TOKEN_BUDGET_MS = 1000.0
CPU_SLOWDOWN = 4
# Not a password hash: nobody logs in to the benchmark site.
NO_LOGIN = "!"


@dataclass
class Site:
    """A running server with one collecting round."""

    url: str
    round_id: str
    codes: list[str]
    links: list[str] = field(default_factory=list)


def seed_round(app: Flask, participants: int) -> tuple[str, list[str]]:
    """A branch, two custodians, a committee member, participants, and an open round."""
    with app.app_context():
        session = db.session
        branch = Branch(slug="bench", name="基准派出所党支部")
        users = [
            User(username=n, display_name=d, password_hash=NO_LOGIN, branch=branch)
            for n, d in (("secretary", "书记"), ("jijian", "纪检委员"))
        ]
        users[0].roles, users[1].roles = {"secretary", "committee"}, {"committee"}
        chief = Member(name="王明", branch=branch)
        inspector = Member(name="李纪", branch=branch)
        users[0].member, users[1].member = chief, inspector  # custodians are real people
        members = [Member(name=f"民警{i}", branch=branch) for i in range(participants)]
        session.add_all([branch, *users, chief, inspector, *members])
        session.flush()
        session.add(CommitteePost(branch_id=branch.id, post="secretary", member=chief))
        session.add(CommitteePost(branch_id=branch.id, post="discipline", member=inspector))
        session.flush()
        settings = drafts.DraftSettings(
            title="2026年上半年民主生活会征求意见",
            intro="请围绕队伍建设、业务工作、支部工作和支委成员个人提出意见建议。",
            custodian2=users[1],
        )
        round_ = drafts.create_round(session, branch, users[0], settings, now=utcnow())
        drafts.set_participants(session, round_, members)
        opening.open_round_at_once(session, round_, secret_key_bytes(app), now=utcnow())
        session.commit()
        # The slips the officers received (decrypted directly: not a showing to staff).
        codes = [code_of(round_, i, secret_key_bytes(app)) for i in round_.invitations]
        return round_.public_id, codes


@contextmanager
def running_site(participants: int = 12) -> Iterator[Site]:
    """Serve a fresh app (temporary SQLite) on a free port for the duration of the block."""
    with tempfile.TemporaryDirectory(prefix="officer-bench-") as tmp:
        app = create_app(
            {
                "SECRET_KEY": "bench-secret-key-0123456789abcdefghijklmnop",
                "DATABASE_URL": f"sqlite:///{tmp}/bench.db",
                "OPENING_ARGON2_MEMORY_KIB": 8,
                "OPENING_ARGON2_TIME_COST": 1,
                "RATELIMIT_ENABLED": False,
            },
            instance_path=tmp,
        )
        migrations.upgrade(db._bound(app).engine)
        round_id, codes = seed_round(app, participants)
        server = make_server("127.0.0.1", 0, app, threaded=True)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        url = f"http://127.0.0.1:{server.server_port}"
        try:
            with app.app_context():
                app.config["PUBLIC_URL"] = url
                from survey.models import Round

                round_ = db.session.query(Round).filter_by(public_id=round_id).one()
                links = [invitation_link(url, round_, code) for code in codes]
            yield Site(url, round_id, codes, links)
        finally:
            server.shutdown()
            thread.join(timeout=5)
            db._bound(app).engine.dispose()


@dataclass
class Traffic:
    """What CDP saw of one page's network: requests, bytes, and when documents were asked for."""

    origin: str
    requests: dict[str, dict[str, Any]] = field(default_factory=dict)
    received: int = 0
    sent: int = 0
    foreign: list[str] = field(default_factory=list)
    tapped: float = 0.0  # wall clock of the tap on 「开始填写」
    invitation_shown: float = 0.0  # wall clock when the invitation page showed its list

    def on_request(self, event: dict[str, Any]) -> None:
        request = event["request"]
        url = request["url"]
        parts = urlsplit(url)
        if f"{parts.scheme}://{parts.netloc}" != self.origin:
            self.foreign.append(url)
        self.requests[event["requestId"]] = {
            "url": url,
            "type": event.get("type"),
            "at": event["timestamp"],
            "wall": event["wallTime"],
            "bytes": 0,
        }
        headers = sum(len(k) + len(str(v)) + 4 for k, v in request.get("headers", {}).items())
        self.sent += len(request["method"]) + len(parts.path) + len(parts.query) + 12 + headers
        self.sent += len(request.get("postData", "").encode("utf-8"))

    def on_finished(self, event: dict[str, Any]) -> None:
        size = int(event.get("encodedDataLength", 0))
        self.received += size
        if event["requestId"] in self.requests:
            self.requests[event["requestId"]]["bytes"] = size

    def first(self, predicate: Any, clock: str = "at") -> float:
        times = [r[clock] for r in self.requests.values() if predicate(r)]
        if not times:
            raise SystemExit("officer_page: an expected request never happened")
        return min(times)


def one_run(browser: Any, device: dict[str, Any], site: Site, link: str) -> Traffic:
    """Open one invitation link in a fresh context, CPU slowed, until the answer page is ready."""
    context = browser.new_context(**device, locale="zh-CN")
    try:
        page = context.new_page()
        cdp = context.new_cdp_session(page)
        traffic = Traffic(site.url)
        cdp.on("Network.requestWillBeSent", traffic.on_request)
        cdp.on("Network.loadingFinished", traffic.on_finished)
        cdp.send("Network.enable")
        cdp.send("Network.setCacheDisabled", {"cacheDisabled": False})
        cdp.send("Emulation.setCPUThrottlingRate", {"rate": CPU_SLOWDOWN})
        page.goto(link)
        page.wait_for_selector("#iv-start:not([hidden])", timeout=30_000)
        traffic.invitation_shown = time.time()
        traffic.tapped = time.time()
        page.click("#iv-start")
        page.wait_for_url(f"{site.url}/a/{site.round_id}", timeout=30_000)
        page.wait_for_selector("#v-write:not([hidden])", timeout=30_000)
        page.wait_for_load_state("networkidle")
        return traffic
    finally:
        context.close()


def token_ms(traffic: Traffic, round_id: str) -> tuple[float, float]:
    """(tap → token stored, link → invitation page shown), in milliseconds (wall clock)."""

    def path(r: dict[str, Any]) -> str:
        return urlsplit(r["url"]).path

    link = traffic.first(lambda r: path(r) == "/i" and r["type"] == "Document", "wall")
    answer = traffic.first(
        lambda r: path(r) == f"/a/{round_id}" and r["type"] == "Document", "wall"
    )
    return (answer - traffic.tapped) * 1000, (traffic.invitation_shown - link) * 1000


def report(first: Traffic, totals: list[tuple[float, float]]) -> bool:
    print("requests from the invitation link to the ready answer page (first run):")
    for r in first.requests.values():
        print(f"  {r['bytes']:>7} B  {urlsplit(r['url']).path}")
    wire = first.received
    print(
        f"bytes on the wire, received (responses with their headers, what DevTools calls"
        f" transferred): {wire} B = {wire / 1024:.1f} KB; budget {BYTES_BUDGET // 1024} KB;"
        f" ratio {wire / BYTES_BUDGET:.2f}"
    )
    print(
        f"  requests sent, estimated from CDP (not in the budget): {first.sent} B;"
        f" both ways {(wire + first.sent) / 1024:.1f} KB"
    )
    whole = statistics.median(t[0] for t in totals)
    inner = statistics.median(t[1] for t in totals)
    runs = ", ".join(f"{t[0]:.0f}" for t in totals)
    print(
        f"token, CPU slowed {CPU_SLOWDOWN}x, tap -> token stored: median {whole:.0f} ms"
        f" over {len(totals)} runs ({runs} ms); budget {TOKEN_BUDGET_MS:.0f} ms;"
        f" ratio {whole / TOKEN_BUDGET_MS:.2f}"
    )
    print(f"  link opened -> invitation page with its list shown: median {inner:.0f} ms")
    return wire <= BYTES_BUDGET and whole < TOKEN_BUDGET_MS


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="token timings to take the median of")
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright

    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no request lines in the report

    with running_site(participants=max(args.runs + 1, 8)) as site, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        device = dict(pw.devices["Pixel 7"])
        device.pop("default_browser_type", None)
        runs = [one_run(browser, device, site, site.links[i]) for i in range(args.runs)]
        browser.close()
    foreign = sorted({url for run in runs for url in run.foreign})
    if foreign:
        print("FAIL: requests to another origin:", *foreign, sep="\n  ")
        return 1
    ok = report(runs[0], [token_ms(run, site.round_id) for run in runs])
    print("within budget" if ok else "FAIL: over budget")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
