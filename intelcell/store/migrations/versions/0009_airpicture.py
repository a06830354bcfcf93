"""air picture: sensors, withholding areas, the input inbox, system tracks with their change feed, the tracker lease

Revision ID: 0009
Revises: 0008
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "air_sensors",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("member", sa.String(16), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("definition", sa.Text(), nullable=False),
        sa.Column("label_id", sa.Integer(), sa.ForeignKey("labels.id"), nullable=False),
        sa.Column("provenance_label_id", sa.Integer(), sa.ForeignKey("labels.id"), nullable=False),
        sa.Column("sac", sa.Integer(), nullable=True),
        sa.Column("sic", sa.Integer(), nullable=True),
        sa.Column("last_time", sa.Float(), nullable=True),
        sa.Column("is_demo", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("sac", "sic", name="uq_air_sensors_sac_sic"),
    )
    op.create_table(
        "air_areas",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("polygon", sa.Text(), nullable=False),
        sa.Column("label_id", sa.Integer(), sa.ForeignKey("labels.id"), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "air_inbox",
        # 64-bit: at 3,000 plots a second a 32-bit id runs out in eight days.
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), primary_key=True, autoincrement=True),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("received_at", sa.Float(), nullable=False),
    )
    op.create_table(
        "air_tracks",
        sa.Column("track_number", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("label_id", sa.Integer(), sa.ForeignKey("labels.id"), nullable=True),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("time", sa.Float(), nullable=False),
        sa.Column("state", sa.Text(), nullable=False),
        sa.Column("sensors", sa.Text(), nullable=False),
        sa.Column("received_at", sa.Float(), nullable=True),
    )
    op.create_index("ix_air_tracks_seq", "air_tracks", ["seq"], unique=True)
    op.create_table(
        "air_leases",
        sa.Column("name", sa.String(32), primary_key=True),
        sa.Column("holder", sa.String(64), nullable=False),
        sa.Column("expires_at", sa.Float(), nullable=False),
        # The next system track number: a new leader continues the numbering, never reissues.
        sa.Column("next_track_number", sa.Integer(), nullable=False),
    )


def downgrade() -> None:
    for table in ("air_leases", "air_tracks", "air_inbox", "air_areas", "air_sensors"):
        op.drop_table(table)
