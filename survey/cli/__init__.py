"""The ``survey`` console script: the same services as the web UI, for operators and scripts."""

from __future__ import annotations

from flask.cli import FlaskGroup

from survey import create_app

main = FlaskGroup(
    name="survey",
    create_app=lambda: create_app(),
    help="Anonymous opinion rounds: set up, run and export rounds from the command line.",
)
