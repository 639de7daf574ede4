"""Every table of the bot, in one place.

Timestamps are stored as naive UTC (SQLite has no time zones); `UtcDateTime` turns them back
into aware datetimes on the way out, so code above this layer only ever sees aware UTC values.
Schema changes go through a migration in ``storage/migrations/versions``; a test checks that
these models and the migrations agree.

Why one module of this size: every table of the schema side by side, as the migrations see
them; a reader finds any column here, and the model-versus-migration test reads one file.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    DateTime,
    Index,
    Integer,
    String,
    Text,
    TypeDecorator,
    false,
    true,
)
from sqlalchemy.engine import Dialect
from sqlmodel import Field, SQLModel


class UtcDateTime(TypeDecorator[datetime]):
    """A datetime stored as naive UTC and read back as aware UTC."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are ambiguous; pass an aware datetime")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        assert isinstance(value, datetime)
        return value.replace(tzinfo=UTC)


def utc_column(*, nullable: bool = False, index: bool = False) -> Any:
    return Column(UtcDateTime(), nullable=nullable, index=index)


def big_id(*, nullable: bool = False, unique: bool = False, index: bool = False) -> Any:
    return Column(BigInteger(), nullable=nullable, unique=unique, index=index)


# --- foundation ---------------------------------------------------------------------------


class Branch(SQLModel, table=True):
    """A party branch: one Telegram group, set up by an admin with /setup."""

    id: int | None = Field(default=None, primary_key=True)
    chat_id: int = Field(sa_column=big_id(unique=True))
    title: str
    active: bool = True
    created_at: datetime = Field(sa_column=utc_column())
    # Per-branch choices (deadline days, reminder times, greetings on/off ...), as JSON; each
    # feature reads its own keys with defaults (storage.branches.option / set_option).
    options: str = Field(
        default="{}", sa_column=Column(Text(), nullable=False, server_default="{}")
    )


class Person(SQLModel, table=True):
    """A Telegram account the bot has seen, in any branch or privately."""

    user_id: int = Field(sa_column=Column(BigInteger(), primary_key=True, autoincrement=False))
    first_name: str
    last_name: str | None = None
    username: str | None = Field(default=None, index=True)
    # Private messages are only possible after the person has opened a chat with the bot.
    private_started: bool = False
    # Set when Telegram answers 403 (blocked, or never started); cleared when they write again.
    unreachable_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    updated_at: datetime = Field(sa_column=utc_column())


class Member(SQLModel, table=True):
    """A person in a branch: seen in the group, or listed on the roster (then maybe unlinked).

    Two things say whether someone is still with the branch (migration 0015_people):
    - `status` is the person's situation as the branch records it (storage/people.py):
      在册 ("present"), 住院/休养 ("away": no reminders, greetings continue, a visit suggestion),
      调离/转出 ("moved") and 已故 ("deceased"), since `status_since`. Changes are logged in
      `MemberStatusLog`.
    - `active` means "in the branch": in its group (leaving the group clears it, writing there
      again sets it) and not moved away or passed away. Marking someone 调离 or 已故 clears it,
      and nothing sets it again while that status stands (storage.people.set_status is the one
      way back). So every `Member.active` check already leaves them out; who is greeted,
      reminded or expected is then chosen by storage.people, never by `active` alone.
    Their rows stay (past submissions, answers and visits keep their name).
    """

    __table_args__ = (Index("ux_member_branch_user", "branch_id", "user_id", unique=True),)

    id: int | None = Field(default=None, primary_key=True)
    branch_id: int = Field(foreign_key="branch.id", index=True)
    user_id: int | None = Field(default=None, sa_column=big_id(nullable=True))
    name: str
    party_member: bool = False
    active: bool = True
    joined_at: datetime = Field(sa_column=utc_column())
    # --- the roster and care (migration 0005_care) ---
    # Listed on the branch's roster (imported with /roster); rows only seen in the group are not.
    on_roster: bool = Field(
        default=False, sa_column=Column(Boolean(), nullable=False, server_default=false())
    )
    # Telegram username from the roster (without @), to link the row when that account appears.
    username: str | None = None
    gender: str | None = None  # "男" / "女"
    # storage.dates.BirthDate.to_storage(): "S1948-03-12", "L1948-02-08", "L1941-06-10-leap".
    birth: str | None = None
    joined_party: date | None = None
    note: str = Field(default="", sa_column=Column(Text(), nullable=False, server_default=""))
    # False: birthday greeted privately only, never named in the group (/birthday 不公开).
    public_birthday: bool = Field(
        default=True, sa_column=Column(Boolean(), nullable=False, server_default=true())
    )
    # The account that tapped "这是我" on this unlinked roster row, until an admin confirms.
    claimed_by: int | None = Field(default=None, sa_column=big_id(nullable=True))
    # --- activities and visits (migration 0014_activities) ---
    # The roster's 电话 column, as written (for staff's sign-up sheets and phone calls).
    phone: str | None = None
    # --- people as they are (migration 0015_people) ---
    # present | away | moved | deceased (storage.people.STATUSES); since when (branch-local day).
    status: str = Field(
        default="present", sa_column=Column(String(), nullable=False, server_default="present")
    )
    status_since: date | None = None
    # 预备党员: a party member in probation (party_member is set too); 群众: party_member unset.
    probationary: bool = Field(
        default=False, sa_column=Column(Boolean(), nullable=False, server_default=false())
    )
    # 转正日期: full membership, from which 党龄 counts (None: not known, or not yet).
    confirmed_party: date | None = None


