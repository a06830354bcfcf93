"""person_links: index on b_id, so the links of a record are found from either side

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # (a_id, b_id) is unique, which indexes a_id; resolution also looks links up by b_id.
    op.create_index("ix_person_links_b_id", "person_links", ["b_id"])


def downgrade() -> None:
    op.drop_index("ix_person_links_b_id", table_name="person_links")
