"""Configuration in layers: defaults, a SURVEY_CONFIG file, SURVEY_* variables, overrides."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask

ROOT = Path(__file__).resolve().parent.parent
CONFIG_DIR = ROOT / "config"
ENV_PREFIX = "SURVEY_"
# Placeholders that must never be accepted as a real secret key.
PLACEHOLDER_SECRETS = frozenset({"", "change-me", "change-me-to-a-long-random-string", "dev"})


# RFC 9106 section 4, second recommended option (64 MiB, 3 passes): weaker opening-code
# stretching is refused in production, so a careless setting cannot make parts cheap to guess.
ARGON2_FLOOR_MEMORY_KIB = 65536
ARGON2_FLOOR_TIME_COST = 3
HSTS_PRODUCTION_SECONDS = 365 * 24 * 3600


class ConfigError(Exception):
    """A setting has a value the application cannot work with."""


def _check_production_floor(app: Flask) -> None:
    """Refuse to start in production with an opening-code cost below the floor."""
    memory = int(app.config.get("OPENING_ARGON2_MEMORY_KIB") or 0)
    passes = int(app.config.get("OPENING_ARGON2_TIME_COST") or 0)
    if memory < ARGON2_FLOOR_MEMORY_KIB or passes < ARGON2_FLOOR_TIME_COST:
        raise ConfigError(
            "PRODUCTION needs OPENING_ARGON2_MEMORY_KIB >= "
            f"{ARGON2_FLOOR_MEMORY_KIB} and OPENING_ARGON2_TIME_COST >= {ARGON2_FLOOR_TIME_COST}"
            f" (got {memory} and {passes})"
        )


def load_config(app: Flask, overrides: Mapping[str, Any] | None = None) -> None:
    """Apply the four layers in order; later layers win."""
    app.config.from_pyfile(str(CONFIG_DIR / "default.py"))
    named = os.environ.get("SURVEY_CONFIG")
    if named:
        app.config.from_pyfile(os.path.abspath(named))
    _apply_environment(app, os.environ)
    if overrides:
        app.config.update(overrides)
    if app.config.get("PRODUCTION"):
        # Production is served over HTTPS: the staff session cookie never travels in clear, and
        # browsers are told to use HTTPS only (HSTS, a year unless configured).
        app.config["SESSION_COOKIE_SECURE"] = True
        if not int(app.config.get("HSTS_SECONDS") or 0):
            app.config["HSTS_SECONDS"] = HSTS_PRODUCTION_SECONDS
        _check_production_floor(app)
    _resolve_secret_key(app)
    if not app.config.get("DATABASE_URL"):
        app.config["DATABASE_URL"] = "sqlite:///" + os.path.join(app.instance_path, "survey.db")


def _apply_environment(app: Flask, environ: Mapping[str, str]) -> None:
    """Copy SURVEY_<KEY> variables over known keys, converted to the default's type."""
    for name, raw in environ.items():
        if not name.startswith(ENV_PREFIX) or name == "SURVEY_CONFIG":
            continue
        key = name[len(ENV_PREFIX):]
        if key.startswith("TEST_"):
            continue
        app.config[key] = _convert(key, raw, app.config.get(key))


def _convert(key: str, raw: str, default: Any) -> Any:
    """Interpret an environment string the way the default value is typed."""
    if isinstance(default, bool):
        if raw.lower() in {"1", "true", "yes", "on"}:
            return True
        if raw.lower() in {"0", "false", "no", "off"}:
            return False
        raise ConfigError(f"SURVEY_{key} must be true or false, not {raw!r}")
    if isinstance(default, int):
        try:
            return int(raw)
        except ValueError:
            raise ConfigError(f"SURVEY_{key} must be a whole number, not {raw!r}") from None
    if isinstance(default, list):
        return [part.strip() for part in raw.split(",") if part.strip()]
    return raw


def _resolve_secret_key(app: Flask) -> None:
    """Read the secret key from SECRET_KEY_FILE when it is not set directly."""
    if app.config.get("SECRET_KEY"):
        return
    path = Path(app.instance_path) / app.config.get("SECRET_KEY_FILE", "secret_key")
    if path.is_file():
        app.config["SECRET_KEY"] = path.read_text(encoding="utf-8").strip() or None


def secret_key_problem(app: Flask) -> str | None:
    """Why this app must not serve requests with its secret key, or None when it may."""
    if app.debug or app.testing:
        return None
    key = app.config.get("SECRET_KEY")
    if not key or str(key) in PLACEHOLDER_SECRETS:
        return "no secret key configured: set SURVEY_SECRET_KEY (or SECRET_KEY in SURVEY_CONFIG)"
    if len(str(key)) < 16:
        return "the secret key is too short: use at least 16 random characters"
    return None


def secret_key_bytes(app: Flask) -> bytes:
    """The secret key as bytes, for key derivation."""
    key = app.config.get("SECRET_KEY")
    if not key:
        raise ConfigError("no secret key configured")
    return key if isinstance(key, bytes) else str(key).encode("utf-8")
