"""How round facts read on staff pages: local times, event names and their details in words.

Log rows store their details as JSON with English keys (``was_used``, ``reason``); nobody should
have to read those. Each kind of event is said in a sentence here, times in the configured zone.
"""

from __future__ import annotations

from collections.abc import Callable
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


def _iso_local(value: Any) -> str:
    """A logged ISO moment (naive UTC) in local time; None means no deadline."""
    if not value:
        return _("no deadline")
    try:
        return localtime(datetime.fromisoformat(str(value)))
    except ValueError:
        return str(value)


def event_label(kind: str) -> str:
    labels = {
        "created": _("Draft created"),
        "opening_started": _("Opening started (part 1 shown)"),
        "custodian_confirmed": _("Custodian confirmed their part"),
        "opened": _("Opened: collecting"),
        "deadline_extended": _("Deadline changed"),
        "intro_changed": _("Text for officers changed"),
        "categories_changed": _("Categories changed"),
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
        "custodian_account_changed": _("A custodian's account was changed by an administrator"),
        "unseal_part_given": _("A custodian gave their part for unsealing"),
        "unseal_part_withdrawn": _("A part given for unsealing was withdrawn or expired"),
        "topics_drafted": _("Topics drafted"),
        "topics_published": _("Topics published for consultation"),
        "objection_disposed": _("Objection answered"),
        "response_redacted": _("Response text withheld"),
        "topics_reported": _("Topics reported to the superior organisation"),
        "superior_replied": _("Superior organisation replied"),
        "topics_finalised": _("Topics finalised"),
    }
    return labels.get(kind, kind)


def channel_label(channel: str) -> str:
    """Where invitation codes were shown (survey/rounds/showing.py), or where an item came from."""
    return {
        "slips": _("printed slips"),
        "csv": _("CSV download"),
        "messages": _("messages to paste"),
        "cli": _("command line"),
        "demo": _("demo data"),
        "paper": _("paper form"),
        "talk": _("one-to-one talk"),
    }.get(channel, channel)


def summary_action_label(action: str) -> str:
    return {
        "rename_theme": _("Theme renamed"),
        "merge_themes": _("Themes merged"),
        "unmerge_theme": _("Theme separated again"),
        "move_item": _("Item moved"),
        "set_item_status": _("Item status changed"),
        "undo": _("Change undone"),
        "move_items": _("Items moved"),
        "new_theme": _("New theme"),
        "split_theme": _("Theme split"),
        "regroup": _("Waiting items placed"),
        "edit_text": _("Item text edited"),
        "set_theme_category": _("Theme category changed"),
    }.get(action, action)


def change_text(change: dict[str, Any]) -> str:
    """One recorded field change of a summary edit, in words (the change log's fallback)."""
    from survey.summary.labels import category_label, status_label

    field = str(change.get("field", ""))
    before, after = change.get("before"), change.get("after")
    if field == "status":
        return _(
            "status: %(before)s → %(after)s",
            before=status_label(str(before)),
            after=status_label(str(after)),
        )
    if field == "category":
        return _(
            "category: %(before)s → %(after)s",
            before=category_label(before),
            after=category_label(after),
        )
    if field == "label":
        return _("heading: %(before)s → %(after)s", before=before or "—", after=after or "—")
    return _(
        "%(field)s changed",
        field={
            "merged_into_id": _("merged theme"),
            "section_id": _("section"),
            "theme_id": _("theme"),
        }.get(field, field),
    )


def _codes(detail: dict[str, Any]) -> str:
    return _(
        "%(n)s codes, by %(channel)s",
        n=detail.get("count"),
        channel=channel_label(str(detail.get("channel"))),
    )


def _codes_again(detail: dict[str, Any]) -> str:
    return _(
        "%(n)s codes shown again, by %(channel)s: %(names)s",
        n=detail.get("count"),
        channel=channel_label(str(detail.get("channel"))),
        names="、".join(str(name) for name in detail.get("names") or []),
    )


def _reissued(detail: dict[str, Any]) -> str:
    used = (
        _("the old invitation had been used")
        if detail.get("was_used")
        else _("the old invitation had not been used")
    )
    return _(
        "%(name)s; reason: %(reason)s; %(used)s",
        name=detail.get("member", ""),
        reason=detail.get("reason", ""),
        used=used,
    )


def _closed(detail: dict[str, Any]) -> str:
    if detail.get("reason") == "deadline":
        return _("automatically, at the deadline")
    return _("by hand")


def _opened(detail: dict[str, Any]) -> str:
    return _(
        "%(n)s participants, %(c)s of them on the committee",
        n=detail.get("participants", 0),
        c=detail.get("committee_participants", 0),
    )


def _unsealed(detail: dict[str, Any]) -> str:
    if "items" not in detail:  # a consultation: responses, not opinion items
        return _(
            "%(answers)s answers; unreadable: %(bad)s",
            answers=detail.get("answers", 0),
            bad=detail.get("unreadable", 0),
        )
    return _(
        "%(answers)s answers, %(items)s items, %(themes)s themes; unreadable: %(bad)s",
        answers=detail.get("answers", 0),
        items=detail.get("items", 0),
        themes=detail.get("themes", 0),
        bad=detail.get("unreadable", 0),
    )