class MemberStatusLog(SQLModel, table=True):
    """One change of a member's status, for the staff: who changed it, when, from what to what,
    and how (a roster import, a button)."""

    __tablename__ = "member_status_log"

    id: int | None = Field(default=None, primary_key=True)
    member_id: int = Field(foreign_key="member.id", index=True)
    branch_id: int = Field(foreign_key="branch.id")
    old_status: str
    new_status: str
    since: date | None = None
    changed_by: int | None = Field(default=None, sa_column=big_id(nullable=True))
    source: str  # roster | button
    changed_at: datetime = Field(sa_column=utc_column())


class BranchChoice(SQLModel, table=True):
    """The branch a person of several branches chose in a private chat, and when they last
    acted on it: their next private commands are about it for a while (bot/core/scope.py)."""

    __tablename__ = "branch_choice"

    user_id: int = Field(sa_column=Column(BigInteger(), primary_key=True, autoincrement=False))
    branch_id: int = Field(foreign_key="branch.id")
    chosen_at: datetime = Field(sa_column=utc_column())
    active_at: datetime = Field(sa_column=utc_column())


class BranchQuestion(SQLModel, table=True):
    """A "which branch?" asked in a private chat, with the update that led to it (a command, a
    file with a caption), which runs again once the sender taps a branch. Kept only until then
    or until it expires, since it holds what they wrote."""

    __tablename__ = "branch_question"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(sa_column=big_id(index=True))
    chat_id: int = Field(sa_column=big_id())
    need: str  # admin | staff: whose branches the choice is among
    # The update as JSON; None for /branch, which only chooses.
    update_json: str | None = Field(default=None, sa_column=Column(Text(), nullable=True))
    asked_at: datetime = Field(sa_column=utc_column(index=True))


class Flow(SQLModel, table=True):
    """A guided conversation an admin is in the middle of (setting the theme day, changing a
    setting…): which step it is at and what was answered so far (handlers/flows.py).

    One per person: starting another replaces it. `version` goes up with every step shown, and
    each button carries the flow's id and the version it was shown with, so a button of an
    earlier step or of an earlier flow is recognised as stale. Kept only while it is live (a schedule forgets expired ones).
    """

    __tablename__ = "flow"
    # Ids never come back (buttons and send-once keys name the flow by id).
    __table_args__ = {"sqlite_autoincrement": True}

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(sa_column=big_id(unique=True))
    chat_id: int = Field(sa_column=big_id())
    kind: str
    branch_id: int | None = Field(default=None, foreign_key="branch.id")
    step: str
    # JSON: {"answers": {...}, "path": [steps before this one]}
    data: str = Field(default="{}", sa_column=Column(Text(), nullable=False))
    version: int = Field(default=1, sa_column=Column(Integer(), nullable=False))
    started_at: datetime = Field(sa_column=utc_column())
    updated_at: datetime = Field(sa_column=utc_column(index=True))


