"""facilitator comments on shared practice runs

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06

A placeholder in the chain until its area's tables land (it changes nothing yet).
"""

from __future__ import annotations

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
