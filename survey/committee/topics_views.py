"""The committee's topic pages: the draft of the next version, publishing, and the downloads.

Each POST validates its form, calls one service of :mod:`survey.topics`, commits once and goes
back to the topics page; a refusal is flashed there.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_wtf import FlaskForm
from sqlalchemy import func, select
from werkzeug.wrappers import Response
from wtforms import SelectChoice

from survey.auth.decorators import roles_required
from survey.committee.blueprint import bp
from survey.committee.topics_forms import MoveTopicForm, PublishForm, TopicForm
from survey.errors import DomainError, InvalidInput, NotFound
from survey.extensions import db
from survey.forms import EmptyForm
from survey.models import Member, OpinionItem, Round, Theme
from survey.round_pages import branch_round, local_to_utc, signed_in
from survey.rounds.clock import utcnow
from survey.summary.query import root_theme
from survey.topics import drafting, editing, publishing
from survey.topics.exports import FORMATS, render, write_request_docx
from survey.topics.labels import CHANGE_LABELS, FIELD_LABELS, decision_label
from survey.topics.record import build_record

TOPIC_STATES = ("summarising", "consulting", "final")


def topics_round(round_id: str) -> Round:
    """An answer round of the user's branch whose answers are unsealed."""
    round_ = branch_round(round_id)
    if round_.kind != "answers" or round_.state not in TOPIC_STATES:
        raise NotFound(_("Topics are drafted on an unsealed answer round."))
    return round_


def _back(round_: Round, anchor: str = "") -> Response:
    url = url_for("committee.topics", round_id=round_.public_id)
    return redirect(url + (f"#{anchor}" if anchor else ""))


def run_and_return(
    round_: Round,
    form: FlaskForm,
    service: Callable[..., object],
    *args: object,
    back: str | None = None,
    after_commit: Callable[[], object] | None = None,
    **kw: object,
) -> Response:
    """Validate, run one service, commit once (then ``after_commit``) and go back; a refusal
    is flashed."""
    back_to = redirect(back) if back else _back(round_)
    if not form.validate_on_submit():
        messages = [m for errors in form.errors.values() for m in errors]
        flash(" ".join(str(m) for m in messages) or _("The form was not valid."), "error")
        return back_to
    try:
        service(db.session, round_, *args, **kw)
    except DomainError as error:
        db.session.rollback()
        if isinstance(error, NotFound):
            raise
        flash(error.message, "error")
        return back_to
    db.session.commit()
    if after_commit is not None:
        after_commit()
    flash(_("Saved."), "success")
    return back_to


def owner_choices(round_: Round) -> list[SelectChoice]:
    members = db.session.scalars(
        select(Member)
        .where(Member.branch_id == round_.branch_id, Member.active.is_(True))
        .order_by(Member.name, Member.id)
    )
    none = SelectChoice("", _("(none)"))
    return [none] + [SelectChoice(m.public_id, m.name) for m in members if m.posts]


def theme_counts(round_: Round) -> list[tuple[Theme, int]]:
    """The round's themes (merged ones under their root) with their active item counts."""
    themes = {t.id: t for t in db.session.scalars(select(Theme).where(Theme.round_id == round_.id))}
    counts = dict(
        db.session.execute(
            select(OpinionItem.theme_id, func.count())
            .where(OpinionItem.round_id == round_.id, OpinionItem.status == "active")
            .group_by(OpinionItem.theme_id)
        ).all()
    )
    totals: dict[str, int] = {}
    for theme_id, count in counts.items():
        root = root_theme(themes, theme_id)
        if root is not None:
            totals[root.id] = totals.get(root.id, 0) + count
    roots = [themes[i] for i in totals]
    return sorted(((t, totals[t.id]) for t in roots), key=lambda p: (-p[1], p[0].heading))


def _spec(form: TopicForm) -> drafting.TopicSpec:
    return drafting.TopicSpec(
        title=form.title.data or "",
        problem=form.problem.data or "",
        outcome=form.outcome.data or "",
        themes=(form.themes.data or "").split(),
        items=(form.items.data or "").split(),
        owner=form.owner.data or None,
    )


def topic_form(round_: Round, key: str = "", **data: object) -> TopicForm:
    """The topic form; ``key`` gives its fields ids of their own (one edit form per topic on
    the page, next to the new-topic form), the names stay what the views read."""
    form = TopicForm(data=data or None)
    form.owner.choices = owner_choices(round_)
    if key:
        for field in form:
            field.id = f"{key}-{field.id}"
            field.label.field_id = field.id
    return form


