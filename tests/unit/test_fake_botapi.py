"""Tests of the fake Telegram Bot API server (bot/demo/fake/botapi.py) itself.

The end-to-end tests trust the fake to say no wherever Telegram says no, and to answer with
objects python-telegram-bot reads without complaint. These tests hold it to that by driving it
over HTTP with a real ``telegram.Bot`` (no rate limiter, so flood errors reach the test), and by
checking every answer it gave against the Bot API reference after each test.
"""

from __future__ import annotations

import asyncio
import datetime as dtm
import html
import io
import struct
import time
import zlib
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeChat,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputMediaDocument,
    InputMediaPhoto,
    MenuButtonCommands,
    ReplyParameters,
    Update,
)
from telegram.constants import ChatMemberStatus
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Conflict,
    EndPointNotFound,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TimedOut,
)
from telegram.ext import (
    AIORateLimiter,
    Application,
    CommandHandler,
    ContextTypes,
    Defaults,
    ExtBot,
)

from bot.demo.fake.botapi import BOT_ID, TOKEN, FakeBotApi
from bot.demo.fake.html import EntityParseError, parse_html
from bot.demo.fake.spec import load_spec

# Any PTB warning while reading the fake's answers (a deprecated field, an unknown shape) is a
# bug in the fake: make it fail the test.
pytestmark = pytest.mark.filterwarnings("error::telegram.warnings.PTBUserWarning")

GROUP = -1001234567890
SECRETARY = 1001  # 支部书记, group creator
MEMBER = 1002  # a retiree, plain member
STRANGER = 1003  # known to Telegram, never opened a chat with the bot


def _png(width: int = 2, height: int = 1) -> bytes:
    """A tiny valid PNG, so sendPhoto has a real image to chew on."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    rows = b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


@pytest.fixture(autouse=True)
def _timedelta_durations(monkeypatch: pytest.MonkeyPatch) -> None:
    """Opt in to PTB's timedelta durations, else building RetryAfter warns (and fails here)."""
    monkeypatch.setenv("PTB_TIMEDELTA", "true")


@pytest.fixture
async def fake() -> AsyncIterator[FakeBotApi]:
    """The fake with a branch group; after the test, every answer it gave must match the spec."""
    api = FakeBotApi()
    api.add_user(SECRETARY, "王", "书记", username="wang_sj")
    api.add_user(MEMBER, "张", "伟")
    api.add_user(STRANGER, "路人")
    api.add_group(GROUP, "老干之家", creator_id=SECRETARY, members=[MEMBER])
    await api.start()
    yield api
    await api.stop()
    assert api.errors == []
    spec = load_spec()
    for call in api.calls:
        if call.status == 200:
            assert spec.check_result(call.method, call.result) == [], call.summary()


@pytest.fixture
async def bot(fake: FakeBotApi) -> AsyncIterator[Bot]:
    async with Bot(TOKEN, base_url=fake.base_url, base_file_url=fake.base_file_url) as client:
        yield client


# ---------------------------------------------------------------------- the basics


async def test_get_me_returns_the_bot_user(fake: FakeBotApi, bot: Bot) -> None:
    me = await bot.get_me()
    assert me.id == BOT_ID
    assert me.is_bot
    assert me.username == "yinling_test_bot"
    assert me.can_join_groups
    assert me.can_read_all_group_messages is False  # privacy mode is on by default
    assert me.supports_inline_queries is False
    assert fake.spec.check("User", fake.bot_user) == []


async def test_long_poll_returns_an_update_as_soon_as_it_arrives(
    fake: FakeBotApi, bot: Bot
) -> None:
    poll = asyncio.create_task(bot.get_updates(timeout=5))
    await asyncio.sleep(0.1)
    assert not poll.done()
    started = time.monotonic()
    sent = fake.message(GROUP, MEMBER, "/start")
    updates = await poll
    assert time.monotonic() - started < 1.0
    message = updates[0].message
    assert message is not None and message.text == "/start"
    assert message.message_id == sent["message_id"]
    assert message.entities[0].type == "bot_command"

    # Not confirmed yet: the same update comes again, until an offset passes it.
    again = await bot.get_updates(timeout=0)
    assert [u.update_id for u in again] == [updates[0].update_id]
    assert fake.unconfirmed() == 1
    assert await bot.get_updates(offset=updates[-1].update_id + 1, timeout=0) == ()
    assert fake.unconfirmed() == 0


async def test_long_poll_times_out_empty(bot: Bot) -> None:
    started = time.monotonic()
    assert await bot.get_updates(timeout=1) == ()
    assert 0.9 < time.monotonic() - started < 3


async def test_a_second_poller_ends_the_first_with_conflict(fake: FakeBotApi, bot: Bot) -> None:
    first = asyncio.create_task(bot.get_updates(timeout=5))
    await asyncio.sleep(0.1)
    # A second bot instance (one Bot keeps a single getUpdates connection).
    async with Bot(TOKEN, base_url=fake.base_url) as other:
        assert await other.get_updates(timeout=0) == ()
    with pytest.raises(Conflict):
        await first


