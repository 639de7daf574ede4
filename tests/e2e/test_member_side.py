"""The member's side, as a retiree meets it: nothing sent privately is met with silence, a
handwritten reflection of several pages is one submission with every page kept, and "收到" or
"👍" replied to a post is not counted as a reflection."""

from __future__ import annotations

import io
import zipfile
from datetime import timedelta
from typing import Any

import openpyxl
from sqlmodel import col, select

from bot.texts import common as TC
from bot.texts import reflections as T
from handlers.callbacks import ExportMenu, LedgerSession, ReflectOffer, ReflectOfferNo
from storage.models import ArchiveFile, Reflection, ReflectionFile, ReflectionOffer
from tests.e2e.harness import GROUP_ID, OUTSIDER, RETIREES, SECRETARY, STAFF, Harness
from tests.e2e.sessions import push_session

WANG, LI, ZHANG, CHEN = RETIREES
TOPIC = "学习党的二十届四中全会精神"
VOICE = b"OggS\x00\x02" + "王建国的发言录音".encode() * 100
PAGES = [b"\xff\xd8\xff\xe0" + f"handwritten page {n}".encode() * 200 for n in (1, 2, 3)]


def stored(harness: Harness) -> list[Reflection]:
    with harness.session() as s:
        return list(s.exec(select(Reflection).order_by(col(Reflection.id))))


def files(harness: Harness) -> list[ReflectionFile]:
    with harness.session() as s:
        return list(s.exec(select(ReflectionFile).order_by(col(ReflectionFile.message_id))))


async def archived(harness: Harness) -> list[ArchiveFile]:
    def all_settled() -> bool:
        with harness.session() as s:
            return not s.exec(select(ArchiveFile).where(ArchiveFile.status == "pending")).all()

    await harness.fake.wait_until(all_settled, timeout=10)
    with harness.session() as s:
        return list(s.exec(select(ArchiveFile).order_by(col(ArchiveFile.rel_path))))


def acks(harness: Harness, chat_id: int = GROUP_ID) -> list[str]:
    return [t for t in harness.texts(chat_id) if t.startswith("已收到")]


async def thank(harness: Harness) -> None:
    """Let the chat go quiet long enough for the thanks to go out."""
    harness.clock.advance(timedelta(seconds=20))
    await harness.tick()


def buttons(message: dict[str, Any]) -> list[tuple[str, str]]:
    return [
        (b["text"], b.get("callback_data", ""))
        for row in message.get("reply_markup", {}).get("inline_keyboard", [])
        for b in row
    ]


async def said(harness: Harness, chat_id: int, **message: Any) -> list[dict[str, Any]]:
    """What the bot answered one private message."""
    before = len(harness.fake.sent(chat_id))
    harness.fake.message(chat_id, chat_id, **message)
    await harness.settle()
    return harness.fake.sent(chat_id)[before:]


def header_of(harness: Harness) -> int:
    """The theme day's header (push_session sends it just before the invitation)."""
    return int(harness.fake.sent(GROUP_ID)[-2]["message_id"])


async def report_of(harness: Harness) -> str:
    harness.fake.message(SECRETARY, SECRETARY, "/report")
    await harness.settle()
    return harness.texts(SECRETARY)[-1]


async def ledger_files(
    harness: Harness, session_id: int
) -> tuple[list[tuple[Any, ...]], zipfile.ZipFile]:
    """The study ledger's rows (from 姓名 on) and its zip, downloaded as staff do."""
    f = harness.fake
    before = len(f.sent(STAFF, method="sendDocument"))
    f.message(STAFF, STAFF, "/export")
    await harness.settle()
    f.press(STAFF, STAFF, f.sent(STAFF)[-1]["message_id"], ExportMenu("ledger", 1).build())
    await harness.settle()
    f.press(STAFF, STAFF, f.sent(STAFF)[-1]["message_id"], LedgerSession(session_id).build())
    await f.wait_until(lambda: len(f.sent(STAFF, method="sendDocument")) == before + 2, timeout=20)
    await harness.settle()
    xlsx_doc, zip_doc = f.sent(STAFF, method="sendDocument")[before:]
    book = openpyxl.load_workbook(io.BytesIO(f.upload(xlsx_doc["document"]["file_id"])))
    rows = [r[2:] for r in list(book["台账明细"].iter_rows(values_only=True))[1:]]
    return rows, zipfile.ZipFile(io.BytesIO(f.upload(zip_doc["document"]["file_id"])))