@bp.get("/rounds/<round_id>/topics")
@roles_required("committee")
def topics(round_id: str) -> str:
    round_ = topics_round(round_id)
    draft = drafting.current_draft(db.session, round_)
    latest = drafting.latest_published(db.session, round_)
    record = build_record(db.session, round_, with_draft=True)
    # Without a draft, the latest version's topics are shown for editing: the first change
    # starts the draft of the next version as a copy of them (carried-over ids kept).
    base = draft or latest
    edit_forms = {
        t.key: topic_form(
            round_,
            f"topic-{t.key}",
            title=t.title,
            problem=t.problem,
            outcome=t.outcome,
            owner=t.owner.public_id if t.owner else "",
        )
        for t in (base.topics if base else [])
    }
    return render_template(
        "committee/topics.html",
        round=round_,
        draft=draft,
        next_number=(latest.number + 1) if latest else 1,
        shown=record.versions[-1] if record.versions else None,
        record=record,
        edit_forms=edit_forms,
        new_form=topic_form(round_),
        themes=theme_counts(round_),
        publish_form=PublishForm(),
        button=EmptyForm(),
        move_form=MoveTopicForm(),
        change_labels=CHANGE_LABELS,
        field_labels=FIELD_LABELS,
        formats=FORMATS,
        decision_label=decision_label,
    )


@bp.get("/rounds/<round_id>/topics/from-theme/<theme_id>")
@roles_required("committee")
def topic_from_theme(round_id: str, theme_id: str) -> str:
    round_ = topics_round(round_id)
    try:
        spec = drafting.spec_from_theme(db.session, round_, theme_id)
    except InvalidInput:
        abort(404)
    form = topic_form(
        round_,
        title=spec.title,
        problem=spec.problem,
        outcome=spec.outcome,
        themes=" ".join(spec.themes),
        items=" ".join(spec.items),
    )
    return render_template(
        "committee/topic_new.html", round=round_, form=form, sources=len(spec.items)
    )


@bp.post("/rounds/<round_id>/topics/add")
@roles_required("committee")
def add_topic(round_id: str) -> Response:
    round_ = topics_round(round_id)
    form = topic_form(round_)
    return run_and_return(
        round_, form, editing.add_topic, _spec(form), actor=signed_in(), now=utcnow()
    )


@bp.post("/rounds/<round_id>/topics/<key>/edit")
@roles_required("committee")
def edit_topic(round_id: str, key: str) -> Response:
    round_ = topics_round(round_id)
    form = topic_form(round_)
    return run_and_return(
        round_, form, editing.update_topic, key, _spec(form), actor=signed_in(), now=utcnow()
    )


@bp.post("/rounds/<round_id>/topics/<key>/remove")
@roles_required("committee")
def remove_topic(round_id: str, key: str) -> Response:
    round_ = topics_round(round_id)
    return run_and_return(
        round_, EmptyForm(), editing.remove_topic, key, actor=signed_in(), now=utcnow()
    )


@bp.post("/rounds/<round_id>/topics/<key>/move")
@roles_required("committee")
def move_topic(round_id: str, key: str) -> Response:
    round_ = topics_round(round_id)
    form = MoveTopicForm()
    step = -1 if form.step.data == "up" else 1
    return run_and_return(
        round_, form, editing.move_topic, key, step, actor=signed_in(), now=utcnow()
    )


@bp.post("/rounds/<round_id>/topics/publish")
@roles_required("committee")
def publish_topics(round_id: str) -> Response:
    round_ = topics_round(round_id)
    form = PublishForm()
    deadline = local_to_utc(form.deadline.data) if form.validate_on_submit() else None
    return run_and_return(
        round_, form, publishing.publish_version, signed_in(), deadline=deadline, now=utcnow()
    )


def download(data: bytes, mimetype: str, name: str) -> Response:
    response = Response(data, content_type=mimetype)  # the type carries its charset already
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/rounds/<round_id>/topics/export.<fmt>")
@roles_required("committee")
def topics_export(round_id: str, fmt: str) -> Response:
    if fmt not in FORMATS:
        abort(404)
    round_ = topics_round(round_id)
    data = render(build_record(db.session, round_), fmt)
    return download(data, FORMATS[fmt], f"topics-{round_.public_id}.{fmt}")


@bp.get("/rounds/<round_id>/topics/request.docx")
@roles_required("committee")
def topics_request(round_id: str) -> Response:
    """The 请示 (议题及方案) for a superior that works on paper."""
    round_ = topics_round(round_id)
    data = write_request_docx(build_record(db.session, round_), round_.branch.name)
    return download(data, FORMATS["docx"], f"request-{round_.public_id}.docx")
