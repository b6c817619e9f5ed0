"""round categories: the summary's first level

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-04 20:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('rounds', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('categories', sa.JSON(), nullable=False, server_default='[]')
        )
    with op.batch_alter_table('themes', schema=None) as batch_op:
        batch_op.add_column(sa.Column('category', sa.String(length=20), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('themes', schema=None) as batch_op:
        batch_op.drop_column('category')
    with op.batch_alter_table('rounds', schema=None) as batch_op:
        batch_op.drop_column('categories')
