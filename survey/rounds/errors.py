"""Refusals of the round services. Each maps to one HTTP status and one API error code."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from survey.errors import Conflict, DomainError, Forbidden, InvalidInput, NotFound


class UnknownRound(NotFound):
    """No such round (a draft counts as none for officers)."""

    code = "unknown_round"

    def default_message(self) -> str:
        return str(_l("No such round."))


class RoundNotCollecting(DomainError):
    """The round does not accept tokens or answers now."""

    status = 410
    code = "round_not_collecting"

    def default_message(self) -> str:
        return str(_l("This round is not collecting answers."))


class Malformed(InvalidInput):
    """The request does not follow the protocol."""

    code = "malformed"


class UnknownInvitation(Forbidden):
    code = "unknown_invitation"

    def default_message(self) -> str:
        return str(_l("This invitation code is not valid for this round."))


class InvitationReissued(Forbidden):
    code = "invitation_reissued"

    def default_message(self) -> str:
        return str(_l("This invitation was replaced by a new one. Ask the secretary."))


class WrongRound(Forbidden):
    code = "wrong_round"

    def default_message(self) -> str:
        return str(_l("This token belongs to another round."))


class BadSignature(Forbidden):
    code = "bad_signature"

    def default_message(self) -> str:
        return str(_l("The token's signature does not verify."))


class InvitationUsed(Conflict):
    code = "invitation_used"

    def default_message(self) -> str:
        return str(_l("This invitation was already used, perhaps on another device."))


class TokenSpent(Conflict):
    code = "token_spent"

    def default_message(self) -> str:
        return str(_l("An answer was already sent with this token."))


class AnswerDuplicate(Conflict):
    """These sealed bytes were already stored under another token (a replay, DESIGN.md §3)."""

    code = "answer_duplicate"

    def default_message(self) -> str:
        return str(_l("This exact answer was already received; it is accepted only once."))


class RateLimited(DomainError):
    """The global counter of real requests is full for this window (never per address)."""

    status = 429
    code = "rate_limited"

    def default_message(self) -> str:
        return str(_l("Too many requests right now. Try again in a minute."))


class WrongState(Conflict):
    """The round is not in a state that allows this."""

    code = "wrong_state"


class NotAllowed(Forbidden):
    """The signed-in user may not do this to this round."""

    code = "not_allowed"


class InvalidRoundSettings(InvalidInput):
    """A draft's settings are not acceptable."""

    code = "invalid_settings"
