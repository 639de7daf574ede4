"""A reflection's files in their own table (an album's pages are one reflection with several
files), and the private messages offered as a reflection.

Existing reflections keep their one file: it moves to `reflection_file` as file 1, with the
extension of its archived copy (or the kind's usual one), and the thanks already sent count it.

Revision ID: 0012
Revises: 0010
Create Date: 2026-12-12
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from storage.models import UtcDateTime

revision: str = "0012"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The extension a file of each kind was archived with when it had no name of its own.
_DEFAULT_EXT = {"voice": "ogg", "audio": "mp3", "video_note": "mp4", "photo": "jpg"}


def _ext(rel_path: str | None, kind: str) -> str:
    name = (rel_path or "").rsplit("/", 1)[-1]
    if "." in name:
        return name.rsplit(".", 1)[1]
    return _DEFAULT_EXT.get(kind, "bin")


def upgrade() -> None:
    bind = op.get_bind()
    # Read the files first: the reflection table is rebuilt without them before the new table
    # (whose rows point at it) exists, since SQLite cannot rebuild a table others refer to.
    rows = bind.execute(
        sa.text(
            "SELECT r.id, r.chat_id, r.message_id, r.kind, r.file_id, r.file_unique_id, r.size,"
            " r.duration, r.text, r.archive_id, r.submitted_at, a.rel_path"
            " FROM reflection r LEFT JOIN archive_file a ON a.id = r.archive_id"
            " WHERE r.file_id IS NOT NULL AND r.file_unique_id IS NOT NULL"
        )
    ).mappings()
    moved = [
        {
            "reflection_id": row["id"],
            "chat_id": row["chat_id"],
            "message_id": row["message_id"],
            "kind": row["kind"],
            "file_id": row["file_id"],
            "file_unique_id": row["file_unique_id"],
            "size": row["size"],
            "duration": row["duration"],
            "ext": _ext(row["rel_path"], row["kind"]),
            "caption": row["text"],
            "archive_id": row["archive_id"],
            "added_at": row["submitted_at"],
        }
        for row in rows
    ]
    with op.batch_alter_table("reflection") as batch:
        batch.add_column(sa.Column("updated_at", UtcDateTime(), nullable=True))
        batch.add_column(sa.Column("acked_files", sa.Integer(), nullable=False, server_default="0"))
        batch.drop_column("file_id")
        batch.drop_column("file_unique_id")
        batch.drop_column("size")
        batch.drop_column("archive_id")
    op.create_table(
        "reflection_file",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("reflection_id", sa.Integer(), sa.ForeignKey("reflection.id"), nullable=False),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("message_id", sa.BigInteger(), nullable=False),
        sa.Column("media_group_id", sa.String(), nullable=True),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("file_id", sa.String(), nullable=False),
        sa.Column("file_unique_id", sa.String(), nullable=False),
        sa.Column("size", sa.Integer(), nullable=True),
        sa.Column("duration", sa.Integer(), nullable=True),
        sa.Column("ext", sa.String(), nullable=False),
        sa.Column("caption", sa.Text(), nullable=True),
        sa.Column("position", sa.Integer(), nullable=True),
        sa.Column("archive_id", sa.Integer(), sa.ForeignKey("archive_file.id"), nullable=True),
        sa.Column("added_at", UtcDateTime(), nullable=False),
    )
    op.create_index(
        "ux_reflection_file_message", "reflection_file", ["chat_id", "message_id"], unique=True
    )
    op.create_index("ix_reflection_file_album", "reflection_file", ["chat_id", "media_group_id"])
    op.create_index("ix_reflection_file_reflection_id", "reflection_file", ["reflection_id"])
    if moved:
        bind.execute(
            sa.text(
                "INSERT INTO reflection_file (reflection_id, chat_id, message_id, kind, file_id,"
                " file_unique_id, size, duration, ext, caption, position, archive_id, added_at)"
                " VALUES (:reflection_id, :chat_id, :message_id, :kind, :file_id,"
                " :file_unique_id, :size, :duration, :ext, :caption, 1, :archive_id, :added_at)"
            ),
            moved,
        )
    # The thanks already sent named the one file each had.
    op.execute(
        "UPDATE reflection SET acked_files = (SELECT count(*) FROM reflection_file f"
        " WHERE f.reflection_id = reflection.id) WHERE NOT ack_pending"
    )
    op.create_table(
        "reflection_offer",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("message_id", sa.BigInteger(), nullable=False),
        sa.Column("media_group_id", sa.String(), nullable=True),
        sa.Column("parts", sa.Text(), nullable=False),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("reflection_id", sa.Integer(), sa.ForeignKey("reflection.id"), nullable=True),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("answered_at", UtcDateTime(), nullable=True),
    )
    op.create_index(
        "ux_reflection_offer_message", "reflection_offer", ["chat_id", "message_id"], unique=True
    )
    op.create_index("ix_reflection_offer_album", "reflection_offer", ["chat_id", "media_group_id"])
    op.create_index("ix_reflection_offer_created_at", "reflection_offer", ["created_at"])


def downgrade() -> None:
    bind = op.get_bind()
    # A reflection goes back to holding one file: its first.
    firsts = [
        dict(row)
        for row in bind.execute(
            sa.text(
                "SELECT reflection_id AS id, file_id, file_unique_id, size, archive_id"
                " FROM reflection_file f WHERE f.id = (SELECT g.id FROM reflection_file g"
                " WHERE g.reflection_id = f.reflection_id"
                " ORDER BY g.position IS NULL, g.position, g.message_id LIMIT 1)"
            )
        ).mappings()
    ]
    op.drop_table("reflection_offer")
    op.drop_table("reflection_file")
    with op.batch_alter_table("reflection") as batch:
        batch.add_column(sa.Column("file_id", sa.String(), nullable=True))
        batch.add_column(sa.Column("file_unique_id", sa.String(), nullable=True))
        batch.add_column(sa.Column("size", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("archive_id", sa.Integer(), nullable=True))
        batch.create_foreign_key("fk_reflection_archive_id", "archive_file", ["archive_id"], ["id"])
        batch.drop_column("acked_files")
        batch.drop_column("updated_at")
    if firsts:
        bind.execute(
            sa.text(
                "UPDATE reflection SET file_id = :file_id, file_unique_id = :file_unique_id,"
                " size = :size, archive_id = :archive_id WHERE id = :id"
            ),
            firsts,
        )
