"""The committee's blueprint; its views live in one module per feature."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("committee", __name__, url_prefix="/committee")
