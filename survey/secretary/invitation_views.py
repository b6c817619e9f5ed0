"""Invitations: printable A4 slips with QR codes, a CSV export, and messages to paste."""

from __future__ import annotations

import segno
from flask import Response, abort, current_app, render_template, request
from markupsafe import Markup

from survey.auth.decorators import roles_required
from survey.models import Round
from survey.rounds.invitations import (
    current_with_codes,
    display_code,
    fingerprint_groups,
    invitation_link,
    invitations_csv,
)
from survey.secretary.blueprint import bp
from survey.secretary.round_support import branch_round

SLIPS_PER_PAGE = 8


def _opened(round_id: str) -> Round:
    round_ = branch_round(round_id)
    if round_.state in ("draft", "opening") or round_.fingerprint is None:
        abort(404)
    return round_


def _slip(round_: Round, invitation: object, public_url: str) -> dict[str, object]:
    code = invitation.code  # type: ignore[attr-defined]
    link = invitation_link(public_url, round_, code)
    qr = segno.make(link, error="m").svg_inline(scale=2, omitsize=False)
    member = invitation.member  # type: ignore[attr-defined]
    return {
        "name": member.name,
        "note": member.note,
        "code": display_code(code),
        "qr": Markup(qr),  # noqa: S704 - SVG made by segno from our own link
        "id": invitation.public_id,  # type: ignore[attr-defined]
    }


@bp.get("/rounds/<round_id>/slips")
@roles_required("secretary")
def slips(round_id: str) -> Response:
    """A4 pages of eight slips; ``?only=<invitation id>`` prints one person's new slip."""
    round_ = _opened(round_id)
    public_url = current_app.config["PUBLIC_URL"]
    listed = current_with_codes(round_)
    only = request.args.get("only")
    if only:
        listed = [i for i in listed if i.public_id == only]
    slips = [_slip(round_, i, public_url) for i in listed]
    pages = [slips[i : i + SLIPS_PER_PAGE] for i in range(0, len(slips), SLIPS_PER_PAGE)]
    html = render_template(
        "secretary/slips.html",
        round=round_,
        pages=pages,
        # Typing a code by hand needs the round too: the page reads it from this fragment.
        address=public_url.rstrip("/") + "/i#r=" + round_.public_id,
        fingerprint=fingerprint_groups(round_.fingerprint),
    )
    return Response(html, headers={"Cache-Control": "no-store"})


@bp.get("/rounds/<round_id>/invitations.csv")
@roles_required("secretary")
def invitations_download(round_id: str) -> Response:
    round_ = _opened(round_id)
    body = invitations_csv(round_, current_app.config["PUBLIC_URL"], bom=True)
    return Response(
        body.encode("utf-8"),
        mimetype="text/csv",
        headers={
            "Content-Disposition": f"attachment; filename=invitations-{round_.public_id}.csv",
            "Cache-Control": "no-store",
        },
    )


@bp.get("/rounds/<round_id>/messages")
@roles_required("secretary")
def messages(round_id: str) -> Response:
    """One message per person to paste into WeChat, each with a copy button."""
    round_ = _opened(round_id)
    public_url = current_app.config["PUBLIC_URL"]
    rows = [
        {
            "name": i.member.name,
            "note": i.member.note,
            "link": invitation_link(public_url, round_, i.code or ""),
            "code": display_code(i.code or ""),
        }
        for i in current_with_codes(round_)
    ]
    html = render_template(
        "secretary/messages.html",
        round=round_,
        rows=rows,
        fingerprint=fingerprint_groups(round_.fingerprint),
    )
    return Response(html, headers={"Cache-Control": "no-store"})