def photo_pages(harness: Harness) -> list[tuple[str, Any]]:
    return [("photo", harness.fake.file(page, kind="photo")) for page in PAGES]


# --- 1. never met with silence ----------------------------------------------------------------


async def test_a_private_voice_without_the_button_is_offered_and_recorded_on_one_tap(
    harness: Harness,
) -> None:
    await harness.start()
    await harness.setup_branch()
    session_id, _ = await push_session(harness)
    f = harness.fake

    voice = f.file(VOICE, kind="voice", duration=72)
    [question] = await said(harness, WANG, voice=voice)
    assert question["text"] == f"要把这条作为本次主题党日“{TOPIC}”的心得交上吗？"
    assert [label for label, _ in buttons(question)] == ["交上", "不用"]
    assert stored(harness) == []  # nothing counted before the member says so

    f.press(WANG, WANG, question["message_id"], buttons(question)[0][1])
    await harness.settle()
    [row] = stored(harness)
    assert (row.kind, row.duration, row.via, row.session_id, row.late) == (
        "voice",
        72,
        "private",
        session_id,
        False,
    )
    assert harness.texts(WANG)[-1].startswith("已收到王建国同志的语音心得（1分12秒），谢谢！")
    shown = f.message_by_id(WANG, question["message_id"])
    assert shown is not None and shown["text"] == T.OFFER_TAKEN and "reply_markup" not in shown
    [copy] = await archived(harness)
    assert copy.rel_path.endswith("2026-11-26_王建国_语音心得.ogg")
    assert (harness.data_dir / "archive" / copy.rel_path).read_bytes() == VOICE
    assert "1. 王建国 — 语音1分12秒" in await report_of(harness)
    assert acks(harness) == []  # nothing said in the group

    # A second tap (an old client, a forged press) records nothing more.
    f.press(WANG, WANG, question["message_id"], buttons(question)[0][1], force=True)
    await harness.settle()
    assert len(stored(harness)) == 1 and f.unanswered_callbacks() == []

    # "不用": not a reflection, nothing recorded; an edit before the tap is what is kept.
    [question] = await said(harness, LI, text="今天天气不错，大家出门注意保暖")
    f.press(LI, LI, question["message_id"], buttons(question)[1][1])
    await harness.settle()
    declined = f.message_by_id(LI, question["message_id"])
    assert declined is not None and declined["text"] == T.OFFER_DECLINED
    typed = f.message(CHEN, CHEN, "学习全会精神，休会很深")
    await harness.settle()
    f.edit(CHEN, typed["message_id"], "学习全会精神，体会很深")
    await harness.settle()
    offered = f.sent(CHEN)[-1]
    f.press(CHEN, CHEN, offered["message_id"], buttons(offered)[0][1])
    await harness.settle()
    assert [r.text for r in stored(harness)] == [None, "学习全会精神，体会很深"]

    # Someone else's offer cannot be taken or declined (callback data can be forged).
    with harness.session() as s:
        li_offer = s.exec(select(ReflectionOffer).where(ReflectionOffer.user_id == LI)).one()
    assert li_offer.id is not None
    [note] = await said(harness, ZHANG, sticker="🌸")
    for forged in (ReflectOffer(li_offer.id, session_id), ReflectOfferNo(li_offer.id)):
        f.press(ZHANG, ZHANG, note["message_id"], forged.build(), force=True)
    await harness.settle()
    assert len(stored(harness)) == 2 and f.unanswered_callbacks() == []
    assert len(f.sent(ZHANG)) == 1


async def test_a_member_of_two_branches_chooses_which_theme_day_it_is_for(
    harness: Harness,
) -> None:
    other = -1009876543210
    f = harness.fake
    f.add_group(other, "第二支部", creator_id=SECRETARY, members=[WANG])
    await harness.start()
    await harness.setup_branch()
    f.message(other, SECRETARY, "/setup")
    await harness.settle()
    await push_session(harness)
    second, _ = await push_session(harness, "十二月学习", chat_id=other)

    [question] = await said(harness, WANG, text="两个支部都学了，我谈谈体会：要学以致用")
    assert question["text"] == T.OFFER_SEVERAL
    labels = [label for label, _ in buttons(question)]
    assert labels == [f"交给 11月26日 {TOPIC}", "交给 11月26日 十二月学习", "不用"]
    pressed = ReflectOffer.parse(buttons(question)[1][1])
    assert pressed is not None and pressed.session == second
    f.press(WANG, WANG, question["message_id"], buttons(question)[1][1])
    await harness.settle()
    [row] = stored(harness)
    assert (row.session_id, row.text) == (second, "两个支部都学了，我谈谈体会：要学以致用")
    assert harness.texts(WANG)[-1].startswith("已收到王建国同志的文字心得，谢谢！")