class InboxUpdate(SQLModel, table=True):
    """One raw update from getUpdates, stored before Telegram is told we have it."""

    __tablename__ = "inbox"

    id: int | None = Field(default=None, primary_key=True)
    update_id: int = Field(sa_column=big_id(unique=True))
    # "message", "poll_answer", ... (migration 0008): kept when the payload is blanked.
    kind: str = Field(default="", sa_column=Column(String(), nullable=False, server_default=""))
    payload: str = Field(sa_column=Column(Text(), nullable=False))
    # pending | done | failed | waiting (for `wait_for`, e.g. "poll:<id>", to be released)
    status: str = Field(default="pending", index=True)
    wait_for: str | None = Field(default=None, index=True)
    received_at: datetime = Field(sa_column=utc_column())
    processed_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    error: str | None = None


class OutboxMessage(SQLModel, table=True):
    """One call to Telegram the bot means to make, written in the same transaction as its cause.

    The row is also the send log: `dedupe_key` is unique, so work that is retried after a crash
    cannot queue the same message twice, and `message_id`/`poll_id` let a later reply or poll
    answer be traced back to what the bot sent (`kind`, `ref`).
    """

    __tablename__ = "outbox"
    __table_args__ = (
        Index("ix_outbox_pending", "status", "not_before"),
        Index("ix_outbox_chat_message", "chat_id", "message_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    chat_id: int = Field(sa_column=big_id())
    method: str
    payload: str = Field(sa_column=Column(Text(), nullable=False))
    # JSON list of {"field", "path", "filename"} for uploads from the data dir.
    files: str | None = Field(default=None, sa_column=Column(Text(), nullable=True))
    dedupe_key: str | None = Field(default=None, sa_column=Column(String(), unique=True))
    kind: str = Field(default="", index=True)
    ref: str = Field(default="")
    describe: str = ""
    notify_chat_id: int | None = Field(default=None, sa_column=big_id(nullable=True))
    status: str = "pending"  # pending | sent | failed
    attempts: int = Field(default=0, sa_column=Column(Integer(), nullable=False))
    not_before: datetime = Field(sa_column=utc_column())
    created_at: datetime = Field(sa_column=utc_column())
    sent_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    message_id: int | None = Field(default=None, sa_column=big_id(nullable=True))
    poll_id: str | None = Field(default=None, index=True)
    result: str | None = Field(default=None, sa_column=Column(Text(), nullable=True))
    error: str | None = None


class Job(SQLModel, table=True):
    """A piece of slow work queued in an update's transaction and run after it committed, outside
    it: downloading and checking a spreadsheet, building an export.

    Durable: a job in hand when the bot stops is run again after the restart, so every job
    commits its result and its "done" mark in one transaction (`storage.jobs.finish`).
    `key` (unique) keeps work that is requested twice (the same update seen again) from
    running twice.
    """

    __tablename__ = "job"
    __table_args__ = (Index("ix_job_status", "status", "not_before"),)

    id: int | None = Field(default=None, primary_key=True)
    kind: str
    payload: str = Field(sa_column=Column(Text(), nullable=False))
    key: str | None = Field(default=None, sa_column=Column(String(), unique=True))
    status: str = "pending"  # pending | done | failed
    attempts: int = Field(default=0, sa_column=Column(Integer(), nullable=False))
    not_before: datetime = Field(sa_column=utc_column())
    created_at: datetime = Field(sa_column=utc_column())
    finished_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    error: str | None = None


# --- theme party day (主题党日) -------------------------------------------------------------


class ThemeSession(SQLModel, table=True):
    """One theme-day session: what was pushed to a branch on a day, and until when to reply.

    `key` makes each session unique per branch ("rule:2026-12-15" for a scheduled day,
    "push:<update id>" for /push), so a restart can never create or push it twice. The header
    and invitation messages are outbox rows with kind "themeday.header"/"themeday.invitation"
    and ref = the session id; replies to them are found through `storage.outbox.find_by_message`.
    """

    __tablename__ = "theme_session"
    __table_args__ = (Index("ux_theme_session_key", "branch_id", "key", unique=True),)

    id: int | None = Field(default=None, primary_key=True)
    branch_id: int = Field(foreign_key="branch.id", index=True)
    key: str
    local_date: date
    topic: str
    deadline: datetime = Field(sa_column=utc_column())
    # JSON list of aware UTC ISO datetimes at which to remind those who have not submitted.
    reminders: str = Field(default="[]", sa_column=Column(Text(), nullable=False))
    created_at: datetime = Field(sa_column=utc_column())
    pushed_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))


