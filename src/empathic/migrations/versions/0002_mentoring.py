"""mentoring: pairs, consent, goals, milestones, check-ins, sessions, flags, schedules

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "mentoring_pairs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("mentor_id", sa.Integer(), nullable=False),
        sa.Column("mentee_id", sa.Integer(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("programme", sa.String(length=200), nullable=False),
        sa.Column("state", sa.String(length=12), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=True),
        sa.Column("end_date", sa.Date(), nullable=True),
        sa.Column("feed_token", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_mentoring_pairs_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["mentee_id"],
            ["users.id"],
            name=op.f("fk_mentoring_pairs_mentee_id_users"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["mentor_id"],
            ["users.id"],
            name=op.f("fk_mentoring_pairs_mentor_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mentoring_pairs")),
    )
    with op.batch_alter_table("mentoring_pairs", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_mentoring_pairs_mentee_id"), ["mentee_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_mentoring_pairs_mentor_id"), ["mentor_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_mentoring_pairs_state"), ["state"], unique=False)

    op.create_table(
        "mentoring_checkins",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pair_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("energy", sa.Integer(), nullable=False),
        sa.Column("workload", sa.Integer(), nullable=False),
        sa.Column("support", sa.Integer(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["pair_id"],
            ["mentoring_pairs.id"],
            name=op.f("fk_mentoring_checkins_pair_id_mentoring_pairs"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mentoring_checkins")),
    )
    with op.batch_alter_table("mentoring_checkins", schema=None) as batch_op:
        batch_op.create_index("ix_mentoring_checkins_pair_at", ["pair_id", "at"], unique=False)

    op.create_table(
        "mentoring_consent_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pair_id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=30), nullable=False),
        sa.Column("granted", sa.Boolean(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"],
            ["users.id"],
            name=op.f("fk_mentoring_consent_changes_actor_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["pair_id"],
            ["mentoring_pairs.id"],
            name=op.f("fk_mentoring_consent_changes_pair_id_mentoring_pairs"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mentoring_consent_changes")),
    )
    with op.batch_alter_table("mentoring_consent_changes", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_mentoring_consent_changes_pair_id"), ["pair_id"], unique=False
        )

    op.create_table(
        "mentoring_consents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pair_id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=30), nullable=False),
        sa.Column("granted", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["pair_id"],
            ["mentoring_pairs.id"],
            name=op.f("fk_mentoring_consents_pair_id_mentoring_pairs"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mentoring_consents")),
        sa.UniqueConstraint("pair_id", "source", name=op.f("uq_mentoring_consents_pair_id")),
    )
    op.create_table(
        "mentoring_flags",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pair_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("subject", sa.String(length=60), nullable=False),
        sa.Column("basis", sa.String(length=80), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("facts", sa.JSON(), nullable=False),
        sa.Column("confidence", sa.Float(), nullable=False),
        sa.Column("raised_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("mentor_story", sa.Text(), nullable=False),
        sa.Column("story_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("mentee_account", sa.Text(), nullable=False),
        sa.Column("account_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("escalation_consent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("escalated_to", sa.String(length=200), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_by_id", sa.Integer(), nullable=True),
        sa.Column("outcome", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["closed_by_id"],
            ["users.id"],
            name=op.f("fk_mentoring_flags_closed_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["pair_id"],
            ["mentoring_pairs.id"],
            name=op.f("fk_mentoring_flags_pair_id_mentoring_pairs"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mentoring_flags")),
    )
    with op.batch_alter_table("mentoring_flags", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_mentoring_flags_pair_id"), ["pair_id"], unique=False)
        batch_op.create_index(
            "uq_mentoring_flags_open",
            ["pair_id", "kind", "subject"],
            unique=True,
            sqlite_where=sa.text("status = 'open'"),
            postgresql_where=sa.text("status = 'open'"),
        )

    op.create_table(
        "mentoring_goals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pair_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["pair_id"],
            ["mentoring_pairs.id"],
            name=op.f("fk_mentoring_goals_pair_id_mentoring_pairs"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mentoring_goals")),
    )
    with op.batch_alter_table("mentoring_goals", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_mentoring_goals_pair_id"), ["pair_id"], unique=False)

    op.create_table(
        "mentoring_schedules",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pair_id", sa.Integer(), nullable=False),
        sa.Column("uid", sa.String(length=80), nullable=False),
        sa.Column("summary", sa.String(length=200), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("minutes", sa.Integer(), nullable=False),
        sa.Column("interval_weeks", sa.Integer(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=True),
        sa.Column("until", sa.Date(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["pair_id"],
            ["mentoring_pairs.id"],
            name=op.f("fk_mentoring_schedules_pair_id_mentoring_pairs"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mentoring_schedules")),
        sa.UniqueConstraint("uid", name=op.f("uq_mentoring_schedules_uid")),
    )
    with op.batch_alter_table("mentoring_schedules", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_mentoring_schedules_pair_id"), ["pair_id"], unique=False
        )

    op.create_table(
        "mentoring_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pair_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("held_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["users.id"],
            name=op.f("fk_mentoring_sessions_author_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["pair_id"],
            ["mentoring_pairs.id"],
            name=op.f("fk_mentoring_sessions_pair_id_mentoring_pairs"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mentoring_sessions")),
    )
    with op.batch_alter_table("mentoring_sessions", schema=None) as batch_op:
        batch_op.create_index(
            "ix_mentoring_sessions_pair_held", ["pair_id", "held_at"], unique=False
        )

    op.create_table(
        "mentoring_kram_suggestions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("function", sa.String(length=40), nullable=False),
        sa.Column("evidence", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["mentoring_sessions.id"],
            name=op.f("fk_mentoring_kram_suggestions_session_id_mentoring_sessions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mentoring_kram_suggestions")),
    )
    with op.batch_alter_table("mentoring_kram_suggestions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_mentoring_kram_suggestions_session_id"), ["session_id"], unique=False
        )

    op.create_table(
        "mentoring_kram_tags",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("function", sa.String(length=40), nullable=False),
        sa.Column("confirmed_by_id", sa.Integer(), nullable=True),
        sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("from_suggestion", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["confirmed_by_id"],
            ["users.id"],
            name=op.f("fk_mentoring_kram_tags_confirmed_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["mentoring_sessions.id"],
            name=op.f("fk_mentoring_kram_tags_session_id_mentoring_sessions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mentoring_kram_tags")),
        sa.UniqueConstraint(
            "session_id", "function", name=op.f("uq_mentoring_kram_tags_session_id")
        ),
    )
    op.create_table(
        "mentoring_milestones",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pair_id", sa.Integer(), nullable=False),
        sa.Column("goal_id", sa.Integer(), nullable=True),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=True),
        sa.Column("progress", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["goal_id"],
            ["mentoring_goals.id"],
            name=op.f("fk_mentoring_milestones_goal_id_mentoring_goals"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["pair_id"],
            ["mentoring_pairs.id"],
            name=op.f("fk_mentoring_milestones_pair_id_mentoring_pairs"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mentoring_milestones")),
    )
    with op.batch_alter_table("mentoring_milestones", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_mentoring_milestones_pair_id"), ["pair_id"], unique=False
        )

    op.create_table(
        "mentoring_progress_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("milestone_id", sa.Integer(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("old_progress", sa.Integer(), nullable=False),
        sa.Column("new_progress", sa.Integer(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"],
            ["users.id"],
            name=op.f("fk_mentoring_progress_changes_actor_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["milestone_id"],
            ["mentoring_milestones.id"],
            name=op.f("fk_mentoring_progress_changes_milestone_id_mentoring_milestones"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mentoring_progress_changes")),
    )
    with op.batch_alter_table("mentoring_progress_changes", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_mentoring_progress_changes_milestone_id"), ["milestone_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("mentoring_progress_changes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_mentoring_progress_changes_milestone_id"))

    op.drop_table("mentoring_progress_changes")
    with op.batch_alter_table("mentoring_milestones", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_mentoring_milestones_pair_id"))

    op.drop_table("mentoring_milestones")
    op.drop_table("mentoring_kram_tags")
    with op.batch_alter_table("mentoring_kram_suggestions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_mentoring_kram_suggestions_session_id"))

    op.drop_table("mentoring_kram_suggestions")
    with op.batch_alter_table("mentoring_sessions", schema=None) as batch_op:
        batch_op.drop_index("ix_mentoring_sessions_pair_held")

    op.drop_table("mentoring_sessions")
    with op.batch_alter_table("mentoring_schedules", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_mentoring_schedules_pair_id"))

    op.drop_table("mentoring_schedules")
    with op.batch_alter_table("mentoring_goals", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_mentoring_goals_pair_id"))

    op.drop_table("mentoring_goals")
    with op.batch_alter_table("mentoring_flags", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_mentoring_flags_open",
            sqlite_where=sa.text("status = 'open'"),
            postgresql_where=sa.text("status = 'open'"),
        )
        batch_op.drop_index(batch_op.f("ix_mentoring_flags_pair_id"))

    op.drop_table("mentoring_flags")
    op.drop_table("mentoring_consents")
    with op.batch_alter_table("mentoring_consent_changes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_mentoring_consent_changes_pair_id"))

    op.drop_table("mentoring_consent_changes")
    with op.batch_alter_table("mentoring_checkins", schema=None) as batch_op:
        batch_op.drop_index("ix_mentoring_checkins_pair_at")

    op.drop_table("mentoring_checkins")
    with op.batch_alter_table("mentoring_pairs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_mentoring_pairs_state"))
        batch_op.drop_index(batch_op.f("ix_mentoring_pairs_mentor_id"))
        batch_op.drop_index(batch_op.f("ix_mentoring_pairs_mentee_id"))

    op.drop_table("mentoring_pairs")
