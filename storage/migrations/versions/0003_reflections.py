"""Reflections (心得体会) and the private chats waiting for one.

Revision ID: 0003
Revises: 0001
Create Date: 2026-11-26
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from storage.models import UtcDateTime

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "reflection",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("session_id", sa.Integer(), sa.ForeignKey("theme_session.id"), nullable=False),
        sa.Column("member_id", sa.Integer(), sa.ForeignKey("member.id"), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("file_id", sa.String(), nullable=True),
        sa.Column("file_unique_id", sa.String(), nullable=True),
        sa.Column("duration", sa.Integer(), nullable=True),
        sa.Column("size", sa.Integer(), nullable=True),
        sa.Column("archive_id", sa.Integer(), sa.ForeignKey("archive_file.id"), nullable=True),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("message_id", sa.BigInteger(), nullable=False),
        sa.Column("via", sa.String(), nullable=False),
        sa.Column("submitted_at", UtcDateTime(), nullable=False),
        sa.Column("late", sa.Boolean(), nullable=False),
        sa.Column("edited_at", UtcDateTime(), nullable=True),
        sa.Column("ack_pending", sa.Boolean(), nullable=False),
    )
    op.create_index("ux_reflection_message", "reflection", ["chat_id", "message_id"], unique=True)
    op.create_index("ix_reflection_session_member", "reflection", ["session_id", "member_id"])
    op.create_index("ix_reflection_ack_pending", "reflection", ["ack_pending"])
    op.create_table(
        "reflection_wait",
        sa.Column("user_id", sa.BigInteger(), primary_key=True, autoincrement=False),
        sa.Column("session_id", sa.Integer(), sa.ForeignKey("theme_session.id"), nullable=True),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("source_chat_id", sa.BigInteger(), nullable=True),
        sa.Column("source_message_id", sa.BigInteger(), nullable=True),
        sa.Column("expires_at", UtcDateTime(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("reflection_wait")
    op.drop_table("reflection")
