"""A whole 2,000-officer round, end to end, against the budget of DESIGN.md §5 (< 60 s).

    .venv/bin/python bench/round_e2e.py [--database sqlite|postgres] [--officers 2000]
        [--clients 50] [--profile]

Setup, not timed: a fresh database (as ``bench/server.py``), a branch with 3 committee members
and ``--officers`` officers, a draft round, gunicorn (``config/gunicorn.conf.py``, 2 workers)
with the global officer-API limits raised (the shipped 600 per minute would by design spread
2,000 answers over more than three minutes).

Timed, one after the other (the total is the sum):
1. **open**: both custodians' steps (``open_round_at_once``), with the production Argon2id cost
   (64 MiB, 3 passes) for the opening code, committed;
2. **issue**: every officer ``POST …/tokens`` through gunicorn, ``--clients`` at a time; each
   reply is unblinded and verified as a phone does;
3. **answer**: every officer ``POST …/answers`` (4,177-byte sealed answers), ``--clients`` at a
   time; every one must get 201;
4. **close** (the service the CLI and the web call);
5. **unseal**: both parts, answers opened, split into items, shuffled, themes computed
   (``unseal_round``), committed, then the storage rewrite (``rewrite_storage``), as
   ``survey round unseal`` does;
6. **export**: the Word summary (``build_summary`` and the docx writer), as
   ``survey round export --format docx``.

What phones do on their own CPU (blinding token messages, sealing answers) is done between the
phases and reported apart, not counted. Answers are 1–3 sentences per section, drawn with a
fixed seed from ``tests/data/opinions_eval.jsonl``. Reported per phase: seconds, and for the
HTTP phases the CPU seconds the gunicorn processes spent (from /proc), and the CPU seconds of
this process (for the HTTP phases: the 50 client threads). On a machine other work keeps busy,
wall time grows while CPU time barely moves. ``--profile`` also prints
the top functions (cumulative time) of the in-process phases. Exits 1 over budget or on any
failure.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import random
import secrets
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
if str(BENCH) not in sys.path:
    sys.path.insert(0, str(BENCH))

import server as bench  # noqa: E402
from flask import Flask  # noqa: E402
from fresh_database import fresh_database  # noqa: E402
from sqlalchemy import select  # noqa: E402

from survey import create_app, migrations  # noqa: E402
from survey.crypto import blindrsa, seal  # noqa: E402
from survey.exports import render  # noqa: E402
from survey.extensions import db  # noqa: E402
from survey.models import Branch, CommitteePost, Member, Round, User  # noqa: E402
from survey.rounds import drafts, lifecycle, opening  # noqa: E402
from survey.rounds.clock import utcnow  # noqa: E402
from survey.rounds.invitations import code_of  # noqa: E402
from survey.rounds.storage import rewrite_storage  # noqa: E402
from survey.rounds.unseal import unseal_round  # noqa: E402
from survey.summary.query import build_summary  # noqa: E402

BUDGET_SECONDS = 60.0
OPINIONS = bench.ROOT / "tests" / "data" / "opinions_eval.jsonl"
COMMITTEE = (("王明", "secretary"), ("李强", "organisation"), ("赵刚", "discipline"))


def make_app(url: str, instance: Path, secret_key: str) -> Flask:
    """The service's app with production settings (Argon2id cost included)."""
    return create_app({"SECRET_KEY": secret_key, "DATABASE_URL": url, "RATELIMIT_ENABLED": False},
                      instance_path=str(instance))


def seed_draft(app: Flask, officers: int) -> int:
    """Schema, branch, custodians, committee and officers, and a draft round; its row id."""
    with app.app_context():
        migrations.upgrade(db.engine)
        session = db.session
        branch = Branch(slug="e2e", name="端到端派出所党支部")
        users = [User(username=n, display_name=d, password_hash="!", branch=branch)  # noqa: S106
                 for n, d in (("secretary", "书记"), ("jijian", "纪检委员"))]
        users[0].roles, users[1].roles = {"secretary", "committee"}, {"committee"}
        committee = [Member(name=n, branch=branch) for n, _ in COMMITTEE]
        members = [Member(name=f"民警{i:04d}", branch=branch) for i in range(officers)]
        session.add_all([branch, *users, *committee, *members])
        session.flush()
        for member, (_, post) in zip(committee, COMMITTEE, strict=True):
            session.add(CommitteePost(branch_id=branch.id, post=post, member=member))
        users[0].member, users[1].member = committee[0], committee[2]  # custodians: two people
        session.flush()
        settings = drafts.DraftSettings(title="端到端基准轮次", custodian2=users[1])
        round_ = drafts.create_round(session, branch, users[0], settings, now=utcnow())
        drafts.set_participants(session, round_, members)
        session.commit()
        return round_.id


