"""People as they are: a member's status (在册/住院/调离/已故) and since when, 预备党员 and
转正日期, and the log of status changes.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from storage.models import UtcDateTime

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Natively: a batch copy of `member` would have to drop the table that reflections and
    # answers refer to, which foreign keys forbid.
    op.add_column(
        "member", sa.Column("status", sa.String(), nullable=False, server_default="present")
    )
    op.add_column("member", sa.Column("status_since", sa.Date(), nullable=True))
    op.add_column(
        "member",
        sa.Column(
            "probationary",
            sa.Boolean(create_constraint=False),
            nullable=False,
            server_default=sa.false(),
        ),
    )
    op.add_column("member", sa.Column("confirmed_party", sa.Date(), nullable=True))

    op.create_table(
        "member_status_log",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("member_id", sa.Integer(), sa.ForeignKey("member.id"), nullable=False),
        sa.Column("branch_id", sa.Integer(), sa.ForeignKey("branch.id"), nullable=False),
        sa.Column("old_status", sa.String(), nullable=False),
        sa.Column("new_status", sa.String(), nullable=False),
        sa.Column("since", sa.Date(), nullable=True),
        sa.Column("changed_by", sa.BigInteger(), nullable=True),
        sa.Column("source", sa.String(), nullable=False),
        sa.Column("changed_at", UtcDateTime(), nullable=False),
    )
    op.create_index("ix_member_status_log_member_id", "member_status_log", ["member_id"])


def downgrade() -> None:
    op.drop_index("ix_member_status_log_member_id", table_name="member_status_log")
    op.drop_table("member_status_log")
    # Natively (SQLite 3.35+), as 0014 does: a batch copy of `member` would have to drop the
    # table that reflections and answers refer to, which foreign keys forbid.
    for column in ("confirmed_party", "probationary", "status_since", "status"):
        op.execute(f"ALTER TABLE member DROP COLUMN {column}")
