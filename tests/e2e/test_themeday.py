"""The theme party day as the secretary and the members meet it: materials are queued, the
monthly day comes, everything is posted to the group once, even across restarts."""

from __future__ import annotations

import struct
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from bot.texts import common as C
from bot.texts import common as T
from bot.texts import fmt
from bot.texts import push as TP
from bot.texts import scope as TS
from bot.texts import themeday as TT
from handlers.callbacks import MaterialAction
from storage import materials as material_store
from storage.db import Database
from storage.models import ArchiveFile, Branch, Material, OutboxMessage, ThemeSession
from tests.e2e.harness import COMMITTEE, GROUP_ID, RETIREES, SECRETARY, Harness
from tests.e2e.menu_helpers import push_confirmed

SHANGHAI = ZoneInfo("Asia/Shanghai")
WANG, LI, ZHANG, CHEN = RETIREES
THEME_DAY = datetime(2026, 12, 15, 9, 0, tzinfo=SHANGHAI)
POSTING = {"sendMessage", "sendDocument", "sendPhoto", "sendMediaGroup"}


def png(width: int = 2, height: int = 1) -> bytes:
    """A tiny valid PNG, so sendPhoto has a real image to chew on."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    rows = b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height))
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows))


async def ready(harness: Harness, **settings: Any) -> None:
    """The bot runs, the group is a branch, the secretary has a private chat with the bot."""
    await harness.start(**settings)
    await harness.setup_branch()
    harness.fake.message(SECRETARY, SECRETARY, "/start")
    await harness.settle()


async def say(harness: Harness, chat_id: int, user_id: int, text: str, **kw: Any) -> str:
    """Send a message and return the bot's last text in that chat afterwards."""
    harness.fake.message(chat_id, user_id, text, **kw)
    await harness.settle()
    return harness.texts(chat_id)[-1]


async def add_pdf(harness: Harness, name: str, title: str, chat_id: int = GROUP_ID) -> str:
    doc = harness.fake.file(f"%PDF-1.4 {title}".encode(), file_name=name)
    sender = SECRETARY
    msg = harness.fake.message(chat_id, sender, document=doc)
    return await say(harness, chat_id, sender, f"/material {title}", reply_to=msg["message_id"])


async def add_photo(harness: Harness, title: str) -> str:
    photo = harness.fake.file(png(), kind="photo")
    harness.fake.message(GROUP_ID, SECRETARY, photo=photo, caption=f"/material {title}")
    await harness.settle()
    return harness.texts(GROUP_ID)[-1]


async def add_text(harness: Harness, text: str, title: str = "") -> str:
    msg = harness.fake.message(GROUP_ID, SECRETARY, text)
    command = f"/material {title}".strip()
    return await say(harness, GROUP_ID, SECRETARY, command, reply_to=msg["message_id"])


@contextmanager
def _db(harness: Harness) -> Iterator[Session]:
    """A session on the bot's database, whether or not the bot is running."""
    db = Database(harness.settings().db_url)
    try:
        with Session(db.engine) as session:
            yield session
    finally:
        db.dispose()


def posts(harness: Harness, chat_id: int = GROUP_ID) -> list[dict[str, Any]]:
    """What went to the group (not counting the notes that a typed /push's preview went to
    the private chat)."""
    notes = {TP.GROUP_SENT_PRIVATELY, TP.GROUP_OPEN_PRIVATE}
    return [
        m
        for m in harness.fake.sent(chat_id)
        if m["_method"] in POSTING and m.get("text") not in notes
    ]


def posted_since(harness: Harness, count: int) -> list[dict[str, Any]]:
    return posts(harness)[count:]


def text_of(message: dict[str, Any]) -> str:
    return str(message.get("text") or message.get("caption") or "")


async def at(harness: Harness, when: datetime) -> None:
    harness.clock.set(when)
    await harness.tick()


def queue_ids(harness: Harness) -> list[int]:
    with harness.session() as s:
        branch = s.exec(select(Branch).where(Branch.chat_id == GROUP_ID)).one()
        assert branch.id is not None
        return [m.id for m in material_store.queued(s, branch.id) if m.id is not None]


# --- the "done when" -----------------------------------------------------------------


