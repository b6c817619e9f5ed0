"""Domain errors raised by the crypto core.

Every failure a caller can trigger with bad input ends in one of these classes, never in a bare
``ValueError`` from a library or an ``IndexError`` from slicing, so the web layer can map each class
to one HTTP status in one place (DESIGN.md §4, §6) and the CLI can print a one-line reason.

Grouping follows DESIGN.md §6 failure order: everything that is 400 ``malformed`` derives from
:class:`MalformedInput`; ``wrong_round`` and ``bad_signature`` (403) are separate classes.
"""

from __future__ import annotations


class CryptoError(Exception):
    """Base class of every error raised on purpose by ``survey.crypto``."""


class MalformedInput(CryptoError, ValueError):
    """Bytes or text that do not have the shape the protocol requires (wrong length, bad encoding).

    Also a ``ValueError`` so generic callers that already expect one keep working.
    """


class MessageOutOfRange(MalformedInput):
    """An RSA value read as an integer is not below the modulus n (RFC 8017 §5.2.1, §5.2.2)."""


class MalformedToken(MalformedInput):
    """A token ``input_msg`` that is not a ``svy-tok-v1`` layout for any round (DESIGN.md §6)."""


class WrongRoundToken(CryptoError):
    """A well-formed token layout whose round id is not the round it was submitted to."""


class InvalidSignature(CryptoError):
    """An RSA-PSS signature that does not verify for the message and key."""


class SigningFailure(CryptoError):
    """The blind signature failed its own verification (RFC 9474 §4.3 step 4, §7.1).

    This means a hardware or software fault in the private operation; the result is never returned,
    because a faulty CRT signature can leak the factors of n.
    """


class KeyUnwrapFailed(CryptoError):
    """A stored wrapped key could not be opened: wrong app secret, wrong round, or damaged blob."""


class UnreadableAnswer(CryptoError):
    """A sealed answer whose plaintext is not a valid version-1 answer (DESIGN.md §6)."""


class UndecryptableAnswer(UnreadableAnswer):
    """HPKE open failed (RFC 9180 §5.2): wrong key, wrong info, or altered bytes."""


class AnswerTooLarge(MalformedInput):
    """Answers whose JSON encoding does not fit the largest padded size (65,536 bytes)."""


class OpeningCodeError(CryptoError):
    """Base class for problems with the two-part opening code (DESIGN.md §3, §7)."""


class OpeningCodeTypo(OpeningCodeError, MalformedInput):
    """A typed part that cannot be a part we issued: bad length, character, or check character.

    Detected from the text alone, before any Argon2id work. ``part_number`` is the number the text
    claims (1 or 2) or ``None`` when even that could not be read. ``kind`` says which check failed
    (``empty``, ``number``, ``character``, ``length``, ``check``, ``type``) so that pages can say it
    in the reader's language; ``length`` is the number of characters typed.
    """

    def __init__(
        self,
        message: str,
        part_number: int | None = None,
        *,
        kind: str = "check",
        length: int | None = None,
    ) -> None:
        super().__init__(message)
        self.part_number = part_number
        self.kind = kind
        self.length = length


class SamePartTwice(OpeningCodeError):
    """Both typed parts carry the same part number; the two custodians' parts are needed."""


class WrongPartNumber(OpeningCodeError):
    """A part with the wrong number was given to a step that needs a specific part."""


class WrongOpeningCode(OpeningCodeError):
    """Well-formed parts that do not open this round's sealing key.

    ``part_number`` names the part found wrong when that can be told (part 1 is checked on its own
    against the stored public key), otherwise ``None``.
    """

    def __init__(self, message: str, part_number: int | None = None) -> None:
        super().__init__(message)
        self.part_number = part_number


class CorruptKeyBlob(MalformedInput):
    """A stored pending-opening or wrapped-key blob that does not parse (damaged, wrong version)."""