async def test_allowed_updates_filters_and_is_remembered(fake: FakeBotApi, bot: Bot) -> None:
    fake.chat_member(GROUP, STRANGER, "left", "member")  # opt-in type: not sent by default
    fake.message(GROUP, MEMBER, "hello")
    updates = await bot.get_updates(timeout=0)
    assert [u.message.text for u in updates if u.message] == ["hello"]
    assert all(u.chat_member is None for u in updates)
    assert fake.filtered_updates and "chat_member" in fake.filtered_updates[0]

    fake.chat_member(GROUP, STRANGER, "member", "left")
    fake.message(GROUP, MEMBER, "ignored")
    offset = updates[-1].update_id + 1
    updates = await bot.get_updates(offset=offset, timeout=0, allowed_updates=["chat_member"])
    assert [u.chat_member.new_chat_member.status for u in updates if u.chat_member] == ["left"]
    assert all(u.message is None for u in updates)
    # Not given again: the last list still applies.
    fake.chat_member(GROUP, STRANGER, "left", "member")
    updates = await bot.get_updates(offset=updates[-1].update_id + 1, timeout=0)
    assert [u.chat_member.new_chat_member.status for u in updates if u.chat_member] == ["member"]
    assert fake.allowed_updates == ["chat_member"]


async def test_privacy_mode_hides_plain_group_messages_from_a_non_admin_bot() -> None:
    fake = FakeBotApi()
    fake.add_user(SECRETARY, "王")
    fake.add_group(GROUP, "老干之家", creator_id=SECRETARY, bot_status="member")
    fake.message(GROUP, SECRETARY, "大家好")
    fake.message(GROUP, SECRETARY, "/help@other_bot")
    fake.message(GROUP, SECRETARY, "/help@yinling_test_bot")
    fake.message(GROUP, SECRETARY, "/quiz")
    assert fake.unconfirmed() == 2
    assert len(fake.undelivered) == 2


async def test_raw_update_is_delivered_as_given(fake: FakeBotApi, bot: Bot) -> None:
    update_id = fake.raw_update(
        {"message": {"message_id": 1, "date": 0, "chat": {"id": 5, "type": "private"}}}
    )
    updates = await bot.get_updates(timeout=0)
    assert [u.update_id for u in updates] == [update_id]


async def test_injected_messages_of_every_kind_deserialize(fake: FakeBotApi, bot: Bot) -> None:
    fake.message(
        GROUP, MEMBER, photo=fake.file(_png(800, 600), kind="photo"), caption="/ledger 手写"
    )
    fake.message(GROUP, MEMBER, audio=fake.file(b"ID3", kind="audio", duration=60))
    fake.message(GROUP, MEMBER, video_note=fake.file(b"mp4", kind="video_note", duration=9))
    fake.message(GROUP, MEMBER, document=fake.file(b"PK", file_name="心得.docx"))
    fake.message(
        GROUP,
        None,
        "匿名管理员",
        sender_chat={"id": GROUP, "type": "supergroup", "title": "老干之家"},
    )
    fake.message(GROUP, STRANGER, new_chat_members=[STRANGER])
    fake.message(GROUP, MEMBER, "相册1", media_group_id="album-1")
    fake.block(MEMBER)
    updates = await bot.get_updates(timeout=0)
    messages = [u.message for u in updates if u.message]
    assert len(messages) == 7
    photo_message = messages[0]
    assert photo_message.photo[-1].width == 800
    assert photo_message.caption_entities[0].type == "bot_command"
    assert messages[1].audio is not None and messages[2].video_note is not None
    assert messages[3].document is not None and messages[3].document.file_name == "心得.docx"
    assert messages[4].sender_chat is not None and messages[4].sender_chat.id == GROUP
    assert (
        messages[4].from_user is not None and messages[4].from_user.username == "GroupAnonymousBot"
    )
    assert [u.id for u in messages[5].new_chat_members] == [STRANGER]
    assert messages[6].media_group_id == "album-1"
    blocked = updates[-1].my_chat_member
    assert blocked is not None and blocked.new_chat_member.status == ChatMemberStatus.BANNED
    assert (await bot.get_chat_member(GROUP, STRANGER)).status == ChatMemberStatus.MEMBER


async def test_stickers_locations_and_videos_deserialize(fake: FakeBotApi, bot: Bot) -> None:
    fake.message(MEMBER, MEMBER, sticker="👍")
    fake.message(MEMBER, MEMBER, location=(39.9, 116.4))
    fake.message(MEMBER, MEMBER, video=fake.file(b"mp4 video", kind="video", duration=30))
    sticker, location, video = [u.message for u in await bot.get_updates(timeout=0) if u.message]
    assert sticker.sticker is not None and sticker.sticker.emoji == "👍"
    assert sticker.text is None and sticker.caption is None
    assert location.location is not None and location.location.longitude == 116.4
    assert video.video is not None and video.video.file_size == len(b"mp4 video")


async def test_an_album_is_several_messages_with_one_media_group_in_any_order(
    fake: FakeBotApi, bot: Bot
) -> None:
    sent = await bot.send_message(GROUP, "请回复这条消息")
    pages = [("photo", fake.file(_png(10 + n, 10), kind="photo")) for n in range(3)]
    album = fake.album(
        GROUP, MEMBER, pages, caption="三页手写心得", reply_to=sent.message_id, order=[2, 0, 1]
    )
    ids = [m["message_id"] for m in album]
    assert ids == [ids[0], ids[0] + 1, ids[0] + 2]  # consecutive, in page order
    batch = await bot.get_updates(timeout=0)
    offset = batch[-1].update_id + 1
    updates = [u.message for u in batch if u.message]
    assert [m.message_id for m in updates] == [ids[2], ids[0], ids[1]]  # delivered as told
    assert len({m.media_group_id for m in updates}) == 1 and updates[0].media_group_id
    assert [m.caption for m in sorted(updates, key=lambda m: m.message_id)] == [
        "三页手写心得",
        None,
        None,
    ]
    # Replying with an album: every page carries the reply.
    assert all(
        m.reply_to_message and m.reply_to_message.message_id == sent.message_id for m in updates
    )

    docs = [("document", fake.file(b"PK", file_name=f"{n}.docx")) for n in range(2)]
    assert len(fake.album(MEMBER, MEMBER, docs, hold=True)) == 2
    with pytest.raises(ValueError, match="does not group"):
        fake.album(MEMBER, MEMBER, [pages[0], docs[0]])
    with pytest.raises(ValueError, match="2 to 10"):
        fake.album(MEMBER, MEMBER, pages[:1])
    with pytest.raises(ValueError, match="every item once"):
        fake.album(MEMBER, MEMBER, pages, order=[0, 0, 1])

    # Held back, then delivered one by one (as if across a restart of the bot).
    held = fake.album(MEMBER, MEMBER, pages, hold=True)
    assert await bot.get_updates(offset=offset, timeout=0) == ()
    fake.deliver(held[1])
    [late] = [u.message for u in await bot.get_updates(offset=offset, timeout=0) if u.message]
    assert late.message_id == held[1]["message_id"] and late.media_group_id
    with pytest.raises(KeyError, match="not held"):
        fake.deliver(held[1])


