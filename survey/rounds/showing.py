"""Showing invitation codes to staff: the first showing hands a code out, every later one counts.

DESIGN.md section 3, "Stuffing (the n−1 attack)": whoever holds unused codes can fill them with
blank answers so that only one person's answer remains. The secretary must still be able to hand
codes out, and to print a slip again when one jams in the printer, but never unnoticed. So
:func:`show_codes` is the one place that decrypts codes for a person to see, and it keeps count:

- An invitation's **first distribution** is the first time its code is shown, by whichever
  channel (printed slips, the CSV download, messages to paste, the command line, or the line the
  command line prints when it adds a participant or reissues an invitation). It is written to the
  round's log as "codes handed out", with the channel and how many.
- **Every later showing** of the same code is written to the round's log as "codes shown again",
  with the channel and the names, and counted on the committee's facts next to the reissues.

Codes are shown only while the round collects: afterwards a code obtains no token, and each
officer's own link keeps working for the invitation status.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from survey.models import Invitation, Round, User
from survey.rounds.errors import InvalidRoundSettings, WrongState
from survey.rounds.invitations import code_of, current_with_codes, invitation_link
from survey.rounds.log import log_event

CHANNELS = ("slips", "csv", "messages", "cli", "demo")
# What to show: the invitations never shown yet, every invitation in force, or one by its id.
NEW, ALL = "new", "all"


@dataclass(frozen=True)
class ShownCode:
    """A code as shown to staff; ``again`` when this was not its first showing."""

    invitation: Invitation
    code: str
    again: bool


def chosen_invitations(round_: Round, which: str) -> list[Invitation]:
    """``new``: never shown; ``all``: every invitation in force; else one invitation's id."""
    current = current_with_codes(round_)
    if which == NEW:
        return [i for i in current if i.times_shown == 0]
    if which == ALL:
        return current
    chosen = [i for i in current if i.public_id == which]
    if not chosen:
        raise InvalidRoundSettings(_("There is no invitation in force with that id."))
    return chosen


def show_codes(
    session: Session,
    round_: Round,
    which: str,
    *,
    channel: str,
    actor: User | None,
    secret: bytes,
    now: datetime,
) -> list[ShownCode]:
    """Decrypt the chosen codes for showing; count and log the showing. The caller commits
    before anything is shown, so no code reaches a person without being counted."""
    if channel not in CHANNELS:
        raise ValueError(f"unknown channel {channel!r}")
    if round_.state != "collecting":
        raise WrongState(_("Invitation codes can be shown only while the round is collecting."))
    chosen = chosen_invitations(round_, which)
    times = _count_showing(session, chosen)
    shown = [
        ShownCode(invitation, code_of(round_, invitation, secret), again=times[invitation.id] > 1)
        for invitation in chosen
    ]
    _log_showing(session, round_, shown, channel=channel, actor=actor, now=now)
    session.flush()
    return shown


def _count_showing(session: Session, chosen: list[Invitation]) -> dict[int, int]:
    """Count one more showing of each invitation, in the database itself: two showings at the
    same moment (two tabs, two workers) are both counted, and only one of them is the first."""
    if not chosen:
        return {}
    rows = session.execute(
        update(Invitation)
        .where(Invitation.id.in_([i.id for i in chosen]))
        .values(times_shown=Invitation.times_shown + 1)
        .returning(Invitation.id, Invitation.times_shown)
        .execution_options(synchronize_session=False)
    ).all()
    times = {row[0]: int(row[1]) for row in rows}
    for invitation in chosen:
        set_committed_value(invitation, "times_shown", times[invitation.id])
    return times


def _log_showing(
    session: Session,
    round_: Round,
    shown: list[ShownCode],
    *,
    channel: str,
    actor: User | None,
    now: datetime,
) -> None:
    first = [s for s in shown if not s.again]
    again = [s for s in shown if s.again]
    if first:
        log_event(
            session,
            round_,
            "codes_handed_out",
            actor=actor,
            now=now,
            channel=channel,
            count=len(first),
        )
    if again:
        log_event(
            session,
            round_,
            "codes_shown_again",
            actor=actor,
            now=now,
            channel=channel,
            count=len(again),
            names=[s.invitation.member.name for s in again],
        )


def invitations_csv(
    round_: Round, shown: list[ShownCode], public_url: str, *, bom: bool = False
) -> str:
    """``name,link,code`` with ``\\n`` line ends; a byte-order mark only for Excel downloads."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["name", "link", "code"])
    for item in shown:
        member = item.invitation.member
        name = member.name + (f"（{member.note}）" if member.note else "")
        link = invitation_link(public_url, round_, item.code)
        writer.writerow([neutralise_cell(name), link, item.code])
    return ("\ufeff" if bom else "") + out.getvalue()


def neutralise_cell(value: str) -> str:
    """Spreadsheets run cells starting with = + - @ as formulas; a leading ' stops that."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def mark_message_sent(session: Session, invitation: Invitation, sent: bool) -> tuple[int, int]:
    """Tick (or untick) 「已发送」 for one person's message; returns (sent, invitations in force).

    Only a checklist for the secretary: it records no time and shows no code.
    """
    round_ = invitation.round
    if round_.state != "collecting" or invitation.superseded:
        raise WrongState(_("Messages can be ticked only while the round is collecting."))
    invitation.message_sent = sent
    session.flush()
    current = [i for i in round_.invitations if not i.superseded]
    return sum(1 for i in current if i.message_sent), len(current)
