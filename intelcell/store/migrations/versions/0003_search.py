"""search: full-text index of object text (SQLite FTS5, PostgreSQL tsvector + GIN)

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        # rowid is objects.pk; only the text is indexed.
        op.execute("CREATE VIRTUAL TABLE object_text USING fts5(body, tokenize = 'unicode61 remove_diacritics 2')")
    else:
        op.create_table(
            "object_text",
            sa.Column("pk", sa.Integer(), sa.ForeignKey("objects.pk", ondelete="CASCADE"), primary_key=True),
            sa.Column("document", sa.dialects.postgresql.TSVECTOR(), nullable=False),
        )
        op.execute("CREATE INDEX ix_object_text_document ON object_text USING GIN (document)")


def downgrade() -> None:
    op.execute("DROP TABLE object_text")
