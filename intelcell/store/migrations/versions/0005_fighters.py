"""fighters: person records, candidate index, hits, links, clusters, encodings

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "persons",
        sa.Column("pk", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("id", sa.String(200), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("member", sa.String(16), nullable=False),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=False),
        sa.Column("label_id", sa.Integer(), sa.ForeignKey("labels.id"), nullable=False),
        sa.Column("entity", sa.Text(), nullable=False),
        sa.Column("profile", sa.Text(), nullable=False),
        sa.Column("status", sa.String(16), nullable=True),
        sa.Column("discoverable", sa.Boolean(), nullable=False),
        sa.Column("disclose_holder", sa.Boolean(), nullable=False),
        sa.Column("is_current", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("id", "version", name="uq_persons_id_version"),
    )
    op.create_index("ix_persons_id_current", "persons", ["id", "is_current"])
    op.create_index("ix_persons_member", "persons", ["member"])
    op.create_table(
        "person_keys",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("person_pk", sa.Integer(), sa.ForeignKey("persons.pk"), primary_key=True),
    )
    op.create_index("ix_person_keys_person", "person_keys", ["person_pk"])
    op.create_table(
        "person_key_counts",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("n", sa.Integer(), nullable=False),
    )
    op.create_table(
        "person_hits",
        sa.Column("pk", sa.Integer(), primary_key=True),
        sa.Column("ref", sa.String(32), nullable=False, unique=True),
        sa.Column("person_id", sa.String(200), nullable=False),
        sa.Column("holder", sa.String(16), nullable=False),
        sa.Column("querying_member", sa.String(16), nullable=False),
        sa.Column("querying_user_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("algorithm", sa.String(32), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_person_hits_holder", "person_hits", ["holder"])
    op.create_index("ix_person_hits_person", "person_hits", ["person_id"])
    op.create_table(
        "person_links",
        sa.Column("pk", sa.Integer(), primary_key=True),
        sa.Column("a_id", sa.String(200), nullable=False),
        sa.Column("b_id", sa.String(200), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("algorithm", sa.String(32), nullable=False),
        sa.Column("features", sa.Text(), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("decided_by", sa.Integer(), sa.ForeignKey("users.id"), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("a_id", "b_id", name="uq_person_links_pair"),
    )
    op.create_index("ix_person_links_state", "person_links", ["state"])
    op.create_table(
        "person_clusters",
        sa.Column("person_id", sa.String(200), primary_key=True),
        sa.Column("cluster", sa.String(64), nullable=False),
    )
    op.create_index("ix_person_clusters_cluster", "person_clusters", ["cluster"])
    op.create_table(
        "person_encodings",
        sa.Column("pk", sa.Integer(), primary_key=True),
        sa.Column("id", sa.String(200), nullable=False, unique=True),
        sa.Column("member", sa.String(16), nullable=False),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=False),
        sa.Column("label_id", sa.Integer(), sa.ForeignKey("labels.id"), nullable=False),
        sa.Column("name_filter", sa.LargeBinary(), nullable=False),
        sa.Column("birth_year", sa.Integer(), nullable=True),
        sa.Column("discoverable", sa.Boolean(), nullable=False),
        sa.Column("disclose_holder", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    for table in (
        "person_encodings",
        "person_clusters",
        "person_links",
        "person_hits",
        "person_key_counts",
        "person_keys",
        "persons",
    ):
        op.drop_table(table)