# --- the branch's archive of files (materials, voice, photos, documents) -------------------


class ArchiveFile(SQLModel, table=True):
    """A Telegram file the bot keeps a copy of under the archive dir (`rel_path`).

    Queued in the transaction that records what the file belongs to; a background downloader
    fetches it. Files over the Bot API's 20 MB download limit are kept by `file_id` alone
    (status "too_big").
    """

    __tablename__ = "archive_file"

    id: int | None = Field(default=None, primary_key=True)
    file_id: str
    file_unique_id: str = Field(index=True)
    size: int | None = None
    rel_path: str = Field(sa_column=Column(String(), nullable=False, unique=True))
    status: str = Field(default="pending", index=True)  # pending | done | too_big | failed
    attempts: int = Field(default=0, sa_column=Column(Integer(), nullable=False))
    kind: str = ""
    ref: str = ""
    error: str | None = None
    created_at: datetime = Field(sa_column=utc_column())
    done_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))


# --- study materials for the theme party day (学习材料) -------------------------------------


class Material(SQLModel, table=True):
    """A study material an admin added: a file (by Telegram file_id), a photo, a text or a link.

    `state` is "queued" while it waits for the next theme day (in `position` order), and
    "library" once pushed or taken off the queue; library items can be queued again. Rows from
    before the branch was asked up front may still be "choosing" (no branch yet): replying
    /material to their message again places them. (source_chat_id, source_message_id) is the message the
    material came from, so the same message is never added twice.
    """

    __tablename__ = "material"
    __table_args__ = (
        Index("ux_material_source", "source_chat_id", "source_message_id", unique=True),
        Index("ix_material_branch_state", "branch_id", "state", "position"),
    )

    id: int | None = Field(default=None, primary_key=True)
    branch_id: int | None = Field(default=None, foreign_key="branch.id")
    kind: str  # document | photo | text | link
    title: str
    file_id: str | None = None
    file_unique_id: str | None = None
    file_name: str | None = None
    size: int | None = None
    # Texts and links as Telegram HTML (formatting and hyperlinks kept).
    text_html: str | None = Field(default=None, sa_column=Column(Text(), nullable=True))
    source_chat_id: int = Field(sa_column=big_id())
    source_message_id: int = Field(sa_column=big_id())
    added_by: int = Field(sa_column=big_id())
    state: str = "queued"
    position: int = Field(default=0, sa_column=Column(Integer(), nullable=False))
    archive_id: int | None = Field(default=None, foreign_key="archive_file.id")
    created_at: datetime = Field(sa_column=utc_column())
    last_pushed_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))


class ThemeSessionMaterial(SQLModel, table=True):
    """Which materials went out with which theme-day session, in the order they were pushed."""

    __tablename__ = "theme_session_material"

    session_id: int = Field(foreign_key="theme_session.id", primary_key=True)
    material_id: int = Field(foreign_key="material.id", primary_key=True)
    position: int = Field(sa_column=Column(Integer(), nullable=False))


# --- reflections (心得体会) and the study ledger ---------------------------------------------


