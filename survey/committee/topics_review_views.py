"""The committee's review of one version's consultation, reporting and finalising.

After close and unseal: per topic the counts and the texts (ordered by content), a disposition
form for every objection, a redaction form for every text. Then the version is reported to the
superior (where the branch does so) and the topics are finalised.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import abort, render_template, url_for
from flask_wtf import FlaskForm
from sqlalchemy import select
from werkzeug.wrappers import Response

from survey.auth.decorators import roles_required
from survey.committee.blueprint import bp
from survey.committee.topics_forms import DispositionForm, RedactForm
from survey.committee.topics_views import run_and_return, topics_round
from survey.extensions import db
from survey.forms import EmptyForm
from survey.models import Round, TopicVersion
from survey.round_pages import signed_in
from survey.rounds.clock import utcnow
from survey.topics import drafting, finalising, review, superior
from survey.topics.labels import CHANGE_LABELS, FIELD_LABELS, decision_label, disposition_label
from survey.topics.record import build_record
from survey.unseal_pages import rewrite_after_redaction


@bp.get("/rounds/<round_id>/topics/v/<int:number>")
@roles_required("committee")
def topics_version(round_id: str, number: int) -> str:
    round_ = topics_round(round_id)
    found = db.session.scalar(
        select(TopicVersion).where(
            TopicVersion.round_id == round_.id,
            TopicVersion.number == number,
            TopicVersion.published.is_(True),
        )
    )
    if found is None:
        abort(404)
    record = build_record(db.session, round_)
    version = next(v for v in record.versions if v.number == number)
    rows = review.responses_of(db.session, found)
    return render_template(
        "committee/topics_version.html",
        round=round_,
        version=version,
        consultation=found.consultation,
        responses={r.id: r for r in rows},
        rows=rows,
        shown_text=review.shown_text,
        latest=record.published[-1].number == number,
        dispose_forms={
            o.id: DispositionForm(
                data={"kind": o.disposition_kind or "", "text": o.disposition_text}
            )
            for t in version.topics
            for o in t.objections
        },
        redact_form=RedactForm(),
        button=EmptyForm(),
        change_labels=CHANGE_LABELS,
        field_labels=FIELD_LABELS,
        disposition_label=disposition_label,
        decision_label=decision_label,
    )


def _latest_page(round_: Round) -> str:
    """The page of the latest published version, where reviews and finalising happen."""
    latest = drafting.latest_published(db.session, round_)
    number = latest.number if latest else 1
    return url_for("committee.topics_version", round_id=round_.public_id, number=number)


def _review_action(
    round_id: str,
    form: FlaskForm,
    service: Callable[..., object],
    *args: object,
    after_commit: Callable[[], object] | None = None,
) -> Response:
    """One action on the latest published version: the service runs as the signed-in member,
    commits once and goes back to that version's page (run_and_return)."""
    round_ = topics_round(round_id)
    return run_and_return(
        round_,
        form,
        service,
        *args,
        signed_in(),
        now=utcnow(),
        back=_latest_page(round_),
        after_commit=after_commit,
    )


@bp.post("/rounds/<round_id>/topics/objections/<objection_id>/dispose")
@roles_required("committee")
def dispose(round_id: str, objection_id: str) -> Response:
    form = DispositionForm()
    kind, text = form.kind.data or "", form.text.data or ""
    return _review_action(round_id, form, review.dispose_objection, objection_id, kind, text)


@bp.post("/rounds/<round_id>/topics/responses/<response_id>/redact")
@roles_required("committee")
def redact(round_id: str, response_id: str) -> Response:
    """Replace a response's text; then rewrite the storage, so the old text leaves the files."""
    form = RedactForm()
    text = form.text.data or ""
    redact = review.redact_response
    return _review_action(
        round_id, form, redact, response_id, text, after_commit=rewrite_after_redaction
    )


@bp.post("/rounds/<round_id>/topics/report")
@roles_required("committee")
def report(round_id: str) -> Response:
    return _review_action(round_id, EmptyForm(), superior.report_topics)


@bp.post("/rounds/<round_id>/topics/finalise")
@roles_required("committee")
def finalise(round_id: str) -> Response:
    return _review_action(round_id, EmptyForm(), finalising.finalise_topics)