# ---------------------------------------------------------------------- sending text


async def test_group_message_is_recorded_in_sent(fake: FakeBotApi, bot: Bot) -> None:
    msg = await bot.send_message(GROUP, "主题党日：今天学习材料已发布")
    assert msg.chat.id == GROUP
    assert msg.from_user is not None and msg.from_user.id == BOT_ID
    sent = fake.sent(GROUP)
    assert [m["text"] for m in sent] == ["主题党日：今天学习材料已发布"]
    assert sent[0]["_method"] == "sendMessage"
    assert sent[0]["message_id"] == msg.message_id
    assert fake.sent(GROUP, method="sendPhoto") == []
    assert fake.message_by_id(GROUP, msg.message_id) is not None


async def test_unescaped_html_is_refused_and_escaped_html_accepted(
    fake: FakeBotApi, bot: Bot
) -> None:
    name = "张<伟>"
    with pytest.raises(BadRequest, match="parse entities"):
        await bot.send_message(GROUP, f"<b>{name}</b> 提交了心得", parse_mode="HTML")
    msg = await bot.send_message(GROUP, f"<b>{html.escape(name)}</b> 提交了心得", parse_mode="HTML")
    assert msg.text == "张<伟> 提交了心得"
    assert msg.entities[0].type == "bold" and msg.entities[0].length == 4
    assert fake.sent(GROUP)[0]["_html"] == "<b>张&lt;伟&gt;</b> 提交了心得"
    assert msg.text_html == "<b>张&lt;伟&gt;</b> 提交了心得"


async def test_text_rules(fake: FakeBotApi, bot: Bot) -> None:
    with pytest.raises(BadRequest, match=r"[Tt]ext is empty"):
        await bot.send_message(GROUP, "   ")
    with pytest.raises(BadRequest, match="too long"):
        await bot.send_message(GROUP, "长" * 4097)
    # 4096 characters after entity parsing is fine, even if the HTML is longer.
    await bot.send_message(GROUP, "<b>" + "长" * 4096 + "</b>", parse_mode="HTML")
    with pytest.raises(BadRequest, match="caption is too long"):
        await bot.send_document(GROUP, b"x", filename="a.txt", caption="长" * 1025)
    stripped = await bot.send_message(GROUP, "\n  你好  \n")
    assert stripped.text == "你好"


async def test_private_chats_need_a_started_unblocked_user(fake: FakeBotApi, bot: Bot) -> None:
    with pytest.raises(Forbidden, match="can't initiate conversation"):
        await bot.send_message(STRANGER, "您好")
    fake.start_private(STRANGER)
    await bot.send_message(STRANGER, "您好")
    fake.block(STRANGER)
    with pytest.raises(Forbidden, match="blocked by the user"):
        await bot.send_message(STRANGER, "您好")
    with pytest.raises(BadRequest, match=r"[Cc]hat not found"):
        await bot.send_message(424242, "nobody")


async def test_a_bot_outside_the_group_cannot_send(fake: FakeBotApi, bot: Bot) -> None:
    assert await bot.leave_chat(GROUP)
    with pytest.raises(Forbidden, match="not a member"):
        await bot.send_message(GROUP, "还在吗")


async def test_replies_must_point_at_an_existing_message(fake: FakeBotApi, bot: Bot) -> None:
    post = fake.message(GROUP, MEMBER, "我的心得体会")
    reply = await bot.send_message(GROUP, "收到", reply_to_message_id=post["message_id"])
    assert reply.reply_to_message is not None
    assert reply.reply_to_message.text == "我的心得体会"
    with pytest.raises(BadRequest, match="replied not found"):
        await bot.send_message(GROUP, "收到", reply_parameters=ReplyParameters(9999))
    loose = await bot.send_message(
        GROUP, "收到", reply_parameters=ReplyParameters(9999, allow_sending_without_reply=True)
    )
    assert loose.reply_to_message is None
    # A user's reply to the bot carries the bot's whole message.
    answer = fake.message(GROUP, MEMBER, "好的", reply_to=reply.message_id)
    assert answer["reply_to_message"]["from"]["id"] == BOT_ID
    assert "reply_to_message" not in answer["reply_to_message"]  # one level deep only


async def test_inline_buttons_are_checked(fake: FakeBotApi, bot: Bot) -> None:
    too_long = InlineKeyboardMarkup([[InlineKeyboardButton("A", callback_data="x" * 65)]])
    with pytest.raises(BadRequest, match=r"(?i)button_data_invalid"):
        await bot.send_message(GROUP, "题目", reply_markup=too_long)
    bad_url = InlineKeyboardMarkup([[InlineKeyboardButton("A", url="javascript:alert(1)")]])
    with pytest.raises(BadRequest, match=r"(?i)button url"):
        await bot.send_message(GROUP, "题目", reply_markup=bad_url)
    ok = InlineKeyboardMarkup([[InlineKeyboardButton("A", callback_data="q:1:a" * 12)]])
    msg = await bot.send_message(GROUP, "题目", reply_markup=ok)
    assert msg.reply_markup == ok