async def test_queued_materials_are_pushed_at_the_time_once_even_after_a_restart(
    harness: Harness,
) -> None:
    await ready(harness)
    answer = await say(harness, GROUP_ID, SECRETARY, "/themeday 15 09:00 学习党的二十大精神")
    assert "每月15日" in answer and "12月15日（周二）09:00" in answer

    assert "《党章学习》" in await add_pdf(harness, "党章.pdf", "党章学习")
    confirmation = await add_photo(harness, "红船照片")
    assert "《红船照片》" in confirmation and "12月15日" in confirmation
    assert "《学习要点》" in await add_text(harness, "学习要点：不忘初心，牢记使命。", "学习要点")

    # A retiree cannot add materials.
    msg = harness.fake.message(GROUP_ID, WANG, "我也想分享一篇文章")
    refusal = await say(harness, GROUP_ID, WANG, "/material", reply_to=msg["message_id"])
    assert "只有支部书记和支委" in refusal
    with harness.session() as s:
        assert len(s.exec(select(Material)).all()) == 3

    before = len(posts(harness))
    await at(harness, THEME_DAY - timedelta(minutes=1))
    assert posted_since(harness, before) == []

    await at(harness, THEME_DAY)
    pushed = posted_since(harness, before)
    assert [m["_method"] for m in pushed] == [
        "sendMessage",
        "sendDocument",
        "sendPhoto",
        "sendMessage",
        "sendMessage",
    ]
    header, pdf, photo, text, invitation = pushed
    assert "12月15日（周二）" in header["text"] and "学习党的二十大精神" in header["text"]
    assert "回复这条消息" in header["text"]
    assert pdf["document"]["file_name"] == "党章.pdf" and "党章学习" in pdf["caption"]
    assert "红船照片" in photo["caption"]
    assert "不忘初心" in text["text"]
    [[button]] = invitation["reply_markup"]["inline_keyboard"]
    with harness.session() as s:
        session = s.exec(select(ThemeSession)).one()
        assert session.key == "rule:2026-12-15" and session.pushed_at is not None
        assert [m.title for m in material_store.of_session(s, session.id or 0)] == [
            "党章学习",
            "红船照片",
            "学习要点",
        ]
    assert button["text"] == "📝 提交心得"
    assert button["url"].endswith(f"?start=reflect_{session.id}")

    # A restart afterwards (same day, and every tick) posts nothing again.
    await harness.restart()
    await harness.tick()
    await at(harness, THEME_DAY + timedelta(hours=3))
    assert len(posts(harness)) == before + 5
    # The queue is empty now; the materials stay in the library.
    assert queue_ids(harness) == []


async def test_a_bot_started_two_hours_late_on_the_day_still_pushes(harness: Harness) -> None:
    await ready(harness)
    await say(harness, GROUP_ID, SECRETARY, "/themeday 15 09:00 学习党章")
    await add_pdf(harness, "党章.pdf", "党章")
    await harness.stop()
    before = len(posts(harness))

    harness.clock.set(THEME_DAY + timedelta(hours=2))
    await harness.start()
    await harness.tick()
    pushed = posted_since(harness, before)
    assert [m["_method"] for m in pushed] == ["sendMessage", "sendDocument", "sendMessage"]
    assert "学习党章" in pushed[0]["text"]


async def test_a_bot_started_the_next_day_does_not_push_and_tells_the_secretary(
    harness: Harness,
) -> None:
    await ready(harness)
    await say(harness, GROUP_ID, SECRETARY, "/themeday 15 09:00 学习党章")
    await add_pdf(harness, "党章.pdf", "党章")
    await harness.stop()
    before = len(posts(harness))
    private_before = len(harness.texts(SECRETARY))

    harness.clock.set(THEME_DAY + timedelta(days=1))
    await harness.start()
    await harness.tick()
    await harness.tick()
    assert posted_since(harness, before) == []
    notices = harness.texts(SECRETARY)[private_before:]
    assert len(notices) == 1 and "没有发出" in notices[0] and "12月15日" in notices[0]
    # The materials wait for the next push.
    assert len(queue_ids(harness)) == 1

    # Told once: another restart says nothing more.
    await harness.restart()
    await harness.tick()
    assert len(harness.texts(SECRETARY)) == private_before + 1


# --- the push: media groups, refused files, restarts ------------------------------------------


