"""Registers every command on a click group (``app.cli``, so also ``flask --app survey``)."""

from __future__ import annotations

import click

from survey.cli.accounts import branch_group, user_group
from survey.cli.analyse import analyse_command
from survey.cli.backup import backup_command
from survey.cli.database import init_db_command
from survey.cli.demo import demo_command
from survey.cli.roster import roster_group
from survey.cli.rounds import round_group
from survey.cli.topics import topics_group

COMMANDS = (
    init_db_command,
    analyse_command,
    user_group,
    branch_group,
    roster_group,
    demo_command,
    round_group,
    topics_group,
    backup_command,
)


def register_commands(group: click.Group) -> None:
    for command in COMMANDS:
        group.add_command(command)
