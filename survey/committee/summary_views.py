"""The committee's rounds, the grouped summary and its downloads (parts are given to unseal on
the custodians' own pages, survey/custodian/)."""

from __future__ import annotations

from flask import abort, current_app, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from werkzeug.wrappers import Response

from survey.auth.decorators import current_user, roles_required
from survey.committee.blueprint import bp
from survey.committee.edit_support import move_choices
from survey.exports import FORMATS, content_disposition, render
from survey.extensions import db
from survey.forms import EmptyForm
from survey.models import Round
from survey.round_pages import branch_round as committee_round
from survey.round_pages import signed_in
from survey.rounds.errors import WrongState
from survey.rounds.requirements import required_answers
from survey.rounds.unseal import below_minimum_message
from survey.summary.chart import BarChart, bar_chart
from survey.summary.labels import (
    category_label,
    channel_label,
    fact_rows,
    status_label,
    theme_cell,
    theme_heading,
)
from survey.summary.query import Summary, build_summary, round_facts
from survey.summary.regroup import unplaced_items

UNSEALED_STATES = ("summarising", "consulting", "final")
# Functions the summary templates call.
LABELS = {
    "category_label": category_label,
    "channel_label": channel_label,
    "status_label": status_label,
    "theme_heading": theme_heading,
}
MAX_QUERY = 100


def unsealed_round(round_id: str) -> Round:
    round_ = committee_round(round_id)
    if round_.state not in UNSEALED_STATES:
        raise WrongState(_("This round has not been unsealed yet."))
    return round_


@bp.get("/rounds")
@roles_required("committee")
def rounds() -> str:
    user = signed_in()
    found = db.session.scalars(
        select(Round)
        .where(Round.branch_id == user.branch_id, Round.state != "draft")
        .order_by(Round.created_on.desc(), Round.title, Round.public_id)
    ).all()
    waiting = [
        r
        for r in found
        if r.state == "opening" and r.part1_confirmed and r.custodian2_id == user.id
    ]
    can_receive = "committee.receive_part" in current_app.view_functions
    return render_template(
        "committee/rounds.html", rounds=found, waiting=waiting if can_receive else []
    )


@bp.get("/rounds/<round_id>")
@roles_required("committee")
def round_summary(round_id: str) -> str | Response:
    round_ = committee_round(round_id)
    if round_.kind == "consultation" and round_.state in UNSEALED_STATES and round_.parent:
        # An unsealed consultation is read on its version's page, beside its topics.
        return redirect(
            url_for(
                "committee.topics_version",
                round_id=round_.parent.public_id,
                number=round_.version,
            )
        )
    return summary_page(round_)[0]


def summary_page(round_: Round, status: int = 200) -> tuple[str, int]:
    """The round page: facts, then where unsealing stands (closed) or the grouped summary."""
    query = request.args.get("q", "").strip()[:MAX_QUERY]
    summary: Summary | None = None
    charts: dict[int, BarChart] = {}
    editing: dict[str, object] = {"choices": [], "waiting": 0}
    if round_.state in UNSEALED_STATES:
        summary = build_summary(db.session, round_, query)
        charts = {
            section.id: bar_chart([(theme_cell(section, t), t.count) for t in section.themes])
            for section in summary.sections
        }
        facts = summary.facts
        if round_.state == "summarising":
            waiting = len(unplaced_items(db.session, round_))
            editing = {"choices": move_choices(round_), "waiting": waiting}
    else:
        facts = round_facts(round_)
    received, needed = round_.answers_at_close or 0, required_answers(round_)
    below = below_minimum_message(received, needed) if received < needed else None
    page = render_template(
        "committee/round.html",
        round=round_,
        facts=fact_rows(facts, with_round=False),
        summary=summary,
        charts=charts,
        query=query,
        below_minimum=below,
        formats=FORMATS,
        can_add_items=_can_add_items(),
        move_choices=editing["choices"],
        waiting=editing["waiting"],
        button=EmptyForm(),
        **LABELS,
    )
    return page, status


def _can_add_items() -> bool:
    user = current_user()
    return bool(
        user is not None
        and user.has_role("secretary")
        and "secretary.channel_items" in current_app.view_functions
    )


@bp.get("/rounds/<round_id>/export.<fmt>")
@roles_required("committee")
def export(round_id: str, fmt: str) -> Response:
    if fmt not in FORMATS:
        abort(404)
    summary = build_summary(db.session, unsealed_round(round_id))
    # content_type, not mimetype: the formats' types carry their charset already, and
    # mimetype= would append a second one.
    response = Response(render(summary, fmt, bom=True), content_type=FORMATS[fmt].mimetype)
    response.headers["Content-Disposition"] = content_disposition(summary, fmt)
    response.headers["Cache-Control"] = "no-store"
    return response
