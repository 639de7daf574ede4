"""Knowledge quizzes: quizzes, their questions, members' attempts and answers.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-26
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from storage.models import UtcDateTime

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "quiz",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("branch_id", sa.Integer(), sa.ForeignKey("branch.id"), nullable=True),
        sa.Column("title", sa.String(), nullable=False),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("mode", sa.String(), nullable=True),
        sa.Column("question_count", sa.Integer(), nullable=False),
        sa.Column("poll_ok", sa.Boolean(), nullable=False),
        sa.Column("show_scores", sa.Boolean(), nullable=False),
        sa.Column("allow_retry", sa.Boolean(), nullable=False),
        sa.Column("created_by", sa.BigInteger(), nullable=True),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("opens_at", UtcDateTime(), nullable=True),
        sa.Column("closes_at", UtcDateTime(), nullable=True),
        sa.Column("closed_at", UtcDateTime(), nullable=True),
    )
    op.create_index("ix_quiz_branch_id", "quiz", ["branch_id"])
    op.create_table(
        "quiz_question",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("quiz_id", sa.Integer(), sa.ForeignKey("quiz.id"), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("options", sa.Text(), nullable=False),
        sa.Column("answer", sa.String(), nullable=False),
        sa.Column("explanation", sa.Text(), nullable=False),
        sa.Column("points", sa.Integer(), nullable=False),
    )
    op.create_index(
        "ux_quiz_question_position", "quiz_question", ["quiz_id", "position"], unique=True
    )
    op.create_table(
        "quiz_attempt",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("quiz_id", sa.Integer(), sa.ForeignKey("quiz.id"), nullable=False),
        sa.Column("member_id", sa.Integer(), sa.ForeignKey("member.id"), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("pending", sa.String(), nullable=False),
        sa.Column("started_at", UtcDateTime(), nullable=False),
        sa.Column("finished_at", UtcDateTime(), nullable=True),
    )
    op.create_index(
        "ux_quiz_attempt_member", "quiz_attempt", ["quiz_id", "member_id", "number"], unique=True
    )
    op.create_table(
        "quiz_answer",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("attempt_id", sa.Integer(), sa.ForeignKey("quiz_attempt.id"), nullable=False),
        sa.Column("question_id", sa.Integer(), sa.ForeignKey("quiz_question.id"), nullable=False),
        sa.Column("chosen", sa.String(), nullable=False),
        sa.Column("answered_at", UtcDateTime(), nullable=False),
    )
    op.create_index("ix_quiz_answer_question_id", "quiz_answer", ["question_id"])
    op.create_index(
        "ux_quiz_answer_question", "quiz_answer", ["attempt_id", "question_id"], unique=True
    )


def downgrade() -> None:
    for table in ("quiz_answer", "quiz_attempt", "quiz_question", "quiz"):
        op.drop_table(table)
