"""person_key_access_counts: name-key counts per label and originator, for per-viewer name frequency

Revision ID: 0011
Revises: 0010
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "person_key_access_counts",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("label_id", sa.Integer(), sa.ForeignKey("labels.id"), primary_key=True),
        sa.Column("member", sa.String(16), primary_key=True),
        sa.Column("n", sa.Integer(), nullable=False),
    )
    # Existing records are counted from the index they are already in (current versions only).
    op.execute(
        "INSERT INTO person_key_access_counts (key, label_id, member, n) "
        "SELECT k.key, p.label_id, p.member, count(*) FROM person_keys k JOIN persons p ON p.pk = k.person_pk "
        "WHERE k.key LIKE 's:%' OR k.key LIKE 'p:%' GROUP BY k.key, p.label_id, p.member"
    )


def downgrade() -> None:
    op.drop_table("person_key_access_counts")
