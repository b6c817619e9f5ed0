"""What the committee's edit views share: the run-commit-answer step, targets, choices.

Each edit view validates its form, calls one service of :mod:`survey.summary` and goes through
:func:`run_edit`, which commits once and answers with a redirect (and a flashed message) or, for
the summary page's script, with JSON.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import flash, jsonify, make_response, redirect, request, url_for
from flask_babel import gettext as _
from flask_wtf import FlaskForm
from sqlalchemy import select
from werkzeug.wrappers import Response

from survey.errors import DomainError, InvalidInput, NotFound
from survey.extensions import db
from survey.models import Round, RoundEvent, Section, Theme
from survey.round_pages import signed_in
from survey.rounds.clock import utcnow
from survey.summary import edits


def root_themes(round_: Round) -> list[Theme]:
    """The round's themes that are not merged into another, by section then heading."""
    themes = db.session.scalars(select(Theme).where(Theme.round_id == round_.id)).all()
    position = {s.id: s.position for s in round_.sections}
    roots = [t for t in themes if not t.merged_into_id and not t.removed]
    return sorted(roots, key=lambda t: (position.get(t.section_id, 0), t.heading, t.id))


def move_choices(round_: Round) -> list[tuple[str, str]]:
    """``<section id>:<theme id>`` (or ``<section id>:`` for no theme), with readable names."""
    themes = root_themes(round_)
    choices = []
    for section in round_.sections:
        choices.append((f"{section.id}:", f"{section.title} / {_('Not in a theme')}"))
        choices += [
            (f"{section.id}:{t.id}", f"{section.title} / {theme_name(t)}")
            for t in themes
            if t.section_id == section.id
        ]
    return choices


def theme_name(theme: Theme) -> str:
    """「类别 / 主题」 for a theme under a round category (headings repeat across categories)."""
    return f"{theme.category} / {theme.heading}" if theme.category else theme.heading


def parse_target(round_: Round, value: str) -> tuple[Section, Theme | None]:
    """The section and theme a move choice names."""
    section_id, _sep, theme_id = value.partition(":")
    section = db.session.get(Section, int(section_id)) if section_id.isdigit() else None
    if section is None or section.round_id != round_.id:
        raise NotFound()
    return section, edits.find_theme(db.session, round_, theme_id) if theme_id else None


def back(round_: Round, anchor: str = "") -> Response:
    url = url_for("committee.round_summary", round_id=round_.public_id)
    return redirect(url + (f"#{anchor}" if anchor else ""))


def wants_json() -> bool:
    """A request of the page's script (js/committee/selection.js), answered in JSON."""
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json"


def done(round_: Round, form: FlaskForm, service: Callable[..., object], *args: object) -> Response:
    """Run one edit service on a valid form (see :func:`run_edit`)."""
    if not form.validate_on_submit():
        raise InvalidInput(_("The form was not valid; nothing was changed."))
    return run_edit(round_, service, *args)


def run_edit(
    round_: Round,
    service: Callable[..., object],
    *args: object,
    after_commit: Callable[[], None] | None = None,
) -> Response:
    """Call the service, commit once (then ``after_commit``); answer the page (redirect and
    a flashed message) or its script (JSON)."""
    try:
        event = service(db.session, round_, *args, actor=signed_in(), now=utcnow())
    except DomainError as error:
        db.session.rollback()
        if isinstance(error, NotFound):
            raise
        if wants_json():
            return make_response(jsonify(ok=False, message=error.message), 400)
        flash(error.message, "error")
        return back(round_)
    db.session.commit()
    if after_commit is not None:
        after_commit()
    message = _("Saved. Every change can be undone on the changes page.")
    if wants_json():
        changes = event.detail.get("changes", []) if isinstance(event, RoundEvent) else []
        return jsonify(ok=True, message=message, changes=changes)
    flash(message, "success")
    return back(round_)