# ---------------------------------------------------------------------- flood limits


async def test_the_21st_group_message_in_a_minute_gets_retry_after(
    fake: FakeBotApi, bot: Bot
) -> None:
    for i in range(20):
        await bot.send_message(GROUP, f"第{i + 1}条")
    with pytest.raises(RetryAfter) as caught:
        await bot.send_message(GROUP, "第21条")
    retry_after = caught.value.retry_after
    assert isinstance(retry_after, dtm.timedelta)
    assert 50 <= retry_after.total_seconds() <= 60
    assert len(fake.sent(GROUP)) == 20
    # Getters do not count; a minute later there is room again.
    await bot.get_chat_member(GROUP, MEMBER)
    now = time.monotonic()
    fake.clock = lambda: now + 61
    await bot.send_message(GROUP, "第21条")


async def test_edits_in_a_group_count_against_its_limit(bot: Bot, fake: FakeBotApi) -> None:
    first = await bot.send_message(GROUP, "报名：0人")
    for i in range(19):
        await bot.edit_message_text(f"报名：{i + 1}人", GROUP, first.message_id)
    with pytest.raises(RetryAfter):
        await bot.edit_message_text("报名：20人", GROUP, first.message_id)
    assert fake.message_by_id(GROUP, first.message_id)["text"] == "报名：19人"  # type: ignore[index]
    # Not in a private chat: there the pace is per message sent.
    fake.start_private(MEMBER)
    note = await bot.send_message(MEMBER, "一")
    for i in range(3):
        await bot.edit_message_text(f"改{i}", MEMBER, note.message_id)


async def test_private_chats_allow_about_one_message_a_second(bot: Bot, fake: FakeBotApi) -> None:
    fake.start_private(MEMBER)
    await bot.send_message(MEMBER, "一")
    with pytest.raises(RetryAfter):
        await bot.send_message(MEMBER, "二")


async def test_a_media_group_counts_as_its_items() -> None:
    fake = FakeBotApi(group_per_minute=3)
    fake.add_user(SECRETARY, "王")
    fake.add_group(GROUP, "老干之家", creator_id=SECRETARY)
    async with fake, Bot(TOKEN, base_url=fake.base_url) as bot:
        docs = [
            InputMediaDocument(b"a", filename="a.txt"),
            InputMediaDocument(b"b", filename="b.txt"),
        ]
        await bot.send_media_group(GROUP, docs)
        with pytest.raises(RetryAfter):
            await bot.send_media_group(GROUP, docs)
        await bot.send_message(GROUP, "third fits")


# ---------------------------------------------------------------------- files


async def test_uploaded_file_can_be_resent_by_file_id(fake: FakeBotApi, bot: Bot) -> None:
    content = "学习材料".encode() * 100
    first = await bot.send_document(GROUP, content, filename="材料.pdf", caption="请学习")
    assert first.document is not None
    assert first.document.file_name == "材料.pdf"
    assert first.document.file_size == len(content)
    assert first.caption == "请学习"
    assert fake.upload(first.document.file_id) == content
    again = await bot.send_document(GROUP, first.document.file_id)
    assert again.document is not None
    assert again.document.file_unique_id == first.document.file_unique_id
    with pytest.raises(BadRequest, match=r"(?i)wrong file identifier"):
        await bot.send_document(GROUP, "BQACAgUAAxkBAAInvented")
    with pytest.raises(BadRequest, match=r"(?i)can't use file of type Document as Photo"):
        await bot.send_photo(GROUP, first.document.file_id)


async def test_photo_upload_needs_an_image(fake: FakeBotApi, bot: Bot) -> None:
    msg = await bot.send_photo(GROUP, _png(640, 480), caption="合影")
    assert msg.photo[-1].width == 640 and msg.photo[-1].height == 480
    assert len(msg.photo) == 2  # a thumbnail and the full size, largest last
    assert fake.upload(msg.photo[-1].file_id) == _png(640, 480)
    with pytest.raises(BadRequest, match=r"(?i)image_process_failed"):
        await bot.send_photo(GROUP, b"not an image")


async def test_get_file_and_download_round_trip(fake: FakeBotApi, bot: Bot) -> None:
    voice = fake.file(b"OggS fake opus", kind="voice", duration=7)
    fake.message(GROUP, MEMBER, voice=voice)
    updates = await bot.get_updates(timeout=0)
    message = updates[0].message
    assert message is not None and message.voice is not None
    tg_file = await message.voice.get_file()
    assert tg_file.file_path is not None and "/voice/file_" in tg_file.file_path
    buffer = io.BytesIO()
    await tg_file.download_to_memory(buffer)
    assert buffer.getvalue() == b"OggS fake opus"

    doc = fake.file(b"%PDF-1.4", file_name="讲话.pdf", mime_type="application/pdf")
    info = await bot.get_file(doc["file_id"])
    assert info.file_path is not None and info.file_path.endswith(".pdf")
    assert bytes(await info.download_as_bytearray()) == b"%PDF-1.4"


