"""Shared pieces of the command line: domain errors become one-line reasons and exit 1."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from typing import Any, TypeVar

import click

from survey.errors import DomainError

F = TypeVar("F", bound=Callable[..., Any])


def reports_domain_errors(func: F) -> F:
    """Turn a service's refusal into ``Error: <reason>`` on stderr and a non-zero exit."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except DomainError as error:
            raise click.ClickException(error.message) from None

    return wrapper  # type: ignore[return-value]


def read_stdin_line(prompt_name: str) -> str:
    """One line from standard input, stripped; refuses an empty one."""
    value = sys.stdin.readline().strip()
    if not value:
        raise click.ClickException(f"expected {prompt_name} on standard input")
    return value
