"""Care: roster columns on member (birthday, party anniversary, linking, privacy).

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("member") as batch:
        batch.add_column(
            sa.Column("on_roster", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch.add_column(sa.Column("username", sa.String(), nullable=True))
        batch.add_column(sa.Column("gender", sa.String(), nullable=True))
        batch.add_column(sa.Column("birth", sa.String(), nullable=True))
        batch.add_column(sa.Column("joined_party", sa.Date(), nullable=True))
        batch.add_column(sa.Column("note", sa.Text(), nullable=False, server_default=""))
        batch.add_column(
            sa.Column("public_birthday", sa.Boolean(), nullable=False, server_default=sa.true())
        )
        batch.add_column(sa.Column("claimed_by", sa.BigInteger(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("member") as batch:
        for column in (
            "claimed_by",
            "public_birthday",
            "note",
            "joined_party",
            "birth",
            "gender",
            "username",
            "on_roster",
        ):
            batch.drop_column(column)
