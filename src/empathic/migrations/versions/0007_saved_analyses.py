"""analyses saved to the learner's history

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06

Scores, not words: `transcript` is filled only when the owner chose to keep the text, and
no rendered report is stored (it quotes every turn); see insights/models.py.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "saved_analyses",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("source", sa.String(length=200), nullable=False),
        sa.Column("fmt", sa.String(length=10), nullable=True),
        sa.Column("learner", sa.Text(), nullable=False),
        sa.Column("pack", sa.String(length=120), nullable=False),
        sa.Column("pack_version", sa.String(length=40), nullable=False),
        sa.Column("judge", sa.String(length=10), nullable=False),
        sa.Column("dimensions", sa.JSON(), nullable=False),
        sa.Column("metrics", sa.JSON(), nullable=False),
        sa.Column("transcript", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_saved_analyses_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_saved_analyses")),
    )
    with op.batch_alter_table("saved_analyses", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_saved_analyses_user_id"), ["user_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_saved_analyses_created_at"), ["created_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("saved_analyses", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_saved_analyses_created_at"))
        batch_op.drop_index(batch_op.f("ix_saved_analyses_user_id"))
    op.drop_table("saved_analyses")