async def test_documents_and_photos_go_in_separate_media_groups(harness: Harness) -> None:
    await ready(harness)
    await say(harness, GROUP_ID, SECRETARY, "/themeday 15 09:00 学习")
    await add_pdf(harness, "一.pdf", "材料一")
    await add_photo(harness, "照片一")
    await add_text(harness, "请阅读 https://www.12371.cn/ 上的文章", "共产党员网")
    await add_pdf(harness, "二.docx", "材料二")
    await add_photo(harness, "照片二")
    before = len(posts(harness))

    await at(harness, THEME_DAY)
    pushed = posted_since(harness, before)
    methods = [m["_method"] for m in pushed]
    assert methods == ["sendMessage"] + ["sendMediaGroup"] * 4 + ["sendMessage"] * 2
    docs, photos = pushed[1:3], pushed[3:5]
    assert [d["document"]["file_name"] for d in docs] == ["一.pdf", "二.docx"]
    assert all("photo" in p for p in photos)
    assert len({d["media_group_id"] for d in docs}) == 1
    assert "12371" in pushed[5]["text"]
    # Well under Telegram's 20 messages a minute for a group.
    assert len(pushed) <= 20


async def test_a_refused_file_does_not_stop_the_rest_and_the_secretary_is_told(
    harness: Harness,
) -> None:
    await ready(harness)
    await say(harness, GROUP_ID, SECRETARY, "/themeday 15 09:00 学习")
    await add_pdf(harness, "一.pdf", "材料一")
    await add_pdf(harness, "二.pdf", "已删除的文件")
    await add_pdf(harness, "三.pdf", "材料三")
    await add_photo(harness, "坏照片")
    # Two files Telegram no longer knows (deleted): one in the documents group, one alone.
    with harness.session() as s:
        for material in s.exec(select(Material)).all():
            if material.title in ("已删除的文件", "坏照片"):
                material.file_id = f"BQACdeleted{material.id}"
                s.add(material)
        s.commit()
    before = len(posts(harness))
    private_before = len(harness.texts(SECRETARY))

    await at(harness, THEME_DAY)
    await harness.tick()  # the refused group is resent one by one
    pushed = posted_since(harness, before)
    files = [m["document"]["file_name"] for m in pushed if "document" in m]
    assert sorted(files) == ["一.pdf", "三.pdf"]
    [invitation] = [m for m in pushed if m.get("reply_markup")]
    assert text_of(invitation).startswith("📝 心得交流（学习）\n")
    notices = harness.texts(SECRETARY)[private_before:]
    # The lone photo fails at once; the deleted file only when its group is resent singly.
    assert notices == [
        "⚠️ 有一条消息没能发出：主题党日（12月15日（周二））的学习材料《坏照片》，"
        "发往“老干之家”\n原因：Wrong file identifier/http url specified",
        "⚠️ 有一条消息没能发出：主题党日（12月15日（周二））的学习材料《已删除的文件》，"
        "发往“老干之家”\n原因：Wrong file identifier/http url specified",
    ]
    assert all("没能发出" in n for n in notices)

    # Nothing more goes out on later ticks.
    count = len(posts(harness))
    await harness.tick()
    assert len(posts(harness)) == count


async def test_a_restart_in_the_middle_of_a_push_posts_nothing_twice(harness: Harness) -> None:
    await ready(harness)
    await say(harness, GROUP_ID, SECRETARY, "/themeday 15 09:00 学习")
    await add_pdf(harness, "一.pdf", "材料一")
    await add_pdf(harness, "二.pdf", "材料二")
    await add_text(harness, "学习要点", "要点")
    before = len(posts(harness))

    # Telegram stumbles on the media group; the bot stops while it waits to retry.
    harness.fake.fail("sendMediaGroup", status=500, times=1)
    harness.clock.set(THEME_DAY)
    assert harness.runner is not None
    await harness.runner.planner.tick()
    await harness.fake.wait_until(
        lambda: any(c.method == "sendMediaGroup" and c.status == 500 for c in harness.fake.calls)
    )
    await harness.stop()
    with _db(harness) as s:
        pending = s.exec(select(OutboxMessage).where(OutboxMessage.status == "pending")).all()
        # The header went out; the media group waits to retry, and what follows it waits too.
        assert sorted((row.method, row.kind, row.attempts) for row in pending) == [
            ("sendMediaGroup", "themeday.materials", 1),
            ("sendMessage", "themeday.invitation", 0),
            ("sendMessage", "themeday.materials", 0),
        ]

    await harness.start()
    await harness.tick()
    await harness.tick()
    pushed = posted_since(harness, before)
    methods = sorted(m["_method"] for m in pushed)
    assert methods == [
        "sendMediaGroup",
        "sendMediaGroup",
        "sendMessage",
        "sendMessage",
        "sendMessage",
    ]
    assert sum("学习要点" in text_of(m) for m in pushed) == 1
    with _db(harness) as s:
        assert len(s.exec(select(ThemeSession)).all()) == 1


