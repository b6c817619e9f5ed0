"""The ``survey`` console script: the same services as the web UI, for operators and scripts."""

from __future__ import annotations

from survey import create_app
from survey.cli.support import SurveyGroup

main = SurveyGroup(
    name="survey",
    create_app=lambda: create_app(),
    help="Anonymous opinion rounds: set up, run and export rounds from the command line.",
)
