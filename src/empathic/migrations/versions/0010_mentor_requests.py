"""a mentee's requests for a mentor, kept by the address they typed

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06

`mentor_requests`: a mentee asks someone to mentor them by email. The request is
kept whether or not an account uses that address, and the mentee sees only what
they typed, so asking never tells them whether a person has an account. When an
active account matches, a pending pair is made for that person to answer
(`pair_id`). Pairs mentees asked for earlier and nobody accepted become requests.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "mentor_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("mentee_id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("pair_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["mentee_id"], ["users.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["pair_id"], ["mentoring_pairs.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("mentor_requests", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_mentor_requests_mentee_id"), ["mentee_id"])
    # pairs a mentee asked for before this revision and nobody accepted: from now on the
    # mentee sees them as requests by address (they are hidden as pairs), so they stay
    # visible and can be withdrawn
    op.execute(
        """INSERT INTO mentor_requests (mentee_id, email, pair_id, created_at)
        SELECT p.mentee_id, u.email, p.id, p.created_at
        FROM mentoring_pairs p JOIN users u ON u.id = p.mentor_id
        WHERE p.created_by_id = p.mentee_id AND p.start_date IS NULL
          AND p.state IN ('pending', 'completed')"""
    )


def downgrade() -> None:
    with op.batch_alter_table("mentor_requests", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_mentor_requests_mentee_id"))
    op.drop_table("mentor_requests")
