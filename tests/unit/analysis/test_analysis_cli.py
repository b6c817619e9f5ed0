"""``survey analyse``: plain click, no database, no app, no secret key."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from survey.cli.analyse import analyse_command

OPINIONS = [
    "值班太多，夜班连续上，身体吃不消",
    "值班太多，夜班之后还要开会",
    "值班排得太满，夜班补休落实不了",
    "食堂饭菜太贵，夜宵也没有",
    "食堂饭菜太咸，品种单调",
    "食堂饭菜单调，价格也贵",
]


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def records(output: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in output.splitlines()]


def test_plain_lines_from_a_file(runner: CliRunner, tmp_path: Path) -> None:
    source = tmp_path / "opinions.txt"
    source.write_text("\n".join(OPINIONS) + "\n\n", encoding="utf-8")
    result = runner.invoke(analyse_command, [str(source), "--themes", "2"])
    assert result.exit_code == 0, result.stderr
    rows = records(result.stdout)
    assert [row["text"] for row in rows] == OPINIONS
    assert {row["theme"] for row in rows} == {0, 1}
    assert rows[0]["theme"] == rows[1]["theme"] != rows[3]["theme"]
    assert all(isinstance(row["label"], str) and row["label"] for row in rows)
    assert "6 opinions, 2 themes" in result.stderr
    assert "值班" in result.stdout  # UTF-8, not \\u escapes


def test_json_lines_from_stdin_in_input_order(runner: CliRunner) -> None:
    lines = [
        json.dumps({"text": text, "theme": "ignored"}, ensure_ascii=False) for text in OPINIONS
    ]
    result = runner.invoke(analyse_command, ["-"], input="\n".join(lines))
    assert result.exit_code == 0, result.stderr
    rows = records(result.stdout)
    assert [row["text"] for row in rows] == OPINIONS
    assert set(rows[0]) == {"text", "theme", "label"}


def test_text_comes_out_normalised(runner: CliRunner) -> None:
    result = runner.invoke(analyse_command, ["-"], input="值班太多!!\n值班太多\n")
    assert result.exit_code == 0, result.stderr
    assert records(result.stdout)[1]["text"] == "值班太多"
    result = runner.invoke(analyse_command, ["-"], input="學習強國積分排名!!\n")
    assert records(result.stdout)[0]["text"] == "学习强国积分排名！"


def test_byte_order_mark_is_ignored(runner: CliRunner, tmp_path: Path) -> None:
    source = tmp_path / "bom.jsonl"
    source.write_bytes(b"\xef\xbb\xbf" + json.dumps({"text": "值班太多"}).encode())
    result = runner.invoke(analyse_command, [str(source)])
    assert result.exit_code == 0, result.stderr
    assert records(result.stdout)[0]["text"] == "值班太多"


@pytest.mark.parametrize(
    ("arguments", "stdin", "reason"),
    [
        (["/nonexistent/opinions.txt"], None, "no such file"),
        (["-"], "", "no opinions"),
        (["-"], "\n  \n", "no opinions"),
        (["-", "--themes", "zero"], "值班太多\n", "whole number"),
        (["-", "--themes", "0"], "值班太多\n", "at least 1"),
        (["-"], '{"text": "值班太多"}\n{"body": "x"}\n', "line 2"),
        (["-"], '{"text": 5}\n', "line 1"),
    ],
)
def test_bad_input_exits_with_one_line(
    runner: CliRunner, arguments: list[str], stdin: str | None, reason: str
) -> None:
    result = runner.invoke(analyse_command, arguments, input=stdin)
    assert result.exit_code != 0
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and reason in lines[0], result.stderr


def test_not_utf8(runner: CliRunner, tmp_path: Path) -> None:
    source = tmp_path / "gbk.txt"
    source.write_bytes("值班太多".encode("gbk"))
    result = runner.invoke(analyse_command, [str(source)])
    assert result.exit_code != 0
    assert "not UTF-8" in result.stderr


def test_needs_no_app_database_or_secret(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("SURVEY_SECRET_KEY", "SECRET_KEY", "SURVEY_DATABASE_URL", "FLASK_APP"):
        monkeypatch.delenv(name, raising=False)
    result = runner.invoke(analyse_command, ["-"], input="值班太多\n")
    assert result.exit_code == 0, result.stderr
    assert analyse_command.name == "analyse"