async def test_big_files_cannot_be_downloaded(fake: FakeBotApi, bot: Bot) -> None:
    big = fake.file(size=25 * 1024 * 1024, kind="document", file_name="录像.mp4")
    assert big["file_size"] == 25 * 1024 * 1024
    with pytest.raises(BadRequest, match=r"(?i)file is too big"):
        await bot.get_file(big["file_id"])
    with pytest.raises(BadRequest, match=r"(?i)invalid file_id"):
        await bot.get_file("nope")


async def test_download_of_unknown_path_is_404(fake: FakeBotApi) -> None:
    async with (
        aiohttp.ClientSession() as session,
        session.get(f"{fake.base_file_url}{TOKEN}/documents/none.pdf") as response,
    ):
        assert response.status == 404


async def test_media_group_of_documents(fake: FakeBotApi, bot: Bot) -> None:
    messages = await bot.send_media_group(
        GROUP,
        [
            InputMediaDocument(b"one", filename="1.txt", caption="第一份"),
            InputMediaDocument(b"two", filename="2.txt"),
        ],
    )
    assert [m.document.file_name for m in messages if m.document] == ["1.txt", "2.txt"]
    assert messages[0].media_group_id and messages[0].media_group_id == messages[1].media_group_id
    assert messages[0].caption == "第一份"
    assert [m["_method"] for m in fake.sent(GROUP)] == ["sendMediaGroup", "sendMediaGroup"]
    assert messages[1].document is not None
    assert fake.upload(messages[1].document.file_id) == b"two"

    with pytest.raises(BadRequest, match="mixed"):
        await bot.send_media_group(
            GROUP,
            [InputMediaDocument(b"one", filename="1.txt"), InputMediaPhoto(_png())],
        )
    with pytest.raises(BadRequest, match="2-10"):
        await bot.send_media_group(GROUP, [InputMediaDocument(b"one", filename="1.txt")])


# ---------------------------------------------------------------------- polls and buttons


async def test_quiz_poll_and_answers(fake: FakeBotApi, bot: Bot) -> None:
    msg = await bot.send_poll(
        GROUP,
        "中国共产党成立于哪一年？",
        ["1919", "1921", "1949"],
        type="quiz",
        correct_option_ids=[1],
        is_anonymous=False,
    )
    assert msg.poll is not None
    assert msg.poll.type == "quiz" and not msg.poll.is_anonymous
    assert msg.poll.correct_option_ids == (1,)

    answer = fake.poll_answer(MEMBER, msg.poll.id, [1])
    assert answer["option_ids"] == [1]
    updates = await bot.get_updates(timeout=0)
    answers = [u.poll_answer for u in updates if u.poll_answer]
    assert len(answers) == 1
    assert answers[0].poll_id == msg.poll.id
    assert answers[0].option_ids == (1,)
    assert answers[0].user is not None and answers[0].user.id == MEMBER
    assert fake.poll(msg.poll.id)["options"][1]["voter_count"] == 1
    with pytest.raises(ValueError, match="changing"):
        fake.poll_answer(MEMBER, msg.poll.id, [0])  # quizzes take one answer

    stopped = await bot.stop_poll(GROUP, msg.message_id)
    assert stopped.is_closed and stopped.total_voter_count == 1
    with pytest.raises(BadRequest, match="already been closed"):
        await bot.stop_poll(GROUP, msg.message_id)


async def test_poll_option_count_follows_the_spec(bot: Bot) -> None:
    with pytest.raises(BadRequest, match="options"):
        await bot.send_poll(GROUP, "选哪个？", [str(i) for i in range(13)])


async def test_button_press_must_be_answered(fake: FakeBotApi, bot: Bot) -> None:
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("参加", callback_data="join")]])
    msg = await bot.send_message(GROUP, "本月主题党日", reply_markup=keyboard)
    with pytest.raises(ValueError, match="no button"):
        fake.press(MEMBER, GROUP, msg.message_id, "leave")
    query_id = fake.press(MEMBER, GROUP, msg.message_id, "join")
    updates = await bot.get_updates(timeout=0)
    query = updates[-1].callback_query
    assert query is not None and query.data == "join" and query.id == query_id
    assert query.message is not None and query.message.message_id == msg.message_id
    assert fake.unanswered_callbacks() == [query_id]
    assert await query.answer("已登记")
    assert fake.unanswered_callbacks() == []
    with pytest.raises(BadRequest, match=r"(?i)query is too old"):
        await bot.answer_callback_query(query_id)


async def test_edits_follow_telegram_rules(fake: FakeBotApi, bot: Bot) -> None:
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("A", callback_data="a")]])
    msg = await bot.send_message(GROUP, "第1题", reply_markup=keyboard)
    with pytest.raises(BadRequest, match="not modified"):
        await bot.edit_message_text("第1题", GROUP, msg.message_id, reply_markup=keyboard)
    edited = await bot.edit_message_text("第1题（已结束）", GROUP, msg.message_id)
    assert not isinstance(edited, bool)
    assert edited.text == "第1题（已结束）" and edited.reply_markup is None  # keyboard dropped
    assert fake.sent(GROUP)[0]["text"] == "第1题"  # sent() keeps what was returned
    current = fake.message_by_id(GROUP, msg.message_id)
    assert current is not None and current["text"] == "第1题（已结束）"
    with pytest.raises(BadRequest, match="not modified"):
        await bot.edit_message_reply_markup(GROUP, msg.message_id)
    user_post = fake.message(GROUP, MEMBER, "我的心得")
    with pytest.raises(BadRequest, match="can't be edited"):
        await bot.edit_message_text("改", GROUP, user_post["message_id"])
    assert await bot.delete_message(GROUP, msg.message_id)
    with pytest.raises(BadRequest, match="to edit not found"):
        await bot.edit_message_text("改", GROUP, msg.message_id)
    with pytest.raises(BadRequest, match="to delete not found"):
        await bot.delete_message(GROUP, msg.message_id)

    edit = fake.edit(GROUP, user_post["message_id"], "我的心得（修改）")
    updates = await bot.get_updates(timeout=0)
    assert updates[-1].edited_message is not None
    assert updates[-1].edited_message.text == "我的心得（修改）"
    assert edit["edit_date"] >= user_post["date"]


