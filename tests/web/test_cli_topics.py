"""``survey topics …`` runs the whole loop without a browser (DESIGN.md section 7)."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path
from typing import Any

import docx
import pytest
from flask.testing import FlaskClient

from survey.crypto.responses import Response, seal_responses
from survey.models import Round
from survey.rounds.wire import b64u_decode
from tests.rounds_support import OfficerClient
from tests.unseal_support import NO_REWRITE

pytestmark = NO_REWRITE
PART = re.compile(r"^[12][0-9A-Z]{3}(-[0-9A-Z]{4}){3}$")


def ok(runner: Any, *args: str, stdin: str | None = None) -> Any:
    result = runner.invoke(args=list(args), input=stdin)
    assert result.exit_code == 0, result.output + result.stderr
    return result


def refused(runner: Any, *args: str) -> str:
    result = runner.invoke(args=list(args))
    assert result.exit_code == 1 and result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1, "a one-line reason"
    return str(result.stderr)


def write_topics(tmp_path: Path, topics: list[dict[str, Any]]) -> str:
    path = tmp_path / "topics.json"
    path.write_text(json.dumps(topics, ensure_ascii=False), encoding="utf-8")
    return str(path)


def publish(runner: Any, round_id: str) -> tuple[str, str]:
    """(both parts, consultation id)."""
    lines = ok(runner, "topics", "publish", round_id).stdout.strip().splitlines()
    part1, part2 = lines[0].split(" ")
    assert PART.match(part1) and PART.match(part2)
    return lines[0], lines[-1]


def respond_all(runner: Any, client: FlaskClient, consultation_id: str, choose: Any) -> None:
    """Every participant answers through the API with a code from ``round invitations``."""
    listing = ok(runner, "round", "invitations", consultation_id, "--format", "csv").stdout
    rows = list(csv.DictReader(io.StringIO(listing)))
    officer = OfficerClient(client, consultation_id)
    keys = officer.fetch_keys()
    topic_ids = [t["id"] for t in keys["topics"]]
    for n, row in enumerate(rows):
        token, signature = officer.obtain_token(row["code"])
        sealed = seal_responses(
            b64u_decode(keys["seal_key"]["public"]),
            {k: Response(*choose(n, i)) for i, k in enumerate(topic_ids)},
            "",
            consultation_id,
        )
        reply = officer.post("answers", officer.answer_body(token, signature, sealed))
        assert reply.status_code == 201


def close_and_unseal(runner: Any, consultation_id: str, parts: str) -> None:
    ok(runner, "round", "close", consultation_id)
    ok(runner, "round", "unseal", consultation_id, stdin=parts + "\n")


def test_cli_runs_the_loop(
    runner: Any, client: FlaskClient, answered: Round, tmp_path: Path
) -> None:
    round_id = answered.public_id
    first = [
        {"title": "值班备勤制度", "problem": "夜班后休息得不到保证", "outcome": "固定轮换和补休"},
        {"title": "业务培训", "problem": "培训少", "outcome": "每季度一次实战培训"},
    ]
    ids = ok(runner, "topics", "set", round_id, write_topics(tmp_path, first)).stdout.split()
    assert len(ids) == 2 and all(re.fullmatch(r"[a-z0-9]+", i) for i in ids)
    parts, consultation_id = publish(runner, round_id)

    def one_objection(n: int, i: int) -> tuple[str, str]:
        return ("object", "范围太窄") if (n, i) == (0, 0) else ("agree", "")

    respond_all(runner, client, consultation_id, one_objection)
    assert "尚未开启" in refused(runner, "topics", "finalise", round_id)
    close_and_unseal(runner, consultation_id, parts)
    assert "反对意见" in refused(runner, "topics", "finalise", round_id)
    exported = json.loads(ok(runner, "topics", "export", round_id, "--format", "json").stdout)
    (objection,) = exported["versions"][0]["topics"][0]["objections"]
    assert objection["text"] == "范围太窄" and objection["disposition"] is None
    assert "说明" in refused(runner, "topics", "finalise", round_id, "--explained")
    ok(
        runner,
        "topics",
        "dispose",
        round_id,
        objection["id"],
        "--kind",
        "adopted",
        "--text",
        "范围扩大到备勤",
    )
    second = [
        dict(first[0], id=ids[0], problem="夜班后休息得不到保证，备勤室条件差"),
        dict(first[1], id=ids[1]),
    ]
    assert (
        ok(runner, "topics", "set", round_id, write_topics(tmp_path, second)).stdout.split() == ids
    )
    parts, consultation_id = publish(runner, round_id)
    respond_all(runner, client, consultation_id, lambda n, i: ("agree", ""))
    close_and_unseal(runner, consultation_id, parts)
    assert "version 2 final (strict)" in ok(runner, "topics", "finalise", round_id).stdout
    exported = json.loads(ok(runner, "topics", "export", round_id, "--format", "json").stdout)
    assert exported["final"] is True and exported["final_mode"] == "strict"
    assert exported["versions"][0]["topics"][0]["objections"][0]["disposition"] == {
        "kind": "adopted",
        "text": "范围扩大到备勤",
    }
    assert exported["versions"][1]["topics"][0]["counts"]["agree"] == 12
    out = tmp_path / "topics.docx"
    ok(runner, "topics", "export", round_id, "--format", "docx", "-o", str(out))
    text = "\n".join(p.text for p in docx.Document(str(out)).paragraphs)
    assert "备勤室条件差" in text
    markdown = ok(runner, "topics", "export", round_id, "--format", "md").stdout
    assert "值班备勤制度" in markdown
    assert refused(runner, "topics", "set", round_id, write_topics(tmp_path, second))


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ("not json", "not JSON"),
        ('{"title": "x"}', "list"),
        ('[{"title": "x", "problem": "p", "outcome": "o", "colour": "red"}]', "unknown field"),
        ('[{"title": 3, "problem": "p", "outcome": "o"}]', "strings"),
        ('[{"title": "x", "problem": "p", "outcome": "o", "id": "nosuch"}]', "nosuch"),
    ],
)
def test_set_refuses_bad_files_with_one_line(
    runner: Any, answered: Round, tmp_path: Path, content: str, reason: str
) -> None:
    path = tmp_path / "bad.json"
    path.write_text(content, encoding="utf-8")
    assert reason in refused(runner, "topics", "set", answered.public_id, str(path))


def test_consultation_id_is_not_an_answer_round(
    runner: Any, client: FlaskClient, answered: Round, tmp_path: Path
) -> None:
    topics = [{"title": "x", "problem": "p", "outcome": "o"}]
    ok(runner, "topics", "set", answered.public_id, write_topics(tmp_path, topics))
    _parts, consultation_id = publish(runner, answered.public_id)
    assert "answer round" in refused(runner, "topics", "finalise", consultation_id)