async def test_stickers_locations_unknown_commands_and_a_stray_cancel_get_one_polite_answer(
    harness: Harness,
) -> None:
    await harness.start()
    await harness.setup_branch()
    f = harness.fake
    f.message(GROUP_ID, WANG, "大家好")  # known in the branch
    await harness.settle()

    # No theme day open: what the bot can do, with the help a tap away.
    [note] = await said(harness, WANG, sticker="👍")
    assert note["text"] == T.NOTE and len(note["text"]) <= 120
    assert [label for label, _ in buttons(note)] == [
        "📝 怎样交心得",
        "✅ 怎样答题",
        "🔔 收提醒和祝福",
        "📋 全部命令",
    ]
    assert [m["text"] for m in await said(harness, WANG, location=(39.9, 116.4))] == [T.NOTE]
    assert [m["text"] for m in await said(harness, WANG, text="好的")] == [T.NOTE]
    assert [m["text"] for m in await said(harness, WANG, text="一段话，但现在没有主题党日")] == [
        T.NOTE
    ]
    before = len(f.sent(WANG))
    f.album(WANG, WANG, photo_pages(harness), order=[2, 1, 0])
    await harness.settle()
    assert [m["text"] for m in f.sent(WANG)[before:]] == [T.NOTE]  # one answer per album
    [unknown] = await said(harness, WANG, text="/nosuch 参数")
    assert unknown["text"] == TC.UNKNOWN_COMMAND and buttons(unknown)
    assert [m["text"] for m in await said(harness, WANG, text="/cancel")] == [T.NOTHING_TO_CANCEL]
    f.press(WANG, WANG, note["message_id"], buttons(note)[0][1])
    await harness.settle()
    assert "回复”（Reply）" in harness.texts(WANG)[-1] and "START" in harness.texts(WANG)[-1]
    assert [m["text"] for m in await said(harness, OUTSIDER, sticker="🌹")] == [
        TC.NO_BRANCH_PRIVATE
    ]

    # A theme day open: a sticker is met with how to hand in; once handed in, with thanks.
    await push_session(harness)
    [open_note] = await said(harness, LI, sticker="🙏")
    assert (
        open_note["text"]
        == f"您好！主题党日“{TOPIC}”的心得，直接在这里发文字、语音或照片给我就行。"
    )
    [question] = await said(harness, LI, text="我的体会：要把学习成果用到生活里")
    f.press(LI, LI, question["message_id"], buttons(question)[0][1])
    await harness.settle()
    assert [m["text"] for m in await said(harness, LI, sticker="👍")] == [T.NOTE_SUBMITTED]
    assert f.unanswered_callbacks() == []
    assert acks(harness) == []


# --- 2. several pages, one submission ---------------------------------------------------------


