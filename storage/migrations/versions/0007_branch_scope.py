"""Which branch a private command is about: the remembered choice, and the questions asked.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-09
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from storage.models import UtcDateTime

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "branch_choice",
        sa.Column("user_id", sa.BigInteger(), primary_key=True, autoincrement=False),
        sa.Column("branch_id", sa.Integer(), sa.ForeignKey("branch.id"), nullable=False),
        sa.Column("chosen_at", UtcDateTime(), nullable=False),
        sa.Column("active_at", UtcDateTime(), nullable=False),
    )
    op.create_table(
        "branch_question",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("need", sa.String(), nullable=False),
        sa.Column("update_json", sa.Text(), nullable=True),
        sa.Column("asked_at", UtcDateTime(), nullable=False),
    )
    op.create_index("ix_branch_question_user_id", "branch_question", ["user_id"])
    op.create_index("ix_branch_question_asked_at", "branch_question", ["asked_at"])


def downgrade() -> None:
    op.drop_index("ix_branch_question_asked_at", table_name="branch_question")
    op.drop_index("ix_branch_question_user_id", table_name="branch_question")
    op.drop_table("branch_question")
    op.drop_table("branch_choice")
