"""Sending corpus requests and reading the refusal they get."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Connection, select

from survey.models import Base
from tests.hostile.corpus import API, Hostile, encode_form, encode_multipart


@dataclass
class World:
    """The app, its data and one logged-in client per kind of staff user."""

    app: Flask
    connection: Connection
    clients: dict[str, FlaskClient]
    names: dict[str, str] = field(default_factory=dict)

    def snapshot(self) -> dict[str, list[tuple[Any, ...]]]:
        """Every row of every table, in a stable order."""
        return {
            table.name: sorted(
                (tuple(row) for row in self.connection.execute(select(table))), key=repr
            )
            for table in Base.metadata.sorted_tables
        }


# Where the pages put the sentence that says what went wrong.
MESSAGE_CLASSES = ("error-page", "field-error", "form-errors", "flash-error", "text-error")


def send(world: World, hostile: Hostile) -> Any:
    """The request as a client would send it, by the actor it names."""
    client = world.clients[hostile.actor]
    path = hostile.path.format(**world.names)
    body, content_type = hostile.body, hostile.content_type
    if hostile.form is not None:
        body = encode_form(hostile.form, world.names)
        content_type = "application/x-www-form-urlencoded"
    elif hostile.multipart is not None:
        body, content_type = encode_multipart(hostile.multipart)
    kwargs: dict[str, Any] = {"method": hostile.method}
    if body is not None:
        kwargs["data"] = body
    if content_type is not None:
        kwargs["content_type"] = content_type
    return client.open(path, **kwargs)


class _MessageParser(HTMLParser):
    """Collects the text inside the elements that carry an error message."""

    def __init__(self) -> None:
        super().__init__()
        self.depth = 0  # > 0 while inside a message element
        self.texts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        classes = (dict(attrs).get("class") or "").split()
        if self.depth or any(name in classes for name in MESSAGE_CLASSES):
            self.depth += 1

    def handle_endtag(self, tag: str) -> None:
        if self.depth:
            self.depth -= 1

    def handle_data(self, data: str) -> None:
        if self.depth and data.strip():
            self.texts.append(data.strip())


def page_message(html: str) -> str:
    parser = _MessageParser()
    parser.feed(html)
    return " ".join(parser.texts)


def refusal_problems(hostile: Hostile, response: Any) -> list[str]:
    """What is wrong with the refusal: the status, or a message that is missing or unclear."""
    problems = []
    if response.status_code != hostile.status:
        problems.append(f"status {response.status_code}, expected {hostile.status}")
    if hostile.kind == API:
        body = response.get_json(silent=True)
        if not isinstance(body, dict) or set(body) != {"error", "message"}:
            problems.append(f"not an API error: {response.get_data()[:200]!r}")
        elif body["error"] != hostile.code or not str(body["message"]).strip():
            problems.append(f"API error {body}, expected code {hostile.code}")
    elif response.mimetype != "text/html":
        problems.append(f"a {response.mimetype} page, not HTML")
    else:
        message = page_message(response.get_data(as_text=True))
        if len(message) < 5:
            problems.append(f"no sentence saying what went wrong (found {message!r})")
    return problems
