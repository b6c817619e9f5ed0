"""Each committee member's 意见反馈单: a print view and a Word file (survey/exports/feedback.py)."""

from __future__ import annotations

from flask import make_response, render_template
from werkzeug.wrappers import Response

from survey.auth.decorators import roles_required
from survey.committee.blueprint import bp
from survey.committee.summary_views import unsealed_round
from survey.exports import FORMATS, attachment, safe_name
from survey.exports.feedback import (
    FeedbackSheet,
    feedback_sheet,
    header,
    sheet_title,
    write_feedback_docx,
)
from survey.extensions import db
from survey.rounds.clock import local_today, utcnow
from survey.summary.query import build_summary


def _sheet(round_id: str, section_key: str) -> tuple[str, FeedbackSheet]:
    round_ = unsealed_round(round_id)
    return round_.public_id, feedback_sheet(build_summary(db.session, round_), section_key)


@bp.get("/rounds/<round_id>/feedback/<section_key>")
@roles_required("committee")
def feedback(round_id: str, section_key: str) -> Response:
    """The sheet to print (the print stylesheet leaves out everything but the sheet)."""
    public_id, sheet = _sheet(round_id, section_key)
    page = render_template(
        "committee/feedback.html",
        round_id=public_id,
        section_key=section_key,
        sheet=sheet,
        title=sheet_title(sheet),
        header=header(),
        today=local_today(utcnow()),
    )
    response = make_response(page)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/rounds/<round_id>/feedback/<section_key>.docx")
@roles_required("committee")
def feedback_docx(round_id: str, section_key: str) -> Response:
    public_id, sheet = _sheet(round_id, section_key)
    response = Response(
        write_feedback_docx(sheet, local_today(utcnow())), mimetype=FORMATS["docx"].mimetype
    )
    local = f"{safe_name(sheet.round_title)}-{safe_name(sheet.member)}-意见反馈单.docx"
    response.headers["Content-Disposition"] = attachment(
        f"feedback-{public_id}-{section_key}.docx", local
    )
    response.headers["Cache-Control"] = "no-store"
    return response