async def test_a_stop_while_a_media_group_is_in_flight_posts_nothing_twice(
    harness: Harness,
) -> None:
    await ready(harness)
    await say(harness, GROUP_ID, SECRETARY, "/themeday 15 09:00 学习")
    await add_pdf(harness, "一.pdf", "材料一")
    await add_pdf(harness, "二.pdf", "材料二")
    before = len(posts(harness))

    harness.fake.hang("sendMediaGroup", 1.0)
    harness.clock.set(THEME_DAY)
    assert harness.runner is not None
    await harness.runner.planner.tick()
    await harness.fake.wait_until(
        lambda: any(c.method == "sendMediaGroup" and c.status == 0 for c in harness.fake.calls)
    )
    await harness.stop()  # asked to stop mid-push: the call in flight finishes and is logged
    await harness.start()
    await harness.tick()
    await harness.tick()
    pushed = posted_since(harness, before)
    assert [m["_method"] for m in pushed] == ["sendMessage"] + ["sendMediaGroup"] * 2 + [
        "sendMessage"
    ]


# --- /materials: the queue and the library -----------------------------------------------------


def buttons(message: dict[str, Any]) -> dict[str, str]:
    """callback_data by button text."""
    rows = message.get("reply_markup", {}).get("inline_keyboard", [])
    return {b["text"]: b.get("callback_data", "") for row in rows for b in row}


async def test_materials_list_can_remove_and_move_up_and_checks_rights(
    harness: Harness,
) -> None:
    await ready(harness)
    await say(harness, GROUP_ID, SECRETARY, "/themeday 15 09:00 学习")
    await add_pdf(harness, "一.pdf", "材料一")
    await add_text(harness, "第二份的内容", "材料二")
    await add_text(harness, "第三份的内容", "材料三")
    first, second, third = queue_ids(harness)

    listing = await say(harness, GROUP_ID, COMMITTEE, "/materials")
    assert "12月15日" in listing
    assert listing.index("材料一") < listing.index("材料二") < listing.index("材料三")
    message = harness.fake.sent(GROUP_ID)[-1]
    data = buttons(message)
    assert data["⬆ 上移第3份"] == MaterialAction("up", third).build()
    assert "⬆ 上移第1份" not in data

    # A retiree presses a button: refused, answered, nothing changes.
    query = harness.fake.press(
        WANG, GROUP_ID, message["message_id"], MaterialAction("rm", first).build()
    )
    await harness.settle()
    assert harness.fake.answered_callbacks[query]["text"].startswith("只有")
    assert queue_ids(harness) == [first, second, third]

    # Forged data for a material that does not exist is answered too.
    forged = harness.fake.press(
        SECRETARY, GROUP_ID, message["message_id"], MaterialAction("rm", 99999).build(), force=True
    )
    junk = harness.fake.press(SECRETARY, GROUP_ID, message["message_id"], "mat:zz:x", force=True)
    await harness.settle()
    assert forged in harness.fake.answered_callbacks and junk in harness.fake.answered_callbacks

    harness.fake.press(
        SECRETARY, GROUP_ID, message["message_id"], MaterialAction("up", third).build()
    )
    await harness.settle()
    assert queue_ids(harness) == [first, third, second]
    edited = harness.fake.message_by_id(GROUP_ID, message["message_id"])
    assert edited is not None
    assert edited["text"].index("材料三") < edited["text"].index("材料二")

    harness.fake.press(
        SECRETARY, GROUP_ID, message["message_id"], MaterialAction("rm", first).build()
    )
    await harness.settle()
    assert queue_ids(harness) == [third, second]
    assert harness.fake.unanswered_callbacks() == []

    # The removed one is in the library and can be used again.
    library = await say(harness, GROUP_ID, SECRETARY, "/materials 全部")
    assert "材料一" in library and "未用过" in library
    lib_message = harness.fake.sent(GROUP_ID)[-1]
    harness.fake.press(
        SECRETARY, GROUP_ID, lib_message["message_id"], MaterialAction("re", first).build()
    )
    await harness.settle()
    assert queue_ids(harness) == [third, second, first]
    assert harness.fake.unanswered_callbacks() == []


