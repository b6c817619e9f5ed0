"""What a web page does right after it committed an unseal (or another removal: a discard, a
text edit or redaction): rewrite the storage (survey/rounds/storage.py) and say what was opened. The
committee's, the custodians' and the secretary's pages all need it, so it belongs to none of
them."""

from __future__ import annotations

from flask import current_app, flash
from flask_babel import gettext as _

from survey.extensions import db
from survey.rounds import storage
from survey.rounds.unseal import UnsealReport


def rewrite_now(failure: str) -> bool:
    """Rewrite the storage now; False (after flashing ``failure``) when it failed.

    Called right after a commit that marked a round (unseal, discard, text edit), so that success
    is reported only once the rewrite has finished. When it fails the round stays marked; its page
    says so and offers the button that retries (committee.rewrite_storage, the same as
    ``survey round rewrite-storage``).
    """
    try:
        report = storage.rewrite_if_enabled(db.session, db.engine, current_app.config)
    except storage.StorageNotRewritten as error:
        current_app.logger.error("storage not rewritten: %s", error)
        flash(failure, "error")
        return False
    for note in report.notes if report else ():
        current_app.logger.warning("storage rewrite: %s", note)
    return True


def rewrite_after_commit() -> bool:
    """:func:`rewrite_now` after an unseal."""
    return rewrite_now(
        _(
            "The database storage could not be rewritten yet (another connection was still"
            " reading it), so traces of the sealed answers may remain in the database files."
            " Use “Rewrite the storage now” on the round's page in a moment."
        )
    )


def rewrite_after_redaction() -> None:
    """:func:`rewrite_now` after a text was replaced (an item's, a response's): its old row
    versions must not survive in the database files."""
    rewrite_now(
        _(
            "The text is replaced, but the database storage could not be rewritten yet (another"
            " connection was still reading it), so traces of the old text may remain in the"
            " database files. Use “Rewrite the storage now” on the round's page in a moment."
        )
    )


def unsealed_message(report: UnsealReport) -> str:
    """The flash after an unseal: how many answers, items and themes, and what could not be read."""
    message = _(
        "Unsealed: %(answers)d answers opened, %(items)d opinion items in %(themes)d themes.",
        answers=report.answers,
        items=report.items,
        themes=report.themes,
    )
    if report.unreadable:
        message += " " + _(
            "%(n)d answers could not be read; they are counted in the facts.", n=report.unreadable
        )
    if report.unknown_section_texts:
        message += " " + _(
            "%(n)d texts came under an unknown section and were put under other opinions.",
            n=report.unknown_section_texts,
        )
    return message
