"""Theme party day: the library of study materials and which ones each session pushed.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from storage.models import UtcDateTime

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "material",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("branch_id", sa.Integer(), sa.ForeignKey("branch.id"), nullable=True),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("title", sa.String(), nullable=False),
        sa.Column("file_id", sa.String(), nullable=True),
        sa.Column("file_unique_id", sa.String(), nullable=True),
        sa.Column("file_name", sa.String(), nullable=True),
        sa.Column("size", sa.Integer(), nullable=True),
        sa.Column("text_html", sa.Text(), nullable=True),
        sa.Column("source_chat_id", sa.BigInteger(), nullable=False),
        sa.Column("source_message_id", sa.BigInteger(), nullable=False),
        sa.Column("added_by", sa.BigInteger(), nullable=False),
        sa.Column("state", sa.String(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("archive_id", sa.Integer(), sa.ForeignKey("archive_file.id"), nullable=True),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("last_pushed_at", UtcDateTime(), nullable=True),
    )
    op.create_index(
        "ux_material_source", "material", ["source_chat_id", "source_message_id"], unique=True
    )
    op.create_index("ix_material_branch_state", "material", ["branch_id", "state", "position"])
    op.create_table(
        "theme_session_material",
        sa.Column("session_id", sa.Integer(), sa.ForeignKey("theme_session.id"), primary_key=True),
        sa.Column("material_id", sa.Integer(), sa.ForeignKey("material.id"), primary_key=True),
        sa.Column("position", sa.Integer(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("theme_session_material")
    op.drop_table("material")
