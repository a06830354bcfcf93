"""watchlist_entries, watchlist_alerts: members' watchlists and the alerts their matches raise

Revision ID: 0013
Revises: 0012
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "watchlist_entries",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("member", sa.String(16), nullable=False),
        sa.Column("created_by", sa.Integer(), sa.ForeignKey("users.id"), nullable=False),
        sa.Column("caption", sa.Text(), nullable=False),
        sa.Column("properties", sa.Text(), nullable=False),
        sa.Column("profile", sa.Text(), nullable=False),
        sa.Column("threshold", sa.Float(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("removed_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_watchlist_entries_member", "watchlist_entries", ["member"])
    op.create_table(
        "watchlist_alerts",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("entry_id", sa.String(32), sa.ForeignKey("watchlist_entries.id"), nullable=False),
        sa.Column("member", sa.String(16), nullable=False),
        sa.Column("person_id", sa.String(200), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("ref", sa.String(32), nullable=False, unique=True),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_on", sa.Date(), nullable=False),
    )
    op.create_index("ix_watchlist_alerts_member", "watchlist_alerts", ["member", "created_on", "ref"])


def downgrade() -> None:
    op.drop_table("watchlist_alerts")
    op.drop_table("watchlist_entries")
