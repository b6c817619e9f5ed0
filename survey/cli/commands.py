"""Registers every command on a click group (``app.cli``, so also ``flask --app survey``)."""

from __future__ import annotations

import importlib

import click

# (module, attribute) of each top-level command; modules are owned by their feature.
COMMANDS = (
    ("survey.cli.database", "init_db_command"),
    ("survey.cli.analyse", "analyse_command"),
    ("survey.cli.accounts", "user_group"),
    ("survey.cli.accounts", "branch_group"),
    ("survey.cli.roster", "roster_group"),
    ("survey.cli.demo", "demo_command"),
    ("survey.cli.rounds", "round_group"),
)


def register_commands(group: click.Group) -> None:
    """Add each command whose module exists."""
    for module_name, attribute in COMMANDS:
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as error:
            if error.name != module_name:
                raise
            continue
        group.add_command(getattr(module, attribute))