def _storage_rewritten(detail: dict[str, Any]) -> str:
    if detail.get("complete", True):
        return _("no sealed bytes and no arrival order are left in the database files")
    return _(
        "tables rewritten; the database account could not switch or checkpoint the"
        " write-ahead log, so old log files remain until the server's next checkpoint"
    )


def _category_names(lines: Any) -> str:
    """The names of logged category lines (``名称：词 词``), or 「none」."""
    names = [str(line).partition("：")[0] for line in str(lines or "").splitlines() if line]
    return "、".join(names) or _("none")


def _item_added(detail: dict[str, Any]) -> str:
    return _(
        "%(n)s items from a %(channel)s, section 「%(section)s」",
        n=detail.get("items", 0),
        channel=channel_label(str(detail.get("channel"))),
        section=detail.get("section", ""),
    )


_DETAILS: dict[str, Callable[[dict[str, Any]], str]] = {
    "codes_handed_out": _codes,
    "codes_shown_again": _codes_again,
    "invitation_reissued": _reissued,
    "closed": _closed,
    "opened": _opened,
    "unsealed": _unsealed,
    "storage_rewritten": _storage_rewritten,
    "item_added": _item_added,
    "custodian_confirmed": lambda d: _("part %(n)s", n=d.get("part", "")),
    "participant_added": lambda d: str(d.get("member", "")),
    "discarded": lambda d: _("%(n)s answers had arrived", n=d.get("answers") or 0),
    "deadline_extended": lambda d: _(
        "from %(before)s to %(after)s",
        before=_iso_local(d.get("previous")),
        after=_iso_local(d.get("deadline")),
    ),
    "intro_changed": lambda d: _("the text before: %(text)s", text=d.get("previous") or "—"),
    "categories_changed": lambda d: _(
        "before: %(before)s; now: %(after)s",
        before=_category_names(d.get("previous")),
        after=_category_names(d.get("current")),
    ),
    "summary_edited": lambda d: summary_action_label(str(d.get("action", ""))),
    "custodian_account_changed": lambda d: account_change_text(d),
    "unseal_part_given": lambda d: _("custodian %(n)s", n=d.get("custodian", "")),
    "unseal_part_withdrawn": lambda d: _("custodian %(n)s", n=d.get("custodian", "")),
}


def _topics(detail: dict[str, Any]) -> str:
    """Topic events name their version, and a disposition, decision or mode when there is one."""
    from survey.topics.labels import DECISION_LABELS, DISPOSITION_LABELS

    words = [_("version %(v)s", v=detail.get("version", ""))]
    if detail.get("disposition") in DISPOSITION_LABELS:
        words.append(str(DISPOSITION_LABELS[detail["disposition"]]))
    if detail.get("decision") in DECISION_LABELS:
        words.append(str(DECISION_LABELS[detail["decision"]]))
    if detail.get("mode") == "explained":
        words.append(_("with every objection answered by an explanation"))
    return " · ".join(words)


def event_details(kind: str, detail: dict[str, Any]) -> str:
    """An event's details in words; an unknown kind lists its fields as recorded."""
    if not detail:
        return ""
    describe = _DETAILS.get(kind)
    if describe is not None:
        return describe(detail)
    if "version" in detail:
        return _topics(detail)
    return "; ".join(f"{key}: {value}" for key, value in detail.items())


def change_label(change: str) -> str:
    """What an administrator changed on a custodian's account (survey/auth/custody.py)."""
    return {
        "password_reset": _("password reset"),
        "renamed": _("name changed"),
        "roles_changed": _("roles changed"),
        "member_changed": _("roster member changed"),
        "deactivated": _("account deactivated"),
        "reactivated": _("account reactivated"),
    }.get(change, change)


def account_change_text(detail: dict[str, Any]) -> str:
    """「Custodian 2 (jijian): password reset, by admin」."""
    by = detail.get("by") or _("the command line")
    text = _(
        "Custodian %(n)s (%(account)s): %(change)s, by %(by)s",
        n=detail.get("custodian"),
        account=detail.get("account"),
        change=change_label(str(detail.get("change"))),
        by=by,
    )
    if detail.get("change") == "member_changed":
        text += " " + _(
            "(from %(old)s to %(new)s)",
            old=detail.get("previous") or "—",
            new=detail.get("member") or "—",
        )
    return text


def install(app: Flask) -> None:
    app.jinja_env.filters["localtime"] = localtime
    app.jinja_env.globals["event_label"] = event_label
    app.jinja_env.globals["event_details"] = event_details
    app.jinja_env.globals["change_label"] = change_label
    app.jinja_env.globals["summary_action_label"] = summary_action_label
    app.jinja_env.globals["change_text"] = change_text