class Reflection(SQLModel, table=True):
    """One submission by a member for a theme-day session: a text, a voice message, or one or
    more files (the pages of an album, and photos or documents added to it later).

    (chat_id, message_id) is the Telegram message it started with, unique, so an update
    processed twice records it once; its files are `ReflectionFile` rows. `ack_pending` marks
    a submission whose thanks have not yet gone out (group thanks are combined, and an album's
    wait until its pages have arrived); `acked_files` is how many of its files the thanks
    already named, so an addition is thanked as one. A member's several submissions for one
    session count once as taking part.
    """

    __tablename__ = "reflection"
    __table_args__ = (
        Index("ux_reflection_message", "chat_id", "message_id", unique=True),
        Index("ix_reflection_session_member", "session_id", "member_id"),
        Index("ix_reflection_ack_pending", "ack_pending"),
    )

    id: int | None = Field(default=None, primary_key=True)
    session_id: int = Field(foreign_key="theme_session.id")
    member_id: int = Field(foreign_key="member.id")
    kind: str  # text | voice | audio | video | video_note | photo | document
    # The text, or the files' captions (in page order).
    text: str | None = Field(default=None, sa_column=Column(Text(), nullable=True))
    duration: int | None = None  # seconds of voice, audio and video (all its files)
    chat_id: int = Field(sa_column=big_id())
    message_id: int = Field(sa_column=big_id())
    via: str = "reply"  # reply | private | command
    submitted_at: datetime = Field(sa_column=utc_column())
    late: bool = False
    edited_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    ack_pending: bool = False
    # When a file was last added (an album's pages arrive one by one): thanks wait for quiet.
    updated_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    acked_files: int = Field(
        default=0, sa_column=Column(Integer(), nullable=False, server_default="0")
    )


class ReflectionFile(SQLModel, table=True):
    """One file of a reflection: a voice message, a photographed page, a document.

    (chat_id, message_id) is the message it came in (unique: a page seen twice is kept once);
    the pages of an album share `media_group_id`. `position` is its number among the
    reflection's files (set when it is archived, in the order the member sent them).
    """

    __tablename__ = "reflection_file"
    __table_args__ = (
        Index("ux_reflection_file_message", "chat_id", "message_id", unique=True),
        Index("ix_reflection_file_album", "chat_id", "media_group_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    reflection_id: int = Field(foreign_key="reflection.id", index=True)
    chat_id: int = Field(sa_column=big_id())
    message_id: int = Field(sa_column=big_id())
    media_group_id: str | None = None
    kind: str
    file_id: str
    file_unique_id: str
    size: int | None = None
    duration: int | None = None
    ext: str = ""
    caption: str | None = Field(default=None, sa_column=Column(Text(), nullable=True))
    position: int | None = None
    archive_id: int | None = Field(default=None, foreign_key="archive_file.id")
    added_at: datetime = Field(sa_column=utc_column())


class ReflectionOffer(SQLModel, table=True):
    """Something a member sent privately without pressing "📝 提交心得" (a text, a voice, an
    album's pages), kept while the bot asks whether it is their reflection.

    `parts` is a JSON list of the messages (an album's pages join the first one's offer);
    `status` is open, taken or declined, or "noted" for an album sent when no theme day was
    open (answered once, not offered). Pruned some days after it was sent.
    """

    __tablename__ = "reflection_offer"
    __table_args__ = (
        Index("ux_reflection_offer_message", "chat_id", "message_id", unique=True),
        Index("ix_reflection_offer_album", "chat_id", "media_group_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(sa_column=big_id())
    chat_id: int = Field(sa_column=big_id())
    message_id: int = Field(sa_column=big_id())
    media_group_id: str | None = None
    parts: str = Field(sa_column=Column(Text(), nullable=False))
    status: str = "open"  # open | taken | declined | noted (asked nothing: no theme day open)
    reflection_id: int | None = Field(default=None, foreign_key="reflection.id")
    created_at: datetime = Field(sa_column=utc_column(index=True))
    answered_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))


class ReflectionWait(SQLModel, table=True):
    """A member's private chat is waiting for their reflection (after the deep link or /reflect).

    With `session_id` set, their next private message is their reflection for that session;
    with `text` set and no session, a /reflect text waits for them to choose the session.
    """

    __tablename__ = "reflection_wait"

    user_id: int = Field(sa_column=Column(BigInteger(), primary_key=True, autoincrement=False))
    session_id: int | None = Field(default=None, foreign_key="theme_session.id")
    text: str | None = Field(default=None, sa_column=Column(Text(), nullable=True))
    source_chat_id: int | None = Field(default=None, sa_column=big_id(nullable=True))
    source_message_id: int | None = Field(default=None, sa_column=big_id(nullable=True))
    expires_at: datetime = Field(sa_column=utc_column())


# --- knowledge quizzes (知识测试) -------------------------------------------------------------


class Quiz(SQLModel, table=True):
    """A question bank imported by an admin, and its one run (draft → open → closed).

    `branch_id` is empty only in rows from before the branch was asked up front (an admin of
    several branches had yet to say which branch a privately sent bank was for); `/quiz start`
    by its importer places it. `mode` is "group" (one Telegram quiz poll per question) or
    "private" (one question at a time in the private chat), chosen when the quiz starts.
    """

    __tablename__ = "quiz"

    id: int | None = Field(default=None, primary_key=True)
    branch_id: int | None = Field(default=None, foreign_key="branch.id", index=True)
    title: str
    status: str = "draft"  # draft | open | closed
    mode: str | None = None  # group | private
    question_count: int = Field(default=0, sa_column=Column(Integer(), nullable=False))
    # False when some question is too long for a Telegram poll (then only private mode runs).
    poll_ok: bool = True
    show_scores: bool = False  # name every participant's score in the closing summary
    allow_retry: bool = False  # private mode: members may answer again (the best attempt counts)
    created_by: int | None = Field(default=None, sa_column=big_id(nullable=True))
    created_at: datetime = Field(sa_column=utc_column())
    opens_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    closes_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    closed_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))


