"""The participation list the committee prints for the meeting: who used their invitation.

The same list every participant's own link shows after close (survey/rounds/participation.py):
read aloud or pinned up at the meeting, an invitation used in someone's place is noticed.
"""

from __future__ import annotations

from flask import make_response, render_template
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from survey.auth.decorators import roles_required
from survey.committee.blueprint import bp
from survey.round_pages import branch_round
from survey.rounds.errors import WrongState
from survey.rounds.invitations import reissue_count, shown_again_count
from survey.rounds.participation import AFTER_CLOSE, participation


@bp.get("/rounds/<round_id>/participation")
@roles_required("committee")
def participation_list(round_id: str) -> Response:
    round_ = branch_round(round_id)
    if round_.state not in AFTER_CLOSE:
        raise WrongState(_("Who used their invitation is shown once the round has closed."))
    people = participation(round_)
    response = make_response(
        render_template(
            "committee/participation.html",
            round=round_,
            people=people,
            used=sum(1 for p in people if p.used),
            reissues=reissue_count(round_),
            shown_again=shown_again_count(round_),
        )
    )
    response.headers["Cache-Control"] = "no-store"
    return response