async def test_pushed_materials_stay_in_the_library_and_can_be_queued_again(
    harness: Harness,
) -> None:
    await ready(harness)
    await say(harness, GROUP_ID, SECRETARY, "/themeday 15 09:00 学习")
    await add_pdf(harness, "党章.pdf", "党章")
    await at(harness, THEME_DAY)
    assert queue_ids(harness) == []
    assert "没有排好的材料" in await say(harness, GROUP_ID, SECRETARY, "/materials")

    library = await say(harness, GROUP_ID, SECRETARY, "/materials 全部")
    assert "党章" in library and "12月15日" in library
    message = harness.fake.sent(GROUP_ID)[-1]
    [(text, data)] = buttons(message).items()
    assert text == "♻ 再次使用第1份"
    harness.fake.press(SECRETARY, GROUP_ID, message["message_id"], data)
    await harness.settle()
    assert len(queue_ids(harness)) == 1

    # Replying /material again to the same file also queues it again (and never twice).
    with harness.session() as s:
        material = s.exec(select(Material)).one()
    # A second tap from a client that has not seen the edit yet changes nothing.
    harness.fake.press(SECRETARY, GROUP_ID, message["message_id"], data, force=True)
    await harness.settle()
    assert len(queue_ids(harness)) == 1
    again = await say(
        harness, GROUP_ID, SECRETARY, "/material", reply_to=material.source_message_id
    )
    assert "已经在" in again


async def test_materials_sent_privately_to_an_admin_of_two_branches_ask_which(
    harness: Harness,
) -> None:
    other = -1009999000001
    harness.fake.add_group(other, "第二支部", creator_id=SECRETARY, members=[WANG])
    await ready(harness)
    harness.fake.message(other, SECRETARY, "/setup")
    await harness.settle()

    doc = harness.fake.file(b"%PDF-1.4 x", file_name="讲话.pdf")
    harness.fake.message(SECRETARY, SECRETARY, document=doc, caption="/material 重要讲话")
    await harness.settle()
    question = harness.fake.sent(SECRETARY)[-1]
    assert question["text"] == C.CHOOSE_BRANCH
    choices = buttons(question)
    assert set(choices) == {"老干之家", "第二支部"}
    assert queue_ids(harness) == []

    # Only the admin who sent it can answer (callback data can be forged).
    harness.fake.press(
        COMMITTEE, SECRETARY, question["message_id"], choices["老干之家"], force=True
    )
    await harness.settle()
    assert queue_ids(harness) == []
    harness.fake.press(SECRETARY, SECRETARY, question["message_id"], choices["第二支部"])
    await harness.settle()
    edited = harness.fake.message_by_id(SECRETARY, question["message_id"])
    assert edited is not None and "第二支部" in edited["text"]
    # The file sent is added without being sent again.
    assert "《重要讲话》" in harness.texts(SECRETARY)[-1]
    with harness.session() as s:
        material = s.exec(select(Material)).one()
        branch = s.get_one(Branch, material.branch_id)
        assert branch.title == "第二支部" and material.state == "queued"
    assert harness.fake.unanswered_callbacks() == []

    # /materials right after is about the same branch, named, without asking again.
    harness.fake.message(SECRETARY, SECRETARY, "/materials")
    await harness.settle()
    note, shown = harness.texts(SECRETARY)[-2:]
    assert note == fmt(TS.NOTE, branch="第二支部")
    assert "第二支部" in shown and "重要讲话" in shown


async def test_files_are_archived_and_a_file_over_20_mb_is_noted(harness: Harness) -> None:
    await ready(harness)
    await add_pdf(harness, "党章.pdf", "党章")
    big = harness.fake.file(None, size=25 * 1024 * 1024, file_name="录像.mp4")
    msg = harness.fake.message(GROUP_ID, SECRETARY, document=big)
    answer = await say(
        harness, GROUP_ID, SECRETARY, "/material 讲座录像", reply_to=msg["message_id"]
    )
    assert "20MB" in answer and "《讲座录像》" in answer
    assert "还没有设定主题党日" in answer

    def downloaded() -> bool:
        with harness.session() as s:
            return any(row.status == "done" for row in s.exec(select(ArchiveFile)).all())

    await harness.fake.wait_until(downloaded)
    with harness.session() as s:
        rows = {row.status: row for row in s.exec(select(ArchiveFile)).all()}
    assert set(rows) == {"done", "too_big"}
    path = harness.data_dir / "archive" / rows["done"].rel_path
    assert path.read_bytes() == "%PDF-1.4 党章".encode()
    assert "学习材料" in rows["done"].rel_path


