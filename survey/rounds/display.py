"""How round facts read on staff pages: local times and event names."""

from __future__ import annotations

from datetime import datetime
from typing import Any

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
        "codes_handed_out": _("Invitation codes handed out"),
        "codes_shown_again": _("Invitation codes shown again"),
        "closed": _("Closed"),
        "discarded": _("Discarded"),
        "unsealed": _("Unsealed"),
        "storage_rewritten": _("Database storage rewritten"),
        "summary_edited": _("Summary edited"),
        "item_added": _("Item typed in from another channel"),
    }
    return labels.get(kind, kind)


def channel_label(channel: str) -> str:
    """Where invitation codes were shown (survey/rounds/showing.py)."""
    return {
        "slips": _("printed slips"),
        "csv": _("CSV download"),
        "messages": _("messages to paste"),
        "cli": _("command line"),
        "demo": _("demo data"),
    }.get(channel, channel)


def event_details(kind: str, detail: dict[str, Any]) -> str:
    """An event's details in words; other events list their fields as recorded."""
    if kind == "codes_handed_out":
        return _(
            "%(n)s codes, by %(channel)s",
            n=detail.get("count"),
            channel=channel_label(str(detail.get("channel"))),
        )
    if kind == "codes_shown_again":
        names = "、".join(str(name) for name in detail.get("names") or [])
        return _(
            "%(n)s codes shown again, by %(channel)s: %(names)s",
            n=detail.get("count"),
            channel=channel_label(str(detail.get("channel"))),
            names=names,
        )
    if kind == "storage_rewritten":
        if detail.get("complete", True):
            return _("no sealed bytes and no arrival order are left in the database files")
        return _(
            "tables rewritten; the database account could not switch or checkpoint the"
            " write-ahead log, so old log files remain until the server's next checkpoint"
        )
    return "; ".join(f"{key}: {value}" for key, value in detail.items())


def install(app: Flask) -> None:
    app.jinja_env.filters["localtime"] = localtime
    app.jinja_env.globals["event_label"] = event_label
    app.jinja_env.globals["event_details"] = event_details
