"""How round facts read on staff pages: local times and event names."""

from __future__ import annotations

from datetime import datetime

from flask import Flask, current_app
from flask_babel import gettext as _

from survey.rounds.clock import to_local


def localtime(moment: datetime | None) -> str:
    """A naive UTC moment as local ``YYYY-MM-DD HH:MM``."""
    if moment is None:
        return "—"
    return to_local(moment, current_app.config["TIMEZONE"]).strftime("%Y-%m-%d %H:%M")


def event_label(kind: str) -> str:
    labels = {
        "created": _("Draft created"),
        "opening_started": _("Opening started (part 1 shown)"),
        "custodian_confirmed": _("Custodian confirmed their part"),
        "opened": _("Opened: collecting"),
        "deadline_extended": _("Deadline changed"),
        "participant_added": _("Late participant added"),
        "invitation_reissued": _("Invitation reissued"),
        "closed": _("Closed"),
        "discarded": _("Discarded"),
        "unsealed": _("Unsealed"),
        "summary_edited": _("Summary edited"),
        "item_added": _("Item typed in from another channel"),
    }
    return labels.get(kind, kind)


def install(app: Flask) -> None:
    app.jinja_env.filters["localtime"] = localtime
    app.jinja_env.globals["event_label"] = event_label