async def test_material_usage_and_unsupported_messages(harness: Harness) -> None:
    await ready(harness)
    assert "回复" in await say(harness, GROUP_ID, SECRETARY, "/material")
    assert harness.fake.sent(GROUP_ID)[-1]["_html"] == TT.MATERIAL_USAGE
    voice = harness.fake.file(b"OggS", kind="voice", duration=3)
    msg = harness.fake.message(GROUP_ID, SECRETARY, voice=voice)
    answer = await say(harness, GROUP_ID, SECRETARY, "/material", reply_to=msg["message_id"])
    assert "还不能作为学习材料" in answer
    with harness.session() as s:
        assert s.exec(select(Material)).all() == []


# --- /themeday and /push ------------------------------------------------------------------------


async def test_themeday_shows_sets_refuses_bad_rules_and_stops(harness: Harness) -> None:
    await ready(harness)
    assert "还没有设定" in await say(harness, GROUP_ID, SECRETARY, "/themeday")

    answer = await say(harness, GROUP_ID, SECRETARY, "/themeday first-fri 9:30 党史学习")
    assert "每月第一个周五" in answer and "12月4日（周五）09:30" in answer
    shown = await say(harness, GROUP_ID, COMMITTEE, "/themeday")
    assert "每月第一个周五 09:30" in shown and "党史学习" in shown and "当天之内" in shown

    # Bad rules get a clear explanation with an example; the old rule stays.
    for bad, reason in [
        ("/themeday 31 09:00 学习", "最后一天"),
        ("/themeday fifth-fri 09:00 学习", "最后一个周五"),
        ("/themeday 每月某天 09:00", "例如"),
        ("/themeday 15 25:00 学习", "没有25点"),
        ("/themeday 15 上午13点 学习", "上午没有13点"),
        ("/themeday 15 学习", "9点半"),
        ("/themeday 15", "几点"),
    ]:
        refusal = await say(harness, GROUP_ID, SECRETARY, bad)
        assert reason in refusal and "原来的设定没有改变" in refusal, (bad, refusal)
    assert "每月第一个周五 09:30" in await say(harness, GROUP_ID, SECRETARY, "/themeday")
    # Privately, an admin of one branch sees that branch's rule.
    private = await say(harness, SECRETARY, SECRETARY, "/themeday")
    assert "老干之家" in private and "每月第一个周五 09:30" in private

    # A retiree cannot change it.
    assert await say(harness, GROUP_ID, WANG, "/themeday off") == T.NOT_ADMIN
    assert "每月第一个周五" in await say(harness, GROUP_ID, SECRETARY, "/themeday")

    # Changing the time keeps the topic; a Chinese weekday rule works too.
    answer = await say(harness, GROUP_ID, SECRETARY, "/themeday 最后一个周五 14:00")
    assert "每月最后一个周五" in answer and "党史学习" in answer
    assert "11月27日（周五）14:00" in answer

    assert "已停止" in await say(harness, GROUP_ID, SECRETARY, "/themeday off")
    assert "还没有设定" in await say(harness, GROUP_ID, SECRETARY, "/themeday")
    assert "本来就没有" in await say(harness, GROUP_ID, SECRETARY, "/themeday off")

    # Stopped means nothing is pushed on the old day.
    before = len(posts(harness))
    await at(harness, datetime(2026, 11, 27, 14, 0, tzinfo=SHANGHAI))
    assert posted_since(harness, before) == []


