"""Declarative base with a naming convention, and random public ids."""

from __future__ import annotations

import secrets

from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
_ID_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789"


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def random_id(length: int = 16) -> str:
    """A random id of lowercase letters and digits (16 characters carry about 82 bits)."""
    return "".join(secrets.choice(_ID_ALPHABET) for _ in range(length))