async def test_a_three_photo_album_replied_in_the_group_is_one_submission(
    harness: Harness,
) -> None:
    await harness.start()
    await harness.setup_branch()
    session_id, invitation = await push_session(harness)
    f = harness.fake

    pages = f.album(
        GROUP_ID,
        WANG,
        photo_pages(harness),
        caption="我的手写心得，共三页",
        reply_to=invitation,
        order=[2, 0, 1],  # Telegram promises no order
    )
    await harness.settle()
    await thank(harness)

    assert acks(harness) == ["已收到王建国同志的照片心得（3张），谢谢！"]
    [row] = stored(harness)
    assert (row.kind, row.text, row.message_id) == (
        "photo",
        "我的手写心得，共三页",
        pages[2]["message_id"],
    )
    assert [p.message_id for p in files(harness)] == [p["message_id"] for p in pages]
    copies = await archived(harness)
    names = [a.rel_path.rsplit("/", 1)[1] for a in copies]
    assert names == [f"2026-11-26_王建国_照片心得_{n}.jpg" for n in (1, 2, 3)]
    root = harness.data_dir / "archive"
    assert [(root / a.rel_path).read_bytes() for a in copies] == PAGES  # in page order

    report = await report_of(harness)
    assert "已提交（1人）" in report and "1. 王建国 — 照片3张" in report
    assert "共收到 1 份材料" in report

    rows, archive = await ledger_files(harness, session_id)
    [wang] = [r for r in rows if r[0] == "王建国"]
    assert wang[4:6] == ("照片", "我的手写心得，共三页")
    assert wang[7] == "\n".join(a.rel_path for a in copies)
    assert sorted(archive.namelist()) == [a.rel_path for a in copies]
    assert [archive.read(a.rel_path) for a in copies] == PAGES

    # An edit of the caption keeps the new words.
    f.edit(GROUP_ID, pages[0]["message_id"], "我的手写心得，共三页（补一句：要多读原文）")
    await harness.settle()
    assert stored(harness)[0].text == "我的手写心得，共三页（补一句：要多读原文）"

    # A later page by the same member is added to their submission, thanked as an addition.
    extra = f.file(b"\xff\xd8\xff\xe0page four", kind="photo")
    f.message(GROUP_ID, WANG, reply_to=invitation, photo=extra)
    await harness.settle()
    await thank(harness)
    assert acks(harness)[-1] == "已收到王建国同志的补充照片，谢谢！"
    assert len(stored(harness)) == 1 and len(files(harness)) == 4
    copies = await archived(harness)
    assert copies[-1].rel_path.endswith("_照片心得_4.jpg")
    report = await report_of(harness)
    assert "已提交（1人）" in report and "照片4张" in report and "共收到 1 份材料" in report


async def test_a_three_photo_album_sent_privately_is_one_question_and_one_submission(
    harness: Harness,
) -> None:
    await harness.start()
    await harness.setup_branch()
    session_id, _ = await push_session(harness)
    f = harness.fake

    pages = f.album(WANG, WANG, photo_pages(harness), order=[1, 2, 0])
    await harness.settle()
    [question] = f.sent(WANG)  # one answer for the whole album
    assert question["text"] == f"要把这一组作为本次主题党日“{TOPIC}”的心得交上吗？"
    f.press(WANG, WANG, question["message_id"], buttons(question)[0][1])
    await harness.settle()

    [row] = stored(harness)
    assert len(files(harness)) == 3 and row.via == "private"
    assert harness.texts(WANG)[-1].startswith("已收到王建国同志的照片心得（3张），谢谢！")
    assert len(f.sent(WANG)) == 2  # the question (now "已交上") and the thanks
    copies = await archived(harness)
    assert [a.rel_path.rsplit("/", 1)[1] for a in copies] == [
        f"2026-11-26_王建国_照片心得_{n}.jpg" for n in (1, 2, 3)
    ]
    assert [(harness.data_dir / "archive" / a.rel_path).read_bytes() for a in copies] == PAGES
    rows, archive = await ledger_files(harness, session_id)
    assert [r[4] for r in rows if r[0] == "王建国"] == ["照片"]
    assert len(archive.namelist()) == 3
    assert [p["message_id"] for p in pages] == [p.message_id for p in files(harness)]


async def test_an_album_after_pressing_the_button_is_thanked_once_when_all_pages_are_in(
    harness: Harness,
) -> None:
    await harness.start()
    await harness.setup_branch()
    session_id, _ = await push_session(harness)
    f = harness.fake
    f.message(LI, LI, f"/start reflect_{session_id}")
    await harness.settle()
    prompt_count = len(f.sent(LI))

    f.album(LI, LI, photo_pages(harness)[:2], order=[1, 0])
    await harness.settle()
    assert len(f.sent(LI)) == prompt_count  # no word per page
    await thank(harness)
    assert harness.texts(LI)[prompt_count:] == [
        "已收到李秀英同志的照片心得（2张），谢谢！" + T.ACK_PRIVATE_MORE
    ]
    assert len(stored(harness)) == 1 and len(files(harness)) == 2


