"""kept turn codes for the review queue; audit log indexes by person

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06

Found with `bench/pages.py` (the demo organisation ×100, issue #16).
`practice_turn_codes`: the labels a coder gave each learner turn, so the review queue
no longer codes up to 200 shared runs' turns again on every view (2.9 s a view).
`ix_audit_log_actor_id`, `ix_audit_log_subject_id`: the audit page's "who" and "whose
data" filters and a mentee's transparency page (views of their data) read the log by
person, which grows with every view.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "practice_turn_codes",
        sa.Column("turn_id", sa.Integer(), nullable=False),
        sa.Column("coder", sa.String(length=160), nullable=False),
        sa.Column("basis", sa.String(length=64), nullable=False),
        sa.Column("labels", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["turn_id"], ["practice_turns.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("turn_id", "coder"),
    )
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_log_actor_id"), ["actor_id"])
        batch_op.create_index(batch_op.f("ix_audit_log_subject_id"), ["subject_id"])


def downgrade() -> None:
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_log_subject_id"))
        batch_op.drop_index(batch_op.f("ix_audit_log_actor_id"))
    op.drop_table("practice_turn_codes")