@contextmanager
def profiled(enabled: bool, label: str, report: list[str]) -> Iterator[None]:
    if not enabled:
        yield
        return
    profile = cProfile.Profile()
    profile.enable()
    try:
        yield
    finally:
        profile.disable()
        out = io.StringIO()
        pstats.Stats(profile, stream=out).sort_stats("cumulative").print_stats(18)
        report.append(f"--- profile of {label} ---\n{out.getvalue()}")


class Timer:
    def __init__(self) -> None:
        self.phases: list[tuple[str, float, str]] = []

    def run(self, name: str, work: Callable[[], str]) -> None:
        """Wall time of ``work``; the CPU time this process spent in it goes into the note."""
        began, cpu = time.perf_counter(), time.process_time()
        note = work()
        seconds = time.perf_counter() - began
        note += f"; this process CPU {time.process_time() - cpu:.1f} s"
        self.phases.append((name, seconds, note))
        print(f"  {name:<8}{seconds:7.2f} s  {note}", flush=True)

    def total(self) -> float:
        return sum(seconds for _, seconds, _ in self.phases)


def answers_for(sections: list[str], count: int) -> list[dict[str, str]]:
    texts = [json.loads(line)["text"] for line in OPINIONS.read_text("utf-8").splitlines()]
    rng = random.Random(2026)
    answers = []
    for _ in range(count):
        chosen = rng.sample(sections, rng.randint(1, len(sections)))
        answers.append({s: "".join(rng.sample(texts, rng.randint(1, 3))) for s in chosen})
    return answers


