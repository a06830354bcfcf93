"""rfis.via_hit: an RFI asked of the unnamed holder of a screening hit

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("rfis") as batch:
        batch.add_column(sa.Column("via_hit", sa.String(32), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("rfis") as batch:
        batch.drop_column("via_hit")
