"""oversight: action plan items and their history, the contributions ledger, air-picture sensor hours

Revision ID: 0010
Revises: 0009
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
        "oversight_plan_items",
        sa.Column("pk", sa.Integer(), primary_key=True),
        sa.Column("id", sa.String(36), nullable=False, unique=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("owner", sa.String(16), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("targets", sa.Text(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("deadline", sa.Date(), nullable=True),
        sa.Column("evidence", sa.Text(), nullable=False),
        sa.Column("label_id", sa.Integer(), sa.ForeignKey("labels.id"), nullable=False),
        sa.Column("originator", sa.String(16), nullable=False),
        sa.Column("created_by", sa.Integer(), sa.ForeignKey("users.id"), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "oversight_plan_history",
        sa.Column("pk", sa.Integer(), primary_key=True),
        sa.Column("item_id", sa.String(36), sa.ForeignKey("oversight_plan_items.id"), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("changed_fields", sa.Text(), nullable=False),
        sa.Column("snapshot", sa.Text(), nullable=False),
        sa.Column("label_id", sa.Integer(), sa.ForeignKey("labels.id"), nullable=False),
        sa.Column("originator", sa.String(16), nullable=False),
        sa.Column("changed_by", sa.Integer(), sa.ForeignKey("users.id"), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("item_id", "version", name="uq_oversight_plan_history_version"),
    )
    op.create_table(
        "oversight_contributions",
        sa.Column("pk", sa.Integer(), primary_key=True),
        sa.Column("id", sa.String(36), nullable=False, unique=True),
        sa.Column("member", sa.String(16), nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("period", sa.String(32), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("source", sa.String(200), nullable=False),
        sa.Column("label_id", sa.Integer(), sa.ForeignKey("labels.id"), nullable=False),
        sa.Column("originator", sa.String(16), nullable=False),
        sa.Column("entered_by", sa.Integer(), sa.ForeignKey("users.id"), nullable=False),
        sa.Column("entered_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint(
            "member", "kind", "period", "source", "label_id", "originator", name="uq_oversight_contributions_entry"
        ),
    )
    op.create_index("ix_oversight_contributions_member_period", "oversight_contributions", ["member", "period_start"])
    op.create_table(
        "air_sensor_hours",
        sa.Column("sensor_id", sa.String(64), sa.ForeignKey("air_sensors.id"), primary_key=True),
        sa.Column("hour", sa.Integer(), primary_key=True, autoincrement=False),
    )


def downgrade() -> None:
    op.drop_table("air_sensor_hours")
    op.drop_index("ix_oversight_contributions_member_period", table_name="oversight_contributions")
    op.drop_table("oversight_contributions")
    op.drop_table("oversight_plan_history")
    op.drop_table("oversight_plan_items")