async def test_the_secretary_can_write_the_day_and_time_in_chinese(harness: Harness) -> None:
    await ready(harness)
    answer = await say(
        harness, GROUP_ID, SECRETARY, "/themeday 每月最后一个周五 上午9点半 学习党章（上）"
    )
    assert "每月最后一个周五 09:30" in answer and "学习党章（上）" in answer
    assert "11月27日（周五）09:30（明天）" in answer
    answer = await say(harness, GROUP_ID, SECRETARY, "/themeday 十五号下午3点")
    assert "每月15日 15:00" in answer and "学习党章（上）" in answer  # the topic stays
    assert "12月15日（周二）15:00（19天后）" in answer
    shown = await say(harness, GROUP_ID, SECRETARY, "/themeday")
    assert "每月15日 15:00" in shown and "12月15日（周二）15:00（19天后）" in shown

    # The day comes: the push goes out at 15:00 local time, not before.
    before = len(posts(harness))
    await at(harness, datetime(2026, 12, 15, 14, 59, tzinfo=SHANGHAI))
    assert posted_since(harness, before) == []
    await at(harness, datetime(2026, 12, 15, 15, 0, tzinfo=SHANGHAI))
    header = posted_since(harness, before)[0]
    assert "12月15日（周二） 主题党日" in text_of(header) and "学习党章（上）" in text_of(header)


async def test_a_last_day_rule_follows_months_of_different_lengths(harness: Harness) -> None:
    await ready(harness)
    answer = await say(harness, GROUP_ID, SECRETARY, "/themeday last 09:00 月末学习")
    assert "11月30日（周一）09:00" in answer
    for day in [
        datetime(2026, 11, 30, 9, 0, tzinfo=SHANGHAI),
        datetime(2026, 12, 31, 9, 0, tzinfo=SHANGHAI),
        datetime(2027, 1, 31, 9, 0, tzinfo=SHANGHAI),
        datetime(2027, 2, 28, 9, 0, tzinfo=SHANGHAI),
    ]:
        await at(harness, day - timedelta(minutes=1))
        await at(harness, day)
    with harness.session() as s:
        keys = [t.key for t in s.exec(select(ThemeSession).order_by(col(ThemeSession.id))).all()]
    assert keys == ["rule:2026-11-30", "rule:2026-12-31", "rule:2027-01-31", "rule:2027-02-28"]
    headers = [t for t in harness.texts(GROUP_ID) if "月末学习" in t and "📅" in t]
    assert len(headers) == 4 and "2月28日（周日）" in headers[-1]


async def test_a_weekday_rule_pushes_on_that_weekday(harness: Harness) -> None:
    await ready(harness)
    await say(harness, GROUP_ID, SECRETARY, "/themeday second-tue 10:00 学习")
    await at(harness, datetime(2026, 12, 8, 10, 0, tzinfo=SHANGHAI))  # the 2nd is a Wednesday
    await at(harness, datetime(2027, 1, 12, 10, 0, tzinfo=SHANGHAI))
    with harness.session() as s:
        keys = [t.key for t in s.exec(select(ThemeSession).order_by(col(ThemeSession.id))).all()]
    assert keys == ["rule:2026-12-08", "rule:2027-01-12"]


async def test_the_catch_up_window_can_be_set_in_hours(harness: Harness) -> None:
    await ready(harness)
    await say(harness, GROUP_ID, SECRETARY, "/themeday 15 21:00 晚间学习")
    assert "6 小时之内" in await say(harness, GROUP_ID, SECRETARY, "/themeday 补发 6")
    assert "小时数" in await say(harness, GROUP_ID, SECRETARY, "/themeday 补发 很久")
    assert "6 小时之内" in await say(harness, GROUP_ID, SECRETARY, "/themeday")
    await harness.stop()

    # Down over midnight: 02:00 the next day is within six hours of 21:00, so it goes out.
    harness.clock.set(datetime(2026, 12, 16, 2, 0, tzinfo=SHANGHAI))
    await harness.start()
    await harness.tick()
    headers = [t for t in harness.texts(GROUP_ID) if "晚间学习" in t and "📅" in t]
    assert len(headers) == 1 and "12月15日" in headers[0]
    # Later that morning, past the window, the caught-up day is not reported as missed.
    private_before = len(harness.texts(SECRETARY))
    await at(harness, datetime(2026, 12, 16, 9, 0, tzinfo=SHANGHAI))
    assert len(harness.texts(SECRETARY)) == private_before
    with harness.session() as s:
        session = s.exec(select(ThemeSession)).one()
        assert (session.key, session.local_date.day) == ("rule:2026-12-15", 15)

    # Next month, down until 04:00: seven hours late is too late; the secretary hears of it.
    await harness.stop()
    before = len(posts(harness))
    harness.clock.set(datetime(2027, 1, 16, 4, 0, tzinfo=SHANGHAI))
    await harness.start()
    await harness.tick()
    assert posted_since(harness, before) == []
    assert "没有发出" in harness.texts(SECRETARY)[-1]


