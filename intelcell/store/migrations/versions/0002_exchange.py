"""exchange: labels, TAXII collections, object versions, status resources, cursors, peers

Revision ID: 0002
Revises: 0001
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
        "labels",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("text", sa.String(512), nullable=False, unique=True),
        sa.Column("marking_id", sa.String(128), nullable=False, unique=True),
    )
    op.create_table(
        "collections",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("title", sa.String(256), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("alias", sa.String(64), nullable=True, unique=True),
        sa.Column("default_label_id", sa.Integer(), sa.ForeignKey("labels.id"), nullable=False),
        sa.Column("readers", sa.Text(), nullable=False),
        sa.Column("writers", sa.Text(), nullable=False),
        sa.Column("release_limit", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "objects",
        sa.Column("pk", sa.Integer(), primary_key=True),
        sa.Column("collection_id", sa.String(64), sa.ForeignKey("collections.id"), nullable=False),
        sa.Column("stix_id", sa.String(128), nullable=False),
        sa.Column("type", sa.String(64), nullable=False),
        sa.Column("spec_version", sa.String(8), nullable=False),
        sa.Column("version", sa.String(32), nullable=False),
        sa.Column("date_added", sa.String(32), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("label_id", sa.Integer(), sa.ForeignKey("labels.id"), nullable=False),
        sa.Column("portions", sa.Text(), nullable=True),
        sa.Column("originator", sa.String(16), nullable=False),
        sa.Column("submitted_by", sa.Integer(), sa.ForeignKey("users.id"), nullable=False),
    )
    op.create_index("ix_objects_version", "objects", ["collection_id", "stix_id", "version"])
    op.create_index("ix_objects_collection_pk", "objects", ["collection_id", "pk"])
    op.create_index("ix_objects_collection_added", "objects", ["collection_id", "date_added"])
    op.create_index("ix_objects_stix_id", "objects", ["stix_id"])
    op.create_table(
        "taxii_status",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
    )
    op.create_table(
        "taxii_cursors",
        sa.Column("token", sa.String(64), primary_key=True),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=False),
        sa.Column("scope", sa.String(256), nullable=False),
        sa.Column("after_pk", sa.Integer(), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "peers",
        sa.Column("name", sa.String(64), primary_key=True),
        sa.Column("direction", sa.String(8), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("token", sa.Text(), nullable=False),
        sa.Column("member", sa.String(16), nullable=False),
        sa.Column("collection_id", sa.String(64), sa.ForeignKey("collections.id"), nullable=False),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=False),
        sa.Column("bookmark", sa.String(64), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("last_run", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    for table in ("peers", "taxii_cursors", "taxii_status", "objects", "collections", "labels"):
        op.drop_table(table)
