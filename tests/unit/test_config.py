"""Configuration layers, the secret-key guard, and the documented production example."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from survey import create_app
from survey.config import CONFIG_DIR, ConfigError

ROOT = Path(__file__).resolve().parents[2]
MEMORY = "sqlite:///:memory:"


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """No SURVEY_* variable of the caller's shell leaks into these tests."""
    import os

    for name in list(os.environ):
        if name.startswith("SURVEY_") and not name.startswith("SURVEY_TEST_"):
            monkeypatch.delenv(name)


def build(tmp_path: Path, overrides: dict[str, Any] | None = None) -> Flask:
    settings = {"DATABASE_URL": MEMORY, "RATELIMIT_STORAGE_URI": "memory://"}
    settings.update(overrides or {})
    return create_app(settings, instance_path=str(tmp_path))


def assigned_names(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        target.id
        for node in tree.body
        if isinstance(node, ast.Assign)
        for target in node.targets
        if isinstance(target, ast.Name) and target.id.isupper()
    ]


def test_defaults_apply(tmp_path: Path) -> None:
    app = build(tmp_path)
    assert app.config["PUBLIC_URL"] is None, "pages take the address from their request"
    assert app.config["LOCAL_URL"] == "http://127.0.0.1:5000"
    assert app.config["TIMEZONE"] == "Asia/Shanghai"
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_default_database_is_sqlite_in_the_instance_folder(tmp_path: Path) -> None:
    app = create_app({"RATELIMIT_STORAGE_URI": "memory://"}, instance_path=str(tmp_path))
    assert app.config["DATABASE_URL"] == "sqlite:///" + str(tmp_path / "survey.db")


def test_each_layer_overrides_the_one_before(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config_file = tmp_path / "site.py"
    config_file.write_text(
        'PUBLIC_URL = "https://from-file.example"\n'
        'TIMEZONE = "Asia/Urumqi"\n'
        "SQLITE_BUSY_TIMEOUT = 3\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("SURVEY_CONFIG", str(config_file))
    app = build(tmp_path)
    assert app.config["PUBLIC_URL"] == "https://from-file.example"
    assert app.config["TIMEZONE"] == "Asia/Urumqi"

    monkeypatch.setenv("SURVEY_PUBLIC_URL", "https://from-env.example")
    monkeypatch.setenv("SURVEY_SQLITE_BUSY_TIMEOUT", "7")
    monkeypatch.setenv("SURVEY_PRODUCTION", "yes")
    monkeypatch.setenv("SURVEY_LANGUAGES", "zh, en")
    app = build(tmp_path)
    assert app.config["PUBLIC_URL"] == "https://from-env.example"
    assert app.config["TIMEZONE"] == "Asia/Urumqi", "the file still counts where env is silent"
    assert app.config["SQLITE_BUSY_TIMEOUT"] == 7
    assert app.config["PRODUCTION"] is True
    assert app.config["LANGUAGES"] == ["zh", "en"]

    app = build(tmp_path, {"PUBLIC_URL": "https://override.example"})
    assert app.config["PUBLIC_URL"] == "https://override.example"


def test_database_url_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SURVEY_DATABASE_URL", "sqlite:///" + str(tmp_path / "other.db"))
    app = create_app({"RATELIMIT_STORAGE_URI": "memory://"}, instance_path=str(tmp_path))
    assert app.config["DATABASE_URL"].endswith("other.db")


@pytest.mark.parametrize(
    ("name", "value"), [("PRODUCTION", "maybe"), ("SQLITE_BUSY_TIMEOUT", "ten")]
)
def test_badly_typed_environment_values_are_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, value: str
) -> None:
    monkeypatch.setenv(f"SURVEY_{name}", value)
    with pytest.raises(ConfigError, match=f"SURVEY_{name}"):
        build(tmp_path)


def test_secret_key_from_the_instance_file(tmp_path: Path) -> None:
    (tmp_path / "secret_key").write_text("a-file-secret-that-is-long-enough\n", encoding="utf-8")
    app = build(tmp_path)
    assert app.config["SECRET_KEY"] == "a-file-secret-that-is-long-enough"


@pytest.mark.parametrize(
    ("secret", "reason"),
    [
        (None, "no secret key configured"),
        ("change-me-to-a-long-random-string", "no secret key configured"),
        ("short", "too short"),
    ],
)
def test_requests_are_refused_without_a_real_secret_key(
    tmp_path: Path, secret: str | None, reason: str
) -> None:
    app = build(tmp_path, {"SECRET_KEY": secret})
    app.logger.disabled = True
    response = app.test_client().get("/auth/login")
    assert response.status_code == 503
    body = response.get_data(as_text=True)
    assert body.count("\n") == 1 and body.endswith("\n"), "one line"
    assert reason in body
    assert "SURVEY_SECRET_KEY" in body or "16" in body


def test_debug_and_testing_serve_without_a_secret(tmp_path: Path) -> None:
    for flag in ("TESTING", "DEBUG"):
        app = build(tmp_path, {"SECRET_KEY": "short", flag: True})
        assert app.test_client().get("/auth/login").status_code == 200


def test_a_real_secret_key_serves(tmp_path: Path) -> None:
    app = build(tmp_path, {"SECRET_KEY": "x" * 40})
    assert app.test_client().get("/auth/login").status_code == 200


def test_cli_commands_that_need_no_secret_run_without_one(tmp_path: Path) -> None:
    app = build(tmp_path, {"SECRET_KEY": None})
    result = app.test_cli_runner().invoke(args=["--help"])
    assert result.exit_code == 0
    for command in ("init-db", "demo", "user", "branch", "roster"):
        assert command in result.output


def test_production_makes_the_session_cookie_secure(tmp_path: Path) -> None:
    assert build(tmp_path).config["SESSION_COOKIE_SECURE"] is False
    production = build(tmp_path, {"PRODUCTION": True, "SESSION_COOKIE_SECURE": False})
    assert production.config["SESSION_COOKIE_SECURE"] is True


def test_every_default_setting_is_documented_in_the_production_example() -> None:
    defaults = assigned_names(CONFIG_DIR / "default.py")
    example_path = CONFIG_DIR / "production.example.py"
    example_text = example_path.read_text(encoding="utf-8")
    documented = set(assigned_names(example_path))
    assert defaults, "config/default.py defines settings"
    for key in defaults:
        assert key in documented, f"{key} is not set in config/production.example.py"
        assert f"# {key}:" in example_text, f"{key} has no '# {key}: …' comment in the example"


def test_production_example_is_valid_python_with_production_values() -> None:
    namespace: dict[str, Any] = {}
    exec(  # noqa: S102 - our own configuration file
        compile((ROOT / "config" / "production.example.py").read_text("utf-8"), "example", "exec"),
        namespace,
    )
    assert namespace["PRODUCTION"] is True
    assert namespace["SESSION_COOKIE_SECURE"] is True
    assert namespace["WTF_CSRF_ENABLED"] is True