class QuizQuestion(SQLModel, table=True):
    """One question of a quiz; `options` is a JSON list, `answer` the correct indexes ("0,2")."""

    __tablename__ = "quiz_question"
    __table_args__ = (Index("ux_quiz_question_position", "quiz_id", "position", unique=True),)

    id: int | None = Field(default=None, primary_key=True)
    quiz_id: int = Field(foreign_key="quiz.id")
    position: int  # 1-based, the order of the bank
    text: str = Field(sa_column=Column(Text(), nullable=False))
    options: str = Field(sa_column=Column(Text(), nullable=False))
    answer: str
    explanation: str = Field(default="", sa_column=Column(Text(), nullable=False))
    points: int = 1


class QuizAttempt(SQLModel, table=True):
    """A member's answer sheet for a quiz; `number` counts attempts when retries are allowed.

    In private mode `position` is the next question to show (0-based) and `pending` the options
    ticked so far on a multiple-answer question; group mode uses neither.
    """

    __tablename__ = "quiz_attempt"
    __table_args__ = (
        Index("ux_quiz_attempt_member", "quiz_id", "member_id", "number", unique=True),
    )

    id: int | None = Field(default=None, primary_key=True)
    quiz_id: int = Field(foreign_key="quiz.id")
    member_id: int = Field(foreign_key="member.id")
    user_id: int = Field(sa_column=big_id())
    number: int = 1
    position: int = 0
    pending: str = ""
    started_at: datetime = Field(sa_column=utc_column())
    finished_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))


class QuizAnswer(SQLModel, table=True):
    """The options a member chose for one question ("0,2"); the first answer is the one kept."""

    __tablename__ = "quiz_answer"
    __table_args__ = (Index("ux_quiz_answer_question", "attempt_id", "question_id", unique=True),)

    id: int | None = Field(default=None, primary_key=True)
    attempt_id: int = Field(foreign_key="quiz_attempt.id")
    question_id: int = Field(foreign_key="quiz_question.id", index=True)
    chosen: str
    answered_at: datetime = Field(sa_column=utc_column())


