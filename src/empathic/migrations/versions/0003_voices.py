"""voices: per-scenario voice choice, and how each practice reply was voiced

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "scenario_voices",
        sa.Column("scenario_id", sa.String(length=120), nullable=False),
        sa.Column("voice", sa.String(length=20), nullable=False),
        sa.Column("updated_by", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["updated_by"],
            ["users.id"],
            name=op.f("fk_scenario_voices_updated_by_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("scenario_id", name=op.f("pk_scenario_voices")),
    )
    with op.batch_alter_table("practice_turns", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("voice", sa.String(length=20), server_default="scripted", nullable=False)
        )
        batch_op.add_column(sa.Column("voice_note", sa.Text(), server_default="", nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("practice_turns", schema=None) as batch_op:
        batch_op.drop_column("voice_note")
        batch_op.drop_column("voice")
    op.drop_table("scenario_voices")
