"""Inbox rows say what kind of update they hold, and may wait for something before they run.

`kind` ("message", "poll_answer", ...) lets the processor hand runs of one kind to a bulk
handler without parsing every payload first, and stays when a failed update's payload is
blanked (what an operator needs: the update id, its kind, the error). `wait_for` holds the key
an update waits on (status "waiting"), e.g. a vote for a poll whose send is not recorded yet.

Revision ID: 0008
Revises: 0012
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("inbox") as batch:
        batch.add_column(sa.Column("kind", sa.String(), nullable=False, server_default=""))
        batch.add_column(sa.Column("wait_for", sa.String(), nullable=True))
    op.create_index("ix_inbox_wait_for", "inbox", ["wait_for"])


def downgrade() -> None:
    op.drop_index("ix_inbox_wait_for", table_name="inbox")
    with op.batch_alter_table("inbox") as batch:
        batch.drop_column("wait_for")
        batch.drop_column("kind")
