"""Activities with sign-up (活动报名), the record of visits (走访慰问台账), and a phone number on
the roster.

Revision ID: 0014
Revises: 0008
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from storage.models import UtcDateTime

revision: str = "0014"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("member") as batch:
        batch.add_column(sa.Column("phone", sa.String(), nullable=True))

    op.create_table(
        "activity",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("branch_id", sa.Integer(), sa.ForeignKey("branch.id"), nullable=False),
        sa.Column("title", sa.String(), nullable=False),
        sa.Column("starts_at", UtcDateTime(), nullable=False),
        sa.Column("place", sa.String(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False, server_default=""),
        sa.Column("deadline", UtcDateTime(), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=True),
        sa.Column("plus_one", sa.Boolean(), nullable=False),
        sa.Column("public_list", sa.Boolean(), nullable=False),
        sa.Column("meet_place", sa.String(), nullable=True),
        sa.Column("meet_at", UtcDateTime(), nullable=True),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("cancel_reason", sa.Text(), nullable=True),
        sa.Column("created_by", sa.BigInteger(), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("changed_at", UtcDateTime(), nullable=True),
        sa.Column("next_due_at", UtcDateTime(), nullable=True),
        sa.Column("card_dirty", sa.Boolean(), nullable=False),
        sa.Column("card_phase", sa.String(), nullable=False),
        sa.Column("card_edited_at", UtcDateTime(), nullable=True),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_activity_branch_starts", "activity", ["branch_id", "starts_at"])
    op.create_index("ix_activity_next_due_at", "activity", ["next_due_at"])

    op.create_table(
        "activity_signup",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("activity_id", sa.Integer(), sa.ForeignKey("activity.id"), nullable=False),
        sa.Column("member_id", sa.Integer(), sa.ForeignKey("member.id"), nullable=False),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("family", sa.Boolean(), nullable=False),
        sa.Column("queue_no", sa.Integer(), nullable=False),
        sa.Column("answered_at", UtcDateTime(), nullable=True),
        sa.Column("checked_in_at", UtcDateTime(), nullable=True),
        sa.Column("checked_in_by", sa.BigInteger(), nullable=True),
    )
    op.create_index(
        "ux_activity_signup_member", "activity_signup", ["activity_id", "member_id"], unique=True
    )
    op.create_index(
        "ix_activity_signup_queue", "activity_signup", ["activity_id", "status", "queue_no"]
    )

    op.create_table(
        "visit",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("branch_id", sa.Integer(), sa.ForeignKey("branch.id"), nullable=False),
        sa.Column("member_id", sa.Integer(), sa.ForeignKey("member.id"), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("visited_on", sa.Date(), nullable=False),
        sa.Column("visitors", sa.String(), nullable=False),
        sa.Column("gifts", sa.String(), nullable=False),
        sa.Column("amount", sa.Integer(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=False, server_default=""),
        sa.Column("recorded_by", sa.BigInteger(), nullable=False),
        sa.Column("recorded_at", UtcDateTime(), nullable=False),
    )
    op.create_index("ix_visit_branch_day", "visit", ["branch_id", "visited_on"])
    op.create_index("ix_visit_member_id", "visit", ["member_id"])


def downgrade() -> None:
    op.drop_index("ix_visit_member_id", table_name="visit")
    op.drop_index("ix_visit_branch_day", table_name="visit")
    op.drop_table("visit")
    op.drop_index("ix_activity_signup_queue", table_name="activity_signup")
    op.drop_index("ux_activity_signup_member", table_name="activity_signup")
    op.drop_table("activity_signup")
    op.drop_index("ix_activity_next_due_at", table_name="activity")
    op.drop_index("ix_activity_branch_starts", table_name="activity")
    op.drop_table("activity")
    # Natively (SQLite 3.35+): a batch copy of `member` would have to drop the table that
    # reflections and answers refer to, which foreign keys forbid.
    op.execute("ALTER TABLE member DROP COLUMN phone")
