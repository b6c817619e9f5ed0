"""The officers' JSON API, version 1 (DESIGN.md section 6). No cookies; exempt from CSRF."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")
