"""A new, empty database for one benchmark run, under a name no other run uses, and the
collecting round the ops benchmarks (crash.py, slow_clients.py) start from.

SQLite: a file in the run's temporary folder. PostgreSQL: ``survey_<label>_<random>`` on
``postgres@127.0.0.1:5432``, dropped afterwards, so benchmarks run side by side (by several
people on one machine) never drop each other's database.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, select, text

POSTGRES_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432"


@contextmanager
def fresh_database(kind: str, tmp: Path, label: str) -> Iterator[str]:
    if kind == "sqlite":
        yield f"sqlite:///{tmp / 'survey.db'}"
        return
    name = f"survey_{label}_{secrets.token_hex(4)}"
    admin = create_engine(f"{POSTGRES_SERVER}/postgres", isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        yield f"{POSTGRES_SERVER}/{name}"
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def seed_round(database_url: str, instance: Path, secret_key: str, invitations: int) -> Any:
    """A collecting round for the ops benchmarks, as ``server.seed_round`` builds one, with the
    two custodians' accounts bound to two roster members (required since custodians are people,
    not only accounts). Returns a ``server.Site``."""
    import server as bench

    from survey import create_app, migrations
    from survey.crypto import blindrsa
    from survey.extensions import db
    from survey.models import Branch, CommitteePost, Member, Round, User
    from survey.rounds import drafts, opening
    from survey.rounds.clock import utcnow
    from survey.rounds.invitations import code_of

    app = create_app({"SECRET_KEY": secret_key, "DATABASE_URL": database_url,
                      "OPENING_ARGON2_MEMORY_KIB": 8, "OPENING_ARGON2_TIME_COST": 1,
                      "RATELIMIT_ENABLED": False}, instance_path=str(instance))
    with app.app_context():
        migrations.upgrade(db.engine)
        session = db.session
        branch = Branch(slug="bench", name="基准派出所党支部")
        users = [User(username=n, display_name=d, password_hash="!", branch=branch)  # noqa: S106
                 for n, d in (("secretary", "书记"), ("jijian", "纪检委员"))]
        users[0].roles, users[1].roles = {"secretary", "committee"}, {"committee"}
        chief, inspector = Member(name="王明", branch=branch), Member(name="赵刚", branch=branch)
        users[0].member, users[1].member = chief, inspector
        members = [Member(name=f"民警{i}", branch=branch) for i in range(invitations)]
        session.add_all([branch, *users, chief, inspector, *members])
        session.flush()
        session.add(CommitteePost(branch_id=branch.id, post="secretary", member=chief))
        session.add(CommitteePost(branch_id=branch.id, post="discipline", member=inspector))
        session.flush()
        settings = drafts.DraftSettings(title="基准测试轮次", custodian2=users[1])
        round_ = drafts.create_round(session, branch, users[0], settings, now=utcnow())
        drafts.set_participants(session, round_, members)
        opening.open_round_at_once(session, round_, secret_key.encode(), now=utcnow())
        session.commit()
        round_ = session.scalars(select(Round).where(Round.id == round_.id)).one()
        site = bench.Site(
            round_id=round_.public_id,
            codes=[code_of(round_, i, secret_key.encode()) for i in round_.invitations],
            public_key=blindrsa.load_public_spki(round_.token_key_spki),
            seal_public=round_.seal_public,
            section_keys=[s.key for s in round_.sections],
        )
    db._bound(app).engine.dispose()
    return site
