"""Officers' pages: the invitation page and the answer page. No session, no cookie."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("officer", __name__)
