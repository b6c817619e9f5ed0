"""Time for the round services: naive UTC datetimes in the database, local dates for people."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo


def utcnow() -> datetime:
    """Now, as a naive UTC datetime (how the database stores times)."""
    return datetime.now(UTC).replace(tzinfo=None)


def local_date(moment: datetime, timezone: str) -> date:
    """The calendar day of a naive UTC moment in the configured time zone."""
    return moment.replace(tzinfo=UTC).astimezone(ZoneInfo(timezone)).date()


def parse_deadline(text: str, timezone: str) -> datetime:
    """An ISO 8601 date-time; without an offset it is in the configured zone. Returns naive UTC.

    A bare date means the end of that day (23:59) locally.
    """
    value = text.strip()
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise ValueError(f"not an ISO 8601 date or date-time: {text!r}") from None
    if len(value) == 10:
        parsed = parsed.replace(hour=23, minute=59)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=ZoneInfo(timezone))
    return parsed.astimezone(UTC).replace(tzinfo=None)


def to_local(moment: datetime, timezone: str) -> datetime:
    """A naive UTC moment as an aware local datetime, for display."""
    return moment.replace(tzinfo=UTC).astimezone(ZoneInfo(timezone))


def configured_timezone() -> str:
    """The app's time zone when an app is active, else the product default."""
    from flask import current_app, has_app_context

    if has_app_context():
        return str(current_app.config["TIMEZONE"])
    return "Asia/Shanghai"


def local_today(now: datetime) -> date:
    """The local calendar day of ``now`` (naive UTC), in the configured zone."""
    return local_date(now, configured_timezone())
