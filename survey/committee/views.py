"""Views of the committee blueprint."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("committee", __name__, url_prefix="/committee")