async def test_a_rule_set_after_the_time_does_not_count_as_missed(harness: Harness) -> None:
    harness.clock.set(datetime(2026, 12, 15, 10, 0, tzinfo=SHANGHAI))
    await ready(harness)
    private_before = len(harness.texts(SECRETARY))
    before = len(posts(harness))
    answer = await say(harness, GROUP_ID, SECRETARY, "/themeday 15 09:00 学习")
    assert "2027" not in answer and "1月15日" in answer
    await harness.tick()
    assert len(posts(harness)) == before + 1  # only the confirmation
    assert len(harness.texts(SECRETARY)) == private_before


async def test_push_starts_a_session_now_with_or_without_a_topic(harness: Harness) -> None:
    await ready(harness)
    await add_pdf(harness, "党章.pdf", "党章")
    before = len(posts(harness))

    await push_confirmed(harness, GROUP_ID, SECRETARY)
    pushed = posted_since(harness, before)
    assert [m["_method"] for m in pushed] == ["sendMessage", "sendDocument", "sendMessage"]
    assert "主题党日学习" in pushed[0]["text"] and "11月26日（周四）" in pushed[0]["text"]

    # A later push (not a double tap: see test_faults_commands.py) starts another session.
    harness.clock.advance(timedelta(minutes=2))
    before = len(posts(harness))
    await push_confirmed(harness, GROUP_ID, COMMITTEE, "学习新修订的党章")
    pushed = posted_since(harness, before)
    assert [m["_method"] for m in pushed] == ["sendMessage", "sendMessage"]
    assert "学习新修订的党章" in pushed[0]["text"] and "学习新修订的党章" in pushed[1]["text"]

    # Privately: the push goes to the group and the admin is told.
    await say(harness, GROUP_ID, SECRETARY, "/themeday 15 09:00 学习党史")
    harness.clock.advance(timedelta(minutes=2))
    before = len(posts(harness))
    answer = await push_confirmed(harness, SECRETARY, SECRETARY)
    assert "老干之家" in answer and "学习党史" in answer
    assert "学习党史" in posted_since(harness, before)[0]["text"]

    assert await say(harness, GROUP_ID, WANG, "/push") == T.NOT_ADMIN
    with harness.session() as s:
        sessions = s.exec(select(ThemeSession).order_by(col(ThemeSession.id))).all()
    assert [t.topic for t in sessions] == ["主题党日学习", "学习新修订的党章", "学习党史"]
    assert all(t.key.startswith("push:") and t.pushed_at is not None for t in sessions)
    deadline = sessions[0].deadline.astimezone(SHANGHAI)
    assert (deadline.month, deadline.day) == (12, 3)  # seven days by default

    # A push on the theme day itself stands for that day: the rule does not push again.
    before = len(posts(harness))
    harness.clock.set(THEME_DAY - timedelta(hours=1))
    await push_confirmed(harness, GROUP_ID, SECRETARY)
    await at(harness, THEME_DAY)
    assert len(posted_since(harness, before)) == 2


async def test_the_deadline_follows_the_branch_option(harness: Harness) -> None:
    await ready(harness)
    with harness.session() as s:
        branch = s.exec(select(Branch)).one()
        branch.options = '{"deadline_days": 3}'
        s.add(branch)
        s.commit()
    await push_confirmed(harness, GROUP_ID, SECRETARY)
    with harness.session() as s:
        session = s.exec(select(ThemeSession)).one()
    assert session.deadline.astimezone(SHANGHAI).day == 29
    assert "11月29日" in harness.texts(GROUP_ID)[-1]


async def test_a_push_earlier_in_the_month_stands_for_that_months_theme_day(
    harness: Harness,
) -> None:
    await ready(harness)
    await say(harness, GROUP_ID, SECRETARY, "/themeday 15 09:00 学习党史")
    harness.clock.set(datetime(2026, 12, 10, 15, 0, tzinfo=SHANGHAI))
    await push_confirmed(harness, GROUP_ID, SECRETARY, "本月提前学习")
    before = len(posts(harness))

    await at(harness, THEME_DAY)
    assert posted_since(harness, before) == []  # December's theme day already happened
    await at(harness, datetime(2027, 1, 15, 9, 0, tzinfo=SHANGHAI))
    january = [text_of(m).split("\n")[0] for m in posted_since(harness, before)]
    assert january == ["📅 1月15日（周五） 主题党日", "📝 心得交流（学习党史）"]
