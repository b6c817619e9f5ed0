"""Shared pieces of the command line: refusals and database failures become one-line reasons.

Results go to stdout; a reason goes to stderr as ``Error: <reason>`` (DESIGN.md section 7),
never a traceback. A service's refusal exits 1. A database that is busy, locked or unavailable
exits 75 (``EX_TEMPFAIL`` of sysexits.h), so a script can tell "try again later" from "wrong".
"""

from __future__ import annotations

import contextlib
import functools
import sys
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

import click
from flask.cli import FlaskGroup
from sqlalchemy import exc as sa_exc

from survey.errors import OUTAGE_ERRORS, DomainError, database_problem

F = TypeVar("F", bound=Callable[..., Any])

# sysexits.h: a temporary failure; the same command may succeed later.
EX_TEMPFAIL = 75


class DatabaseUnavailable(click.ClickException):
    """The database could not do the work now; nothing was changed by this command."""

    exit_code = EX_TEMPFAIL


def outage_reason(error: BaseException) -> str:
    """One line saying what happened to the database, without SQL or its values."""
    problem = database_problem(error)
    if "locked" in problem or "busy" in problem:
        return f"the database is busy ({problem}); nothing was changed, try again in a moment"
    return f"the database is unavailable ({problem}); nothing was changed, try again later"


@contextlib.contextmanager
def database_errors_reported() -> Iterator[None]:
    """Database failures inside the block become one-line reasons and a non-zero exit."""
    try:
        yield
    except OUTAGE_ERRORS as error:
        raise DatabaseUnavailable(outage_reason(error)) from None
    except sa_exc.DataError as error:
        raise click.ClickException(
            f"the database refused a value ({database_problem(error)}); nothing was changed"
        ) from None


def reports_domain_errors(func: F) -> F:
    """Turn a service's refusal (or a database failure) into ``Error: <reason>`` on stderr."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            with database_errors_reported():
                return func(*args, **kwargs)
        except DomainError as error:
            raise click.ClickException(error.message) from None

    return wrapper  # type: ignore[return-value]


class SurveyGroup(FlaskGroup):
    """The ``survey`` command: every subcommand reports database failures in one line."""

    def invoke(self, ctx: click.Context) -> Any:
        with database_errors_reported():
            return super().invoke(ctx)


def read_stdin_line(prompt_name: str) -> str:
    """One line from standard input, stripped; refuses an empty one."""
    value = sys.stdin.readline().strip()
    if not value:
        raise click.ClickException(f"expected {prompt_name} on standard input")
    return value
