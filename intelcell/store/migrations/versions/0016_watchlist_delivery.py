"""watchlist_delivery: watchlist alert delivery (webhooks, TAXII) and saved screenings

Revision ID: 0016
Revises: 0015
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "watchlist_webhooks",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("member", sa.String(16), nullable=False),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("secret", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("removed_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_watchlist_webhooks_member", "watchlist_webhooks", ["member"])
    op.create_table(
        "watchlist_deliveries",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("webhook_id", sa.String(32), sa.ForeignKey("watchlist_webhooks.id"), nullable=False),
        sa.Column("alert_ref", sa.String(32), sa.ForeignKey("watchlist_alerts.ref"), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("claimed_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("delivered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_watchlist_deliveries_due", "watchlist_deliveries", ["state", "next_attempt_at"])
    op.create_index("ix_watchlist_deliveries_alert", "watchlist_deliveries", ["alert_ref"])
    op.create_table(
        "saved_screenings",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("member", sa.String(16), nullable=False),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=False),
        sa.Column("caption", sa.Text(), nullable=False),
        sa.Column("properties", sa.Text(), nullable=False),
        sa.Column("threshold", sa.Float(), nullable=False),
        sa.Column("seen", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_run_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_saved_screenings_member", "saved_screenings", ["member"])


def downgrade() -> None:
    op.drop_table("saved_screenings")
    op.drop_table("watchlist_deliveries")
    op.drop_table("watchlist_webhooks")