# ---------------------------------------------------------------------- chats and members


async def test_chat_and_member_getters(fake: FakeBotApi, bot: Bot) -> None:
    chat = await bot.get_chat(GROUP)
    assert chat.title == "老干之家" and chat.type == "supergroup"
    creator = await bot.get_chat_member(GROUP, SECRETARY)
    assert creator.status == ChatMemberStatus.OWNER
    assert (await bot.get_chat_member(GROUP, MEMBER)).status == ChatMemberStatus.MEMBER
    assert (await bot.get_chat_member(GROUP, STRANGER)).status == ChatMemberStatus.LEFT
    me = await bot.get_chat_member(GROUP, BOT_ID)
    assert me.status == ChatMemberStatus.ADMINISTRATOR
    fake.set_member_status(GROUP, MEMBER, "restricted")
    assert (await bot.get_chat_member(GROUP, MEMBER)).status == ChatMemberStatus.RESTRICTED
    fake.set_member_status(GROUP, MEMBER, "kicked")
    assert (await bot.get_chat_member(GROUP, MEMBER)).status == ChatMemberStatus.BANNED
    admins = await bot.get_chat_administrators(GROUP)
    assert {a.user.id for a in admins} == {SECRETARY, BOT_ID}
    assert await bot.get_chat_member_count(GROUP) == 2  # the secretary and the bot


async def test_an_upgraded_basic_group_moves_and_its_old_id_answers_migrate_to(
    fake: FakeBotApi, bot: Bot
) -> None:
    basic, upgraded = -4012345678, -1009876543210
    fake.add_group(basic, "老干之家", creator_id=SECRETARY, members=[MEMBER], basic=True)
    assert (await bot.get_chat(basic)).type == "group"
    before = await bot.send_message(basic, "升级前")
    farewell, welcome = fake.upgrade_group(basic, upgraded, by=SECRETARY)

    updates = await bot.get_updates(timeout=0)
    old, new = (u.message for u in updates[-2:])
    assert old is not None and new is not None
    assert (old.chat.id, old.migrate_to_chat_id) == (basic, upgraded)
    assert old.from_user is not None and old.from_user.id == SECRETARY
    assert (new.chat.id, new.chat.type, new.migrate_from_chat_id) == (upgraded, "supergroup", basic)
    assert new.message_id == 1 == welcome["message_id"]  # the new chat counts afresh
    assert farewell["message_id"] == before.message_id + 1

    # Every call naming the old id now fails with where the group went; the new one works.
    for call in (
        bot.send_message(basic, "还在吗"),
        bot.get_chat_member(basic, MEMBER),
        bot.edit_message_text("改", chat_id=basic, message_id=before.message_id),
    ):
        with pytest.raises(ChatMigrated) as caught:
            await call
        assert caught.value.new_chat_id == upgraded
    assert (await bot.get_chat_member(upgraded, MEMBER)).status == ChatMemberStatus.MEMBER
    assert (await bot.send_message(upgraded, "升级后")).message_id == 2
    with pytest.raises(ValueError, match="upgraded"):
        fake.message(basic, MEMBER, "旧群里说话")
    with pytest.raises(ValueError, match="not a basic group"):
        fake.upgrade_group(GROUP, -1001111111111, by=SECRETARY)


async def test_commands_menu_webhook_and_actions(fake: FakeBotApi, bot: Bot) -> None:
    commands = [BotCommand("quiz", "开始知识测试"), BotCommand("ledger", "学习台账")]
    assert await bot.set_my_commands(commands, scope=BotCommandScopeChat(GROUP))
    assert await bot.get_my_commands() == ()
    assert await bot.get_my_commands(scope=BotCommandScopeChat(GROUP)) == tuple(commands)
    assert await bot.delete_my_commands(scope=BotCommandScopeChat(GROUP))
    with pytest.raises(BadRequest):
        await bot.set_my_commands([BotCommand("Quiz!", "bad name")])
    fake.start_private(MEMBER)
    assert await bot.set_chat_menu_button(chat_id=MEMBER, menu_button=MenuButtonCommands())
    assert await bot.delete_webhook(drop_pending_updates=True)
    info = await bot.get_webhook_info()
    assert info.url == "" and info.pending_update_count == 0
    assert await bot.send_chat_action(GROUP, "typing")
    with pytest.raises(BadRequest):
        await bot.send_chat_action(GROUP, "dancing")


# ---------------------------------------------------------------------- the API surface


async def test_unknown_method_is_refused(bot: Bot) -> None:
    with pytest.raises(EndPointNotFound):
        await bot.do_api_request("fooBar")


async def test_unimplemented_spec_method_is_501(bot: Bot) -> None:
    with pytest.raises(NetworkError, match="Not implemented in FakeBotApi: sendDice"):
        await bot.do_api_request("senddice", api_kwargs={"chat_id": GROUP})


