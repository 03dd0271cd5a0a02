"""deactivated accounts and invitations

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06

A placeholder in the chain until its area's tables land (it changes nothing yet).
"""

from __future__ import annotations

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
