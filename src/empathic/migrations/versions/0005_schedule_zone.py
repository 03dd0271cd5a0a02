"""schedule zone: where a pair meets, so weekly sessions keep their local time

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23

Nullable: schedules made before it were entered in UTC and keep that meaning.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("mentoring_schedules", schema=None) as batch_op:
        batch_op.add_column(sa.Column("time_zone", sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("mentoring_schedules", schema=None) as batch_op:
        batch_op.drop_column("time_zone")