# --- activities with sign-up (活动报名) and the record of visits (走访慰问台账) ----------------


class Activity(SQLModel, table=True):
    """A gathering the branch organises with a sign-up: an outing, a forum, the health check.

    Its card in the group is the outbox row keyed "activity.card:<id>"; the card is edited in
    place as answers come in (`card_dirty`, at most once per quiet period: bot/core/activities.py)
    and as the activity moves from sign-up to check-in to over (`card_phase`). `next_due_at` is
    the next moment timed work is due for it (a reminder, the deadline, the check-in window, a
    deferred card edit), so the schedule looks only at activities that have something due.
    """

    __tablename__ = "activity"
    # Ids never come back: buttons and send-once keys name the activity by id.
    __table_args__ = (
        Index("ix_activity_branch_starts", "branch_id", "starts_at"),
        {"sqlite_autoincrement": True},
    )

    id: int | None = Field(default=None, primary_key=True)
    branch_id: int = Field(foreign_key="branch.id")
    title: str
    starts_at: datetime = Field(sa_column=utc_column())
    place: str
    # What to bring and anything else members should know ("" when nothing).
    notes: str = Field(default="", sa_column=Column(Text(), nullable=False, server_default=""))
    deadline: datetime = Field(sa_column=utc_column())
    # How many people may come, family members included; None: no limit.
    capacity: int | None = None
    plus_one: bool = False  # a member may bring one family member
    public_list: bool = False  # the card names who comes (公开名单), not only how many
    meet_place: str | None = None
    meet_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    status: str = "open"  # open | cancelled
    cancel_reason: str | None = Field(default=None, sa_column=Column(Text(), nullable=True))
    created_by: int = Field(sa_column=big_id())
    created_at: datetime = Field(sa_column=utc_column())
    changed_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    next_due_at: datetime | None = Field(
        default=None, sa_column=utc_column(nullable=True, index=True)
    )
    card_dirty: bool = False
    card_phase: str = ""
    card_edited_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))


class ActivitySignup(SQLModel, table=True):
    """A member's answer to an activity, and whether they came.

    One row per member and activity: the latest answer stands. `status` is "going" (a seat is
    theirs), "waiting" (候补, in `queue_no` order), "declined", or "none" (never answered, but
    checked in on the day). `queue_no` orders the asks to come, in tap order, for the seats and
    the waiting list.
    """

    __tablename__ = "activity_signup"
    __table_args__ = (
        Index("ux_activity_signup_member", "activity_id", "member_id", unique=True),
        Index("ix_activity_signup_queue", "activity_id", "status", "queue_no"),
    )

    id: int | None = Field(default=None, primary_key=True)
    activity_id: int = Field(foreign_key="activity.id")
    member_id: int = Field(foreign_key="member.id")
    status: str
    family: bool = False  # brings a family member (takes two seats)
    queue_no: int = Field(default=0, sa_column=Column(Integer(), nullable=False))
    answered_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    checked_in_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    checked_in_by: int | None = Field(default=None, sa_column=big_id(nullable=True))


class Visit(SQLModel, table=True):
    """One visit to a member by the bureau or the branch (走访慰问): who, why, when, who went,
    what was brought. The ledger staff keep; `kind` is one of storage.visits.KINDS."""

    __tablename__ = "visit"
    __table_args__ = (Index("ix_visit_branch_day", "branch_id", "visited_on"),)

    id: int | None = Field(default=None, primary_key=True)
    branch_id: int = Field(foreign_key="branch.id")
    member_id: int = Field(foreign_key="member.id", index=True)
    kind: str
    visited_on: date
    visitors: str = ""
    gifts: str = ""  # 慰问品 / 慰问金 / what exactly
    amount: int | None = None  # 慰问金, in yuan
    notes: str = Field(default="", sa_column=Column(Text(), nullable=False, server_default=""))
    recorded_by: int = Field(sa_column=big_id())
    recorded_at: datetime = Field(sa_column=utc_column())
