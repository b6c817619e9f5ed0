"""Invitations: printable A4 slips with QR codes, a CSV export, and messages to paste.

Each is a POST (with CSRF) that shows codes: the service counts the showing and the view commits
before rendering, so no code reaches the screen uncounted, and no prefetch, link preview or
cross-site link can show one (DESIGN.md section 3, "Stuffing"; survey/rounds/showing.py).
"""

from __future__ import annotations

import segno
from flask import (
    Response,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from markupsafe import Markup
from werkzeug.wrappers import Response as ResponseBase

from survey.auth.decorators import roles_required
from survey.extensions import db
from survey.forms import EmptyForm
from survey.links import public_url
from survey.models import Round
from survey.round_pages import app_secret, branch_round, signed_in
from survey.rounds.clock import to_local, utcnow
from survey.rounds.invitations import display_code, fingerprint_groups, invitation_link
from survey.rounds.showing import ShownCode, invitations_csv, mark_message_sent, show_codes
from survey.secretary.blueprint import bp
from survey.secretary.round_forms import SentForm, ShowCodesForm

# Six slips (2 × 3) per A4 sheet leave room for the code and the address in large type.
SLIPS_PER_PAGE = 6
NO_STORE = {"Cache-Control": "no-store"}


def _shown(round_id: str, channel: str) -> tuple[Round, list[ShownCode]]:
    """Validate the form, show (and count) the chosen codes, commit: only then render."""
    round_ = branch_round(round_id)
    form = ShowCodesForm()
    if not form.validate_on_submit():
        abort(400)
    shown = show_codes(
        db.session,
        round_,
        form.which.data or "",
        channel=channel,
        actor=signed_in(),
        secret=app_secret(),
        now=utcnow(),
    )
    db.session.commit()
    return round_, shown


def _slip(round_: Round, shown: ShownCode, public_url: str) -> dict[str, object]:
    link = invitation_link(public_url, round_, shown.code)
    qr = segno.make(link, error="m").svg_inline(scale=2, omitsize=True)
    member = shown.invitation.member
    return {
        "name": member.name,
        "note": member.note,
        "code": display_code(shown.code),
        "qr": Markup(qr),  # noqa: S704 - SVG made by segno from our own link
    }


@bp.post("/rounds/<round_id>/slips")
@roles_required("secretary")
def slips(round_id: str) -> Response:
    """A4 pages of eight slips: those not handed out yet, everyone again, or one person."""
    round_, shown = _shown(round_id, "slips")
    base = public_url()
    slips = [_slip(round_, s, base) for s in shown]
    pages = [slips[i : i + SLIPS_PER_PAGE] for i in range(0, len(slips), SLIPS_PER_PAGE)]
    html = render_template(
        "secretary/slips.html",
        round=round_,
        pages=pages,
        address=typing_address(base, round_),
        deadline=local_deadline(round_),
        fingerprint=fingerprint_groups(round_.fingerprint),
    )
    return Response(html, headers=NO_STORE)


@bp.post("/rounds/<round_id>/invitations.csv")
@roles_required("secretary")
def invitations_download(round_id: str) -> Response:
    round_, shown = _shown(round_id, "csv")
    body = invitations_csv(round_, shown, public_url(), bom=True)
    return Response(
        body.encode("utf-8"),
        mimetype="text/csv",
        headers={
            "Content-Disposition": f"attachment; filename=invitations-{round_.public_id}.csv",
            **NO_STORE,
        },
    )


@bp.post("/rounds/<round_id>/messages")
@roles_required("secretary")
def messages(round_id: str) -> Response:
    """One message per person to paste into WeChat, each with a copy button."""
    round_, shown = _shown(round_id, "messages")
    base = public_url()
    rows = [
        {
            "name": s.invitation.member.name,
            "note": s.invitation.member.note,
            "link": invitation_link(base, round_, s.code),
            "code": display_code(s.code),
            "id": s.invitation.public_id,
            "sent": s.invitation.message_sent,
        }
        for s in shown
    ]
    current = [i for i in round_.invitations if not i.superseded]
    html = render_template(
        "secretary/messages.html",
        round=round_,
        rows=rows,
        address=typing_address(base, round_),
        deadline=local_deadline(round_),
        sent=sum(1 for i in current if i.message_sent),
        total=len(current),
        fingerprint=fingerprint_groups(round_.fingerprint),
        form=EmptyForm(),
    )
    return Response(html, headers=NO_STORE)


@bp.post("/rounds/<round_id>/invitations/<invitation_id>/sent")
@roles_required("secretary")
def message_sent(round_id: str, invitation_id: str) -> ResponseBase:
    """Tick 「已发送」: the messages page calls this from its script and stays put."""
    round_ = branch_round(round_id)
    form = SentForm()
    if not form.validate_on_submit():
        abort(400)
    invitation = next((i for i in round_.invitations if i.public_id == invitation_id), None)
    if invitation is None:
        abort(404)
    sent, total = mark_message_sent(db.session, invitation, form.sent.data == "1")
    db.session.commit()
    if request.accept_mimetypes.best == "application/json":
        return jsonify(sent=invitation.message_sent, count=sent, total=total)
    flash(_("Ticked: %(n)d of %(total)d messages sent.", n=sent, total=total), "success")
    return redirect(url_for("secretary.round", round_id=round_id) + "#invitations")


def typing_address(base: str, round_: Round) -> str:
    """Where to type a code by hand: the page reads the round from this fragment."""
    return f"{base}/i#r={round_.public_id}"


def local_deadline(round_: Round) -> str | None:
    if round_.deadline is None:
        return None
    return to_local(round_.deadline, current_app.config["TIMEZONE"]).strftime("%Y-%m-%d %H:%M")
