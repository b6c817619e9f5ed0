"""Words for stances, dispositions and replies, shown on pages and in exports."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

DISPOSITION_LABELS = {
    "adopted": _l("Adopted (采纳)"),
    "partly": _l("Partly adopted (部分采纳)"),
    "explained": _l("Explained (说明)"),
    "out_of_scope": _l("Out of scope (不属议题范围)"),
}
STANCE_LABELS = {
    "agree": _l("Agree"),
    "object": _l("Objection"),
    "suggest": _l("Suggestion"),
    "none": _l("No response"),
}
DECISION_LABELS = {
    "approved": _l("Approved"),
    "changes": _l("Changes asked"),
}
CHANGE_LABELS = {
    "new": _l("new"),
    "changed": _l("changed"),
    "same": _l("unchanged"),
}
FIELD_LABELS = {
    "title": _l("title"),
    "problem": _l("problem to solve"),
    "outcome": _l("expected result"),
}
FINAL_MODE_NOTES = {
    "strict": _l("Fixed with no objection left in the last consultation."),
    "explained": _l(
        "Fixed with every objection of the last consultation answered by an explanation (说明)."
    ),
}


def disposition_label(kind: str | None) -> str:
    return str(DISPOSITION_LABELS[kind]) if kind else ""


def stance_label(stance: str) -> str:
    return str(STANCE_LABELS[stance])


def decision_label(decision: str | None) -> str:
    return str(DECISION_LABELS[decision]) if decision else ""


# Headings of the exports (kept out of f-strings, where the extractor cannot see them).
WORDS = {
    "problem": _l("Problem to solve"),
    "outcome": _l("Expected result"),
    "owner": _l("Responsible committee member"),
    "responses": _l("Responses"),
    "objection": _l("Objection"),
    "suggestion": _l("Suggestion"),
    "comment": _l("Comment"),
    "superior": _l("Superior reply"),
    "removed": _l("removed"),
}


def word(key: str) -> str:
    return str(WORDS[key])