def run(args: argparse.Namespace, tmp: Path, url: str) -> tuple[Timer, list[str], list[str]]:
    secret_key = secrets.token_urlsafe(48)
    app = make_app(url, tmp, secret_key)
    round_pk = seed_draft(app, args.officers)
    timer, profiles = Timer(), []
    site: dict[str, Any] = {}

    def open_() -> str:
        with app.app_context(), profiled(args.profile, "open", profiles):
            round_ = db.session.get_one(Round, round_pk)
            site["parts"] = opening.open_round_at_once(db.session, round_, secret_key.encode(),
                                                       now=utcnow())
            db.session.commit()
            site["site"] = bench.Site(
                round_id=round_.public_id,
                codes=[code_of(round_, i, secret_key.encode()) for i in round_.invitations],
                public_key=blindrsa.load_public_spki(round_.token_key_spki),
                seal_public=round_.seal_public, section_keys=[s.key for s in round_.sections])
        return f"Argon2id {app.config['OPENING_ARGON2_MEMORY_KIB']} KiB x " \
               f"{app.config['OPENING_ARGON2_TIME_COST']}"

    env = {"SURVEY_SECRET_KEY": secret_key, "SURVEY_DATABASE_URL": url,
           "SURVEY_INSTANCE_PATH": str(tmp), "SURVEY_PUBLIC_URL": "http://127.0.0.1",
           "SURVEY_TOKEN_RATE_LIMIT": bench.RATE_LIMIT_OFF,
           "SURVEY_ANSWER_RATE_LIMIT": bench.RATE_LIMIT_OFF}
    with bench.gunicorn("the service", "survey:create_app()", env, tmp / "e2e.log",
                        "/healthz/ready", workers=2) as server:
        timer.run("open", open_)
        s: bench.Site = site["site"]
        api = f"/api/v1/rounds/{s.round_id}"
        began = time.perf_counter()
        issued = bench.issuance_bodies(s)
        phones = time.perf_counter() - began

        def issue() -> str:
            result = bench.drive(server, f"{api}/tokens", issued.ours, label="issue",
                                 seconds=600, threads=args.clients, keep_replies=True)
            site["issue"] = result
            return (f"{result.ok} tokens, {result.failed} failed, "
                    f"server CPU {result.server_cpu:.1f} s")

        timer.run("issue", issue)
        began = time.perf_counter()
        signatures = {}
        for index, reply in site["issue"].replies.items():
            input_msg, inv = issued.kept[index]
            blind_sig = bench.base64.urlsafe_b64decode(json.loads(reply)["blind_sig"] + "==")
            signatures[index] = blindrsa.finalize(s.public_key, input_msg, blind_sig, inv)
        site["signatures"] = signatures
        plain = answers_for(s.section_keys, len(site["signatures"]))
        bodies = [bench.body(token=bench.b64u(issued.kept[i][0]), signature=bench.b64u(sig),
                             sealed=bench.b64u(seal.seal_answer(s.seal_public, text, s.round_id)))
                  for (i, sig), text in zip(sorted(site["signatures"].items()), plain,
                                            strict=True)]
        phones += time.perf_counter() - began

        def answer() -> str:
            result = bench.drive(server, f"{api}/answers", bodies, label="answer", seconds=600,
                                 threads=args.clients)
            site["answer"] = result
            return f"{result.ok} answers, {result.failed} failed, " \
                   f"server CPU {result.server_cpu:.1f} s"

        timer.run("answer", answer)
    timer.run("close", lambda: in_app(app, round_pk, "close", args.profile, profiles))
    timer.run("unseal", lambda: in_app(app, round_pk, "unseal", args.profile, profiles,
                                       parts=site["parts"]))
    timer.run("export", lambda: in_app(app, round_pk, "export", args.profile, profiles,
                                       out=tmp / "summary.docx"))
    print(f"  (phones' own work, not counted: blinding, unblinding, sealing {phones:.1f} s)")
    problems = [f"{phase}: {run.failed} failed {dict(run.failures)}, e.g. {run.first_failure}"
                for phase, run in (("issue", site["issue"]), ("answer", site["answer"]))
                if run.failed]
    if site["answer"].ok != args.officers:
        problems.append(f"{site['answer'].ok} of {args.officers} answers accepted")
    db._bound(app).engine.dispose()
    return timer, profiles, problems


def in_app(app: Flask, round_pk: int, phase: str, profile: bool, profiles: list[str],
           **kw: Any) -> str:
    """close, unseal or export, as the command line does them."""
    with app.app_context(), profiled(profile, phase, profiles):
        session = db.session
        round_ = session.scalars(select(Round).where(Round.id == round_pk)).one()
        if phase == "close":
            lifecycle.close_round(session, round_, None, now=utcnow())
            session.commit()
            return f"answers at close {round_.answers_at_close}"
        if phase == "unseal":
            part_a, part_b = kw["parts"]
            report = unseal_round(session, round_, part_a, part_b, now=utcnow(), actor=None)
            session.commit()
            began = time.perf_counter()
            rewrite_storage(db.engine)
            return (f"{report.answers} answers, {report.items} items, {report.themes} themes; "
                    f"storage rewrite {time.perf_counter() - began:.2f} s")
        data = render(build_summary(session, round_), "docx")
        kw["out"].write_bytes(data)
        return f"{len(data)} bytes of docx"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--officers", type=int, default=2000)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args(argv)
    print(f"Python {sys.version.split()[0]}, {os.cpu_count()} cores, load average "
          f"{os.getloadavg()[0]:.2f}; {args.database}; {args.officers} officers, "
          f"{args.clients} clients", flush=True)
    with ExitStack() as stack:
        tmp = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="round-e2e-")))
        url = stack.enter_context(fresh_database(args.database, tmp, "e2e"))
        timer, profiles, problems = run(args, tmp, url)
    total = timer.total()
    verdict = "ok" if total < BUDGET_SECONDS else "OVER BUDGET"
    print(f"total {total:.1f} s (budget < {BUDGET_SECONDS:.0f} s): {verdict}")
    for problem in problems:
        print(f"FAILED {problem}")
    for text in profiles:
        print(text)
    return 0 if total < BUDGET_SECONDS and not problems else 1


if __name__ == "__main__":
    raise SystemExit(main())