async def test_unknown_and_missing_parameters_are_refused(fake: FakeBotApi, bot: Bot) -> None:
    # Lower-case method names work, as on Telegram (and avoid PTB's "use bot.x" warning).
    with pytest.raises(BadRequest, match=r"(?i)unknown parameter colour"):
        await bot.do_api_request(
            "sendmessage", api_kwargs={"chat_id": GROUP, "text": "hi", "colour": "red"}
        )
    with pytest.raises(BadRequest, match=r"[Tt]ext is empty"):
        await bot.do_api_request("sendmessage", api_kwargs={"chat_id": GROUP})
    with pytest.raises(BadRequest, match=r"(?i)chat_id is required"):
        await bot.do_api_request("getchat", api_kwargs={})
    ok = await bot.do_api_request("sendmessage", api_kwargs={"chat_id": GROUP, "text": "hi"})
    assert isinstance(ok, dict) and ok["text"] == "hi"


async def test_wrong_token_is_unauthorized(fake: FakeBotApi) -> None:
    wrong = "123456789:AAHwrongTokenForYinlingTests_abcdefghij"
    with pytest.raises(InvalidToken, match="rejected"):
        async with Bot(wrong, base_url=fake.base_url):
            pass
    with pytest.raises(InvalidToken):
        async with Bot("not-a-token", base_url=fake.base_url):
            pass


async def test_json_and_query_string_bodies(fake: FakeBotApi) -> None:
    async with aiohttp.ClientSession() as session:
        url = f"{fake.base_url}{TOKEN}/SENDMESSAGE"
        async with session.post(url, json={"chat_id": GROUP, "text": "json"}) as response:
            body: dict[str, Any] = await response.json()
        assert body["ok"] and body["result"]["text"] == "json"
        async with session.get(f"{fake.base_url}{TOKEN}/getMe") as response:
            assert (await response.json())["result"]["id"] == BOT_ID
        async with session.get(f"{fake.base_url}{TOKEN}/getChat?chat_id={GROUP}") as response:
            assert (await response.json())["result"]["title"] == "老干之家"


async def test_ext_bot_defaults_are_tolerated() -> None:
    """PTB's Defaults leak parse_mode & co into calls that do not take them; Telegram shrugs."""
    fake = FakeBotApi()
    fake.add_user(SECRETARY, "王")
    fake.add_group(GROUP, "老干之家", creator_id=SECRETARY)
    defaults = Defaults(parse_mode="HTML", disable_notification=True, protect_content=True)
    async with fake, ExtBot(TOKEN, base_url=fake.base_url, defaults=defaults) as bot:
        msg = await bot.send_message(GROUP, "<b>通知</b>")
        assert msg.entities[0].type == "bold" and msg.has_protected_content
        await bot.edit_message_text("<i>通知</i>", GROUP, msg.message_id)
        await bot.send_poll(GROUP, "同意吗？", ["同意", "不同意"])
    assert fake.errors == []


async def test_a_real_application_polls_and_replies(fake: FakeBotApi) -> None:
    """The way the bot under test uses the fake: Application, Defaults, rate limiter, polling."""

    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None and update.effective_user is not None
        name = html.escape(update.effective_user.full_name)
        await update.effective_message.reply_text(f"<b>欢迎</b> {name}")

    app = (
        Application.builder()
        .token(TOKEN)
        .base_url(fake.base_url)
        .base_file_url(fake.base_file_url)
        .defaults(Defaults(parse_mode="HTML", do_quote=True))
        .rate_limiter(AIORateLimiter())
        .build()
    )
    app.add_handler(CommandHandler("start", start))
    fake.add_user(2001, "张<伟>")
    async with app:
        await app.start()
        assert app.updater is not None
        await app.updater.start_polling(timeout=1, allowed_updates=Update.ALL_TYPES)
        fake.message(2001, 2001, "/start")
        fake.message(GROUP, MEMBER, "/start@yinling_test_bot")
        (private,) = await fake.wait_sent(2001, 1)
        (group,) = await fake.wait_sent(GROUP, 1)
        await app.updater.stop()
        await app.stop()
    assert private["text"] == "欢迎 张<伟>"
    assert group["reply_to_message"]["text"] == "/start@yinling_test_bot"
    assert fake.unconfirmed() == 0
    assert not [c for c in fake.calls if c.status not in (200, 499)], fake.describe_recent_calls()


# ---------------------------------------------------------------------- faults


async def test_fail_answers_the_given_error(fake: FakeBotApi, bot: Bot) -> None:
    fake.fail("sendMessage", status=502, times=2)
    for _ in range(2):
        with pytest.raises(NetworkError, match="Bad Gateway"):
            await bot.send_message(GROUP, "重试")
    fake.fail("sendmessage", status=429, retry_after=3)
    with pytest.raises(RetryAfter):
        await bot.send_message(GROUP, "重试")
    fake.fail("sendMessage", status=403, description="Forbidden: bot was kicked")
    with pytest.raises(Forbidden, match="kicked"):
        await bot.send_message(GROUP, "重试")
    await bot.send_message(GROUP, "终于")
    assert [m["text"] for m in fake.sent(GROUP)] == ["终于"]


async def test_hang_causes_a_client_timeout_but_the_call_still_lands(
    fake: FakeBotApi, bot: Bot
) -> None:
    fake.hang("sendMessage", 0.5)
    with pytest.raises(TimedOut):
        await bot.send_message(GROUP, "慢", read_timeout=0.1)
    assert fake.sent(GROUP) == []
    sent = await fake.wait_sent(GROUP, 1, timeout=2)
    assert sent[0]["text"] == "慢"


async def test_wait_until_reports_recent_calls(fake: FakeBotApi, bot: Bot) -> None:
    await bot.send_message(GROUP, "一条")
    with pytest.raises(AssertionError, match="sendMessage"):
        await fake.wait_until(lambda: False, timeout=0.05)


