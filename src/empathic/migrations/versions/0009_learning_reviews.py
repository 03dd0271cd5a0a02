"""blameless learning reviews

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06

The reviews area's tables (`empathic/reviews/models.py`) and the library's full-text
search: on PostgreSQL a stored `search_vector` (`to_tsvector('english', search_text)`,
kept by a trigger) with a GIN index; on SQLite an FTS5 table over `search_text`
(external content, so the text is stored once) kept in step by triggers, and
`search_vector` stays NULL. The FTS5 tables are not in the models; `empathic.db
.autogenerate_includes` keeps them out of autogenerate's comparison.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

SQLITE_FTS = (
    """CREATE VIRTUAL TABLE review_library_fts USING fts5(
        search_text, content='review_library', content_rowid='id',
        tokenize='porter unicode61 remove_diacritics 2')""",
    """CREATE TRIGGER review_library_fts_insert AFTER INSERT ON review_library BEGIN
        INSERT INTO review_library_fts(rowid, search_text) VALUES (new.id, new.search_text);
    END""",
    """CREATE TRIGGER review_library_fts_delete AFTER DELETE ON review_library BEGIN
        INSERT INTO review_library_fts(review_library_fts, rowid, search_text)
        VALUES ('delete', old.id, old.search_text);
    END""",
    """CREATE TRIGGER review_library_fts_update AFTER UPDATE ON review_library BEGIN
        INSERT INTO review_library_fts(review_library_fts, rowid, search_text)
        VALUES ('delete', old.id, old.search_text);
        INSERT INTO review_library_fts(rowid, search_text) VALUES (new.id, new.search_text);
    END""",
)


POSTGRES_TRIGGER = """CREATE TRIGGER review_library_search_vector
    BEFORE INSERT OR UPDATE OF search_text ON review_library FOR EACH ROW
    EXECUTE FUNCTION tsvector_update_trigger(search_vector, 'pg_catalog.english', search_text)"""


def _fk(table: str, column: str, target: str, ondelete: str) -> sa.ForeignKeyConstraint:
    referred = target.split(".")[0]
    return sa.ForeignKeyConstraint(
        [column], [target], name=op.f(f"fk_{table}_{column}_{referred}"), ondelete=ondelete
    )


def _when(name: str, nullable: bool = False) -> sa.Column[Any]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _index(table: str, *columns: str, unique: bool = False) -> None:
    with op.batch_alter_table(table, schema=None) as batch_op:
        for column in columns:
            batch_op.create_index(batch_op.f(f"ix_{table}_{column}"), [column], unique=unique)


def upgrade() -> None:
    op.create_table(
        "reviews",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("facilitator_id", sa.Integer(), nullable=True),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("occurred_on", sa.Date(), nullable=False),
        sa.Column("location", sa.String(length=200), nullable=False),
        sa.Column("severity", sa.String(length=12), nullable=False),
        sa.Column("response_type", sa.String(length=12), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("tags", sa.JSON(), nullable=False),
        sa.Column("tickets", sa.JSON(), nullable=False),
        sa.Column("meeting_on", sa.Date(), nullable=True),
        sa.Column("expected", sa.Text(), nullable=False),
        sa.Column("actual", sa.Text(), nullable=False),
        sa.Column("difference", sa.Text(), nullable=False),
        sa.Column("learning", sa.Text(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        _when("created_at"),
        _when("updated_at"),
        _when("published_at", nullable=True),
        _fk("reviews", "created_by_id", "users.id", "SET NULL"),
        _fk("reviews", "facilitator_id", "users.id", "SET NULL"),
        _fk("reviews", "team_id", "teams.id", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reviews")),
    )
    _index("reviews", "facilitator_id", "status", "team_id")

    op.create_table(
        "review_accountability",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("review_id", sa.Integer(), nullable=False),
        sa.Column("raised_by_id", sa.Integer(), nullable=True),
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column("steps", sa.JSON(), nullable=False),
        sa.Column("outcome", sa.Text(), nullable=False),
        _when("raised_at"),
        _when("updated_at"),
        _fk("review_accountability", "raised_by_id", "users.id", "SET NULL"),
        _fk("review_accountability", "review_id", "reviews.id", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_accountability")),
    )
    _index("review_accountability", "review_id")

    op.create_table(
        "review_accounts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("review_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("anonymous", sa.Boolean(), nullable=False),
        _when("written_at"),
        _when("updated_at"),
        _when("withdrawn_at", nullable=True),
        _fk("review_accounts", "author_id", "users.id", "CASCADE"),
        _fk("review_accounts", "review_id", "reviews.id", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_accounts")),
        sa.UniqueConstraint("review_id", "author_id", name=op.f("uq_review_accounts_review_id")),
    )
    _index("review_accounts", "author_id")

    op.create_table(
        "review_actions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("review_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("action_type", sa.String(length=10), nullable=False),
        sa.Column("strength", sa.String(length=12), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=True),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        _when("done_at", nullable=True),
        _when("created_at"),
        _when("updated_at"),
        _fk("review_actions", "owner_id", "users.id", "SET NULL"),
        _fk("review_actions", "review_id", "reviews.id", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_actions")),
    )
    _index("review_actions", "owner_id", "review_id")

    op.create_table(
        "review_contributors",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("review_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("invited_by_id", sa.Integer(), nullable=True),
        _when("invited_at"),
        _fk("review_contributors", "invited_by_id", "users.id", "SET NULL"),
        _fk("review_contributors", "review_id", "reviews.id", "CASCADE"),
        _fk("review_contributors", "user_id", "users.id", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_contributors")),
        sa.UniqueConstraint("review_id", "user_id", name=op.f("uq_review_contributors_review_id")),
    )
    _index("review_contributors", "user_id")

    op.create_table(
        "review_factors",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("review_id", sa.Integer(), nullable=False),
        sa.Column("category", sa.String(length=20), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        _when("created_at"),
        _fk("review_factors", "created_by_id", "users.id", "SET NULL"),
        _fk("review_factors", "review_id", "reviews.id", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_factors")),
    )
    _index("review_factors", "review_id")

    op.create_table(
        "review_flags",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("review_id", sa.Integer(), nullable=False),
        sa.Column("target", sa.String(length=12), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=True),
        sa.Column("field", sa.String(length=20), nullable=False),
        sa.Column("detector", sa.String(length=12), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("span_start", sa.Integer(), nullable=False),
        sa.Column("span_end", sa.Integer(), nullable=False),
        sa.Column("phrase", sa.String(length=200), nullable=False),
        sa.Column("why", sa.Text(), nullable=False),
        sa.Column("rewrite", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("resolved_by_id", sa.Integer(), nullable=True),
        _when("raised_at"),
        _when("closed_at", nullable=True),
        _fk("review_flags", "resolved_by_id", "users.id", "SET NULL"),
        _fk("review_flags", "review_id", "reviews.id", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_flags")),
    )
    _index("review_flags", "review_id")

    op.create_table(
        "review_library",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("review_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("content", sa.JSON(), nullable=False),
        sa.Column("tags", sa.JSON(), nullable=False),
        sa.Column("severity", sa.String(length=12), nullable=False),
        sa.Column("response_type", sa.String(length=12), nullable=False),
        sa.Column("occurred_on", sa.Date(), nullable=False),
        sa.Column("search_text", sa.Text(), nullable=False),
        sa.Column(
            "search_vector",
            postgresql.TSVECTOR().with_variant(sa.Text(), "sqlite"),
            nullable=True,
        ),
        _when("published_at"),
        _fk("review_library", "review_id", "reviews.id", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_library")),
        sa.UniqueConstraint("review_id", name=op.f("uq_review_library_review_id")),
    )
    _index("review_library", "published_at")
    op.create_index(
        "ix_review_library_search_vector",
        "review_library",
        ["search_vector"],
        postgresql_using="gin",
    )
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute(POSTGRES_TRIGGER)
    elif dialect == "sqlite":
        for statement in SQLITE_FTS:
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS review_library_search_vector ON review_library")
    if op.get_bind().dialect.name == "sqlite":
        for trigger in ("insert", "delete", "update"):
            op.execute(f"DROP TRIGGER IF EXISTS review_library_fts_{trigger}")
        op.execute("DROP TABLE IF EXISTS review_library_fts")
    for table in (
        "review_library",
        "review_flags",
        "review_factors",
        "review_contributors",
        "review_actions",
        "review_accounts",
        "review_accountability",
        "reviews",
    ):
        op.drop_table(table)  # their indexes go with them