async def test_no_page_is_lost_when_the_bot_restarts_between_an_albums_updates(
    harness: Harness,
) -> None:
    await harness.start()
    await harness.setup_branch()
    session_id, invitation = await push_session(harness)
    f = harness.fake

    # In the group: the last page arrives, the bot restarts, then the first two.
    held = f.album(GROUP_ID, WANG, photo_pages(harness), reply_to=invitation, hold=True)
    f.deliver(held[2])
    await harness.settle()
    await harness.restart()
    f.deliver(held[0])
    f.deliver(held[1])
    await harness.settle()
    await thank(harness)
    assert acks(harness) == ["已收到王建国同志的照片心得（3张），谢谢！"]

    # Privately: the first page is asked about, the bot restarts, the rest join the question.
    held = f.album(LI, LI, photo_pages(harness), hold=True)
    f.deliver(held[1])
    await harness.settle()
    await harness.restart()
    f.deliver(held[2])
    f.deliver(held[0])
    await harness.settle()
    [question] = f.sent(LI)
    f.press(LI, LI, question["message_id"], buttons(question)[0][1])
    await harness.settle()
    assert harness.texts(LI)[-1].startswith("已收到李秀英同志的照片心得（3张），谢谢！")

    assert [r.kind for r in stored(harness)] == ["photo", "photo"]
    assert len(files(harness)) == 6
    copies = await archived(harness)
    assert len(copies) == 6
    for who in ("王建国", "李秀英"):
        mine = [a for a in copies if f"_{who}_" in a.rel_path]
        assert [(harness.data_dir / "archive" / a.rel_path).read_bytes() for a in mine] == PAGES
    ledger, archive = await ledger_files(harness, session_id)
    assert [r[0] for r in ledger if r[4] == "照片"] == ["王建国", "李秀英"]
    assert len(archive.namelist()) == 6


# --- 3. "收到" is not a reflection ----------------------------------------------------------------


async def test_an_acknowledgment_replied_to_a_post_is_not_counted_and_asked_about_privately(
    harness: Harness,
) -> None:
    await harness.start()
    await harness.setup_branch()
    f = harness.fake
    for reachable in (WANG, CHEN):  # can be written to privately; 李秀英 cannot
        f.message(reachable, reachable, "/start")
    await harness.settle()
    _, invitation = await push_session(harness)
    header = header_of(harness)
    in_group = len(f.sent(GROUP_ID))

    f.message(GROUP_ID, WANG, "收到", reply_to=header)
    f.message(GROUP_ID, WANG, "好的，知道了", reply_to=invitation)
    f.message(GROUP_ID, LI, "👍👍", reply_to=invitation)
    f.message(GROUP_ID, ZHANG, "学习了，体会很深：要多读原文。", reply_to=invitation)
    await harness.settle()
    await thank(harness)

    # Only the real sentence is thanked, in the group; the rest are not mentioned there.
    assert harness.texts(GROUP_ID)[in_group:] == ["已收到张<伟>同志的文字心得，谢谢！"]
    assert [r.text for r in stored(harness)] == ["学习了，体会很深：要多读原文。"]
    report = await report_of(harness)
    assert "已提交（1人）" in report and "王建国 —" not in report and "李秀英 —" not in report

    # 王建国 is asked once, privately; 李秀英 cannot be written to.
    asked = [t for t in harness.texts(WANG) if "您是想交心得吗" in t]
    assert asked == [
        "王建国同志，看到您在群里回复了“收到”，谢谢！您是想交心得吗？可以直接回复一段文字、语音或照片。"
    ]
    assert harness.fake.sent(LI) == []

    # He answers with a voice: one tap and it is his reflection.
    [question] = await said(harness, WANG, voice=f.file(VOICE, kind="voice", duration=30))
    f.press(WANG, WANG, question["message_id"], buttons(question)[0][1])
    await harness.settle()
    assert "王建国 — 语音30秒" in await report_of(harness)

    # Voice always counts, however short; once handed in, a "谢谢" is not asked about.
    f.message(GROUP_ID, CHEN, reply_to=invitation, voice=f.file(b"OggS", kind="voice", duration=2))
    await harness.settle()
    assert stored(harness)[-1].kind == "voice"
    f.message(GROUP_ID, CHEN, "谢谢书记！", reply_to=invitation)
    await harness.settle()
    await thank(harness)
    assert [t for t in harness.texts(CHEN) if "您是想交心得吗" in t] == []
    assert acks(harness)[-1] == "已收到陈桂兰同志的语音心得（2秒），谢谢！"
