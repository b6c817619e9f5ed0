"""The README's demo steps, as written, on a fresh database (issue 12).

`survey demo`, then the collecting demo round: list its invitation links, close it, unseal it
with the two parts `survey demo` printed, export the summary. The round already holds answers
sent through the real protocol steps (blind-signed token, sealed answer), so the unseal works.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from sqlalchemy import func, select

from survey.cli.demo_rounds import COLLECTING_ANSWERS
from survey.extensions import db
from survey.models import Round, SealedAnswer
from tests.committed import committed_app, fresh_database

README = Path(__file__).resolve().parents[2] / "README.md"


def test_close_and_unseal_the_collecting_demo_round_as_the_readme_says(tmp_path: Path) -> None:
    readme = README.read_text(encoding="utf-8")
    assert "so you can close this round and unseal it too" in readme
    assert 'echo "<part 1> <part 2>" | survey round unseal <round id>' in readme
    assert "8 of its 20 participants have already answered" in readme
    with fresh_database(tmp_path, "demo_readme") as url:
        app = committed_app(url, tmp_path)
        runner = app.test_cli_runner()
        demo = runner.invoke(args=["demo"])
        assert demo.exit_code == 0, demo.output
        rounds = re.findall(r"^round (\w+)  (.+)\n  opening code: (\S+) (\S+)$", demo.stdout, re.M)
        assert len(rounds) == 2, demo.stdout
        (round_id, _title, part1, part2) = next(r for r in rounds if "征求中" in r[1])
        assert f"survey round invitations {round_id}" in demo.stdout

        listed = runner.invoke(args=["round", "invitations", round_id, "--format", "csv"])
        assert listed.exit_code == 0, listed.output
        rows = list(csv.reader(io.StringIO(listed.stdout)))
        assert rows[0] == ["name", "link", "code"] and len(rows) == 21  # 20 participants

        with app.app_context():
            stored = select(func.count()).select_from(SealedAnswer).join(Round)
            count = db.session.scalar(stored.where(Round.public_id == round_id))
            assert count == COLLECTING_ANSWERS == 8  # above the minimum k = 5

        closed = runner.invoke(args=["round", "close", round_id])
        assert closed.exit_code == 0, closed.output
        unsealed = runner.invoke(args=["round", "unseal", round_id], input=f"{part1} {part2}\n")
        assert unsealed.exit_code == 0, unsealed.output
        summary = runner.invoke(args=["round", "export", round_id, "--format", "md"])
        assert summary.exit_code == 0, summary.output
        assert "值班" in summary.stdout or "会议" in summary.stdout
        # The collecting demo round sorts its summary under the three areas first.
        headings = re.findall(r"^### (\S+) \(\d+\)$", summary.stdout, re.M)
        assert {"队伍建设", "业务工作", "党支部工作"} & set(headings), headings
        with app.app_context():
            round_ = db.session.scalar(select(Round).where(Round.public_id == round_id))
            assert round_ is not None and round_.state == "summarising"
            db.session.close()  # give the connection back before the pool is disposed
        with app.app_context():
            db.engine.dispose()