async def test_history_is_every_chat_in_order_as_it_is_now(fake: FakeBotApi, bot: Bot) -> None:
    """What the demo shows: users' and the bot's messages of all chats in order, with dates
    from the wall clock it is given, edits and votes applied."""
    fake.wall_clock = lambda: 1_800_000_000.0
    asked = fake.message(GROUP, MEMBER, "请问今天学什么？")
    fake.start_private(MEMBER)
    await bot.send_message(GROUP, "学党章")
    note = await bot.send_message(MEMBER, "您好")
    poll = await bot.send_poll(GROUP, "对吗？", ["对", "不对"], is_anonymous=False)
    fake.wall_clock = lambda: 1_800_000_060.0
    await bot.edit_message_text("您好！", chat_id=MEMBER, message_id=note.message_id)
    assert poll.poll is not None
    fake.poll_answer(MEMBER, poll.poll.id, [0])

    history = fake.history()
    assert [(m["chat"]["id"], m.get("text")) for m in history] == [
        (GROUP, "请问今天学什么？"),
        (GROUP, "学党章"),
        (MEMBER, "您好！"),
        (GROUP, None),
    ]
    assert [m["_seq"] for m in history] == [0, 1, 2, 3]
    assert history[0]["message_id"] == asked["message_id"]
    assert {m["date"] for m in history} == {1_800_000_000}
    assert history[2]["edit_date"] == 1_800_000_060
    assert history[3]["poll"]["total_voter_count"] == 1
    assert fake.history(2) == history[2:]
    assert fake.user(MEMBER)["first_name"] == "张"


async def test_the_bot_is_called_as_it_is_told() -> None:
    api = FakeBotApi(bot_name="银龄助手", bot_username="yinling_demo_bot")
    async with api, Bot(TOKEN, base_url=api.base_url, base_file_url=api.base_file_url) as client:
        me = await client.get_me()
    assert (me.first_name, me.username) == ("银龄助手", "yinling_demo_bot")


# ---------------------------------------------------------------------- the pieces


@pytest.mark.parametrize(
    ("source", "plain", "entities"),
    [
        ("<b>粗</b>体", "粗体", [("bold", 0, 1)]),
        (
            "<strong>a</strong><em>b</em><ins>c</ins><del>d</del>",
            "abcd",
            [("bold", 0, 1), ("italic", 1, 1), ("underline", 2, 1), ("strikethrough", 3, 1)],
        ),
        ("😀<i>x</i>", "😀x", [("italic", 2, 1)]),  # offsets are UTF-16
        ("a &lt;b&gt; &amp; &quot;c&quot; &#20013;&#x6587;", 'a <b> & "c" 中文', []),
        ("1 > 0", "1 > 0", []),  # a bare ">" is fine, as in Telegram
        (
            '<span class="tg-spoiler">s</span><tg-spoiler>t</tg-spoiler>',
            "st",
            [("spoiler", 0, 1), ("spoiler", 1, 1)],
        ),
        ('<pre><code class="language-python">x = 1</code></pre>', "x = 1", [("pre", 0, 5)]),
        ("<blockquote expandable>q</blockquote>", "q", [("expandable_blockquote", 0, 1)]),
        ('<a href="https://example.com/?a=1&b=2">链接</a>', "链接", [("text_link", 0, 2)]),
        ("<b>a<i>b</i></b>", "ab", [("bold", 0, 2), ("italic", 1, 1)]),
    ],
)
def test_html_parser_accepts(source: str, plain: str, entities: list[tuple[str, int, int]]) -> None:
    text, found = parse_html(source)
    assert text == plain
    assert [(e["type"], e["offset"], e["length"]) for e in found] == entities


@pytest.mark.parametrize(
    ("source", "error"),
    [
        ("张<伟>", 'Unsupported start tag "伟" at byte offset 3'),
        ("1 < 2", "Unsupported start tag"),
        ("<b>x", 'Can\'t find end tag corresponding to start tag "b"'),
        ("<b><i>x</b></i>", 'expected "</i>", found "</b>"'),
        ("x</b>", "Unexpected end tag"),
        ("Tom & Jerry", "does not start an HTML entity"),
        ("&nbsp;", "does not start an HTML entity"),
        ('<span class="red">x</span>', 'must have class "tg-spoiler"'),
        ("<b", "Unclosed start tag"),
        ("<script>alert(1)</script>", 'Unsupported start tag "script"'),
    ],
)
def test_html_parser_refuses(source: str, error: str) -> None:
    with pytest.raises(EntityParseError, match=error.replace("(", r"\(").replace(")", r"\)")):
        parse_html(source)


def test_spec_checker_catches_missing_unknown_and_wrong_fields() -> None:
    spec = load_spec()
    good = {"message_id": 1, "date": 0, "chat": {"id": 1, "type": "private"}}
    assert spec.check("Message", good) == []
    assert spec.check("Message", {"message_id": 1, "date": 0}) == [
        "Message.chat: required field of Message missing"
    ]
    assert spec.check("Message", {**good, "colour": 1}) == [
        "Message.colour: field not defined for Message"
    ]
    assert spec.check("Message", {**good, "_html": "<b>"}) == [
        "Message._html: field not defined for Message"
    ]
    assert spec.check("Message", {**good, "message_id": "1"}) == [
        "Message.message_id: expected Integer, got '1'"
    ]
    user = {"id": 1, "is_bot": False, "first_name": "张"}
    assert spec.check("ChatMember", {"status": "member", "user": user}) == []
    assert spec.check("ChatMember", {"status": "creator", "user": user}) == [
        "ChatMember.is_anonymous: required field of ChatMemberOwner missing"
    ]
    assert spec.check("ChatMember", {"status": "boss", "user": user}) == [
        "ChatMember.status: must be 'member' in ChatMemberMember"
    ]
