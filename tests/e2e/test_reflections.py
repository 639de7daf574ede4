"""Reflections as members and the secretary meet them: replying with text, voice and photos,
the private-chat path, thanks, reminders, the report and the study ledger download."""

from __future__ import annotations

import io
import zipfile
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from sqlmodel import col, select

from bot.__main__ import main
from bot.demo.fake.botapi import TOKEN
from bot.texts import common as T
from bot.texts import push as TP
from bot.texts import reflections as RT
from handlers.callbacks import ExportMenu, LedgerPeriod, LedgerSession, ReportSession
from storage.models import ArchiveFile, Member, Reflection, ReflectionFile, ReflectionWait
from tests.e2e.conftest import SHANGHAI
from tests.e2e.harness import GROUP_ID, RETIREES, SECRETARY, STAFF, Harness
from tests.e2e.menu_helpers import follow_to_private, remind_confirmed, tap
from tests.e2e.sessions import push_session

WANG, LI, ZHANG, CHEN = RETIREES
VOICE = b"OggS\x00\x02" + "李秀英的发言录音".encode() * 200
PHOTO = b"\xff\xd8\xff\xe0" + b"handwritten page " * 300
CHEN_VOICE = b"OggS\x00\x02chen" * 50


def acks(harness: Harness) -> list[str]:
    return [t for t in harness.texts(GROUP_ID) if t.startswith("已收到")]


def reminders(harness: Harness, chat_id: int = GROUP_ID) -> list[str]:
    return [t for t in harness.texts(chat_id) if "还没" in t and "心得" in t]


async def thank(harness: Harness) -> None:
    """Let the group go quiet long enough for the combined thanks to go out."""
    harness.clock.advance(timedelta(seconds=20))
    await harness.tick()


async def archived(harness: Harness) -> list[ArchiveFile]:
    def all_settled() -> bool:
        with harness.session() as s:
            return not s.exec(select(ArchiveFile).where(ArchiveFile.status == "pending")).all()

    await harness.fake.wait_until(all_settled, timeout=10)
    with harness.session() as s:
        return list(s.exec(select(ArchiveFile).order_by(col(ArchiveFile.id))))


def stored(harness: Harness) -> list[Reflection]:
    with harness.session() as s:
        return list(s.exec(select(Reflection).order_by(col(Reflection.id))))


def files_of(harness: Harness, row: Reflection) -> list[ReflectionFile]:
    with harness.session() as s:
        return list(
            s.exec(
                select(ReflectionFile)
                .where(ReflectionFile.reflection_id == row.id)
                .order_by(col(ReflectionFile.message_id))
            )
        )


async def three_replies(harness: Harness, invitation: int) -> dict[str, Any]:
    f = harness.fake
    wang = f.message(GROUP_ID, WANG, "学习了全会精神，深受教育。", reply_to=invitation)
    voice = f.file(VOICE, kind="voice", duration=72)
    li = f.message(GROUP_ID, LI, reply_to=invitation, voice=voice)
    photo = f.file(PHOTO, kind="photo")
    zhang = f.message(GROUP_ID, ZHANG, reply_to=invitation, photo=photo, caption="手写的心得")
    await harness.settle()
    return {"wang": wang, "li": li, "zhang": zhang}


async def test_members_reply_with_text_voice_photo_and_one_sends_privately(
    harness: Harness,
) -> None:
    await harness.start()
    await harness.setup_branch()
    session_id, invitation = await push_session(harness)
    f = harness.fake
    sent = await three_replies(harness, invitation)
    # Nothing is said while submissions may still be coming in.
    assert acks(harness) == []

    f.message(CHEN, CHEN, f"/start reflect_{session_id}")
    await harness.settle()
    assert "请在这里发来" in harness.texts(CHEN)[-1]
    [[cancel]] = f.sent(CHEN)[-1]["reply_markup"]["inline_keyboard"]
    assert cancel["text"] == "取消"
    f.message(CHEN, CHEN, voice=f.file(CHEN_VOICE, kind="voice", duration=45))
    await harness.settle()
    assert harness.texts(CHEN)[-1].startswith("已收到陈桂兰同志的语音心得（45秒），谢谢！")

    await thank(harness)
    [combined] = acks(harness)
    assert "王建国同志：文字心得" in combined
    assert "李秀英同志：语音心得（1分12秒）" in combined
    assert "张<伟>同志：照片心得" in combined
    assert "陈桂兰" not in combined  # thanked privately, where it came

    rows = stored(harness)
    assert [(r.kind, r.via, r.session_id) for r in rows] == [
        ("text", "reply", session_id),
        ("voice", "reply", session_id),
        ("photo", "reply", session_id),
        ("voice", "private", session_id),
    ]
    assert rows[0].text == "学习了全会精神，深受教育。"
    assert rows[1].duration == 72
    assert [(f.kind, f.size, f.duration) for f in files_of(harness, rows[1])] == [
        ("voice", len(VOICE), 72)
    ]
    assert rows[2].text == "手写的心得"
    assert [r.message_id for r in rows[:3]] == [sent[k]["message_id"] for k in sent]
    assert not any(r.late for r in rows)

    files = await archived(harness)
    assert [a.status for a in files] == ["done"] * 3
    assert files[0].rel_path == "老干之家/2026-11-26 主题党日/2026-11-26_李秀英_语音心得.ogg"
    assert files[1].rel_path == "老干之家/2026-11-26 主题党日/2026-11-26_张_伟_照片心得.jpg"
    root = harness.data_dir / "archive"
    contents = [(root / a.rel_path).read_bytes() for a in files]
    assert contents == [VOICE, PHOTO, CHEN_VOICE]

    # The same message delivered twice (a re-sent update) is recorded and thanked once.
    f.raw_update({"message": sent["wang"]})
    await harness.settle()
    await thank(harness)
    assert len(stored(harness)) == 4
    assert len(acks(harness)) == 1

    # An edit updates the stored text.
    f.edit(GROUP_ID, sent["wang"]["message_id"], "学习了全会精神，深受教育。补充：要多读原文。")
    await harness.settle()
    assert stored(harness)[0].text == "学习了全会精神，深受教育。补充：要多读原文。"


async def test_remind_names_exactly_those_who_have_not_submitted(harness: Harness) -> None:
    await harness.start()
    await harness.setup_branch()
    _, invitation = await push_session(harness)
    f = harness.fake
    for user_id in (WANG, CHEN):
        f.message(user_id, user_id, "/start")  # these two can be written to privately
    f.message(GROUP_ID, WANG, "我的心得：不忘初心。", reply_to=invitation)
    for user_id in (LI, ZHANG, CHEN, STAFF):
        f.message(GROUP_ID, user_id, "大家好")
    await harness.settle()

    f.message(GROUP_ID, LI, "/remind")
    await harness.settle()
    assert "只有支部书记和支委" in harness.texts(GROUP_ID)[-1]
    assert reminders(harness) == []

    command = f.message(GROUP_ID, SECRETARY, "/remind")
    await harness.settle()
    f.raw_update({"message": command})  # the same /remind seen twice
    await harness.settle()
    assert reminders(harness) == []  # nothing before the preview is confirmed, privately
    await follow_to_private(harness, GROUP_ID, SECRETARY)
    await tap(harness, SECRETARY, TP.CONFIRM_REMIND)

    [note] = reminders(harness)
    # The group hears a warm general note: nobody is named in front of everyone (the names go
    # privately to each, and into the secretary's /report; 群内提醒点名 would list them).
    for name in ("赵", "李秀英", "张&lt;伟&gt;", "陈桂兰", "王建国"):
        assert name not in note
    assert "不着急" in note
    [private] = reminders(harness, CHEN)
    assert private.startswith("陈桂兰同志，您好！")
    assert reminders(harness, WANG) == []  # submitted: never reminded
    button = f.sent(CHEN)[-1]["reply_markup"]["inline_keyboard"][0][0]
    assert button["url"].endswith("?start=reflect_1")


async def test_scheduled_reminders_and_catch_up_on_the_same_day(harness: Harness) -> None:
    await harness.start()
    await harness.setup_branch()
    _, invitation = await push_session(harness)  # reminders 11-28 09:00 and 12-03 09:00
    f = harness.fake
    f.message(GROUP_ID, WANG, "学习体会：坚定信心。", reply_to=invitation)
    f.message(GROUP_ID, LI, "大家好")
    await harness.settle()

    harness.clock.set(datetime(2026, 11, 28, 9, 0, 5, tzinfo=SHANGHAI))
    await harness.tick()
    [first] = reminders(harness)
    # Nobody is named in the group (李秀英 has not submitted, 王建国 has).
    assert "李秀英" not in first and "王建国" not in first
    assert "12月3日（周四）23:59前" in first  # the deadline as the invitation says it
    harness.clock.set(datetime(2026, 11, 28, 15, 0, tzinfo=SHANGHAI))
    await harness.tick()
    assert len(reminders(harness)) == 1

    # The bot was down at 09:00 on the deadline day; it catches up that evening.
    harness.clock.set(datetime(2026, 12, 3, 20, 0, tzinfo=SHANGHAI))
    await harness.tick()
    await harness.tick()
    assert len(reminders(harness)) == 2


async def test_a_reminder_missed_on_an_earlier_day_is_skipped(harness: Harness) -> None:
    await harness.start()
    await harness.setup_branch()
    await push_session(harness)
    harness.fake.message(GROUP_ID, LI, "大家好")
    await harness.settle()

    harness.clock.set(datetime(2026, 11, 29, 10, 0, tzinfo=SHANGHAI))
    await harness.tick()
    harness.clock.set(datetime(2026, 12, 4, 9, 30, tzinfo=SHANGHAI))  # after the deadline
    await harness.tick()
    assert reminders(harness) == []


async def test_single_thanks_say_what_came_and_big_voice_is_kept_by_file_id(
    harness: Harness,
) -> None:
    await harness.start()
    await harness.setup_branch()
    _, invitation = await push_session(harness)
    f = harness.fake
    wang = f.message(
        GROUP_ID, WANG, reply_to=invitation, voice=f.file(b"OggS", kind="voice", duration=72)
    )
    await harness.settle()
    await thank(harness)
    assert acks(harness) == ["已收到王建国同志的语音心得（1分12秒），谢谢！"]
    assert f.sent(GROUP_ID)[-1]["reply_to_message"]["message_id"] == wang["message_id"]

    big = f.file(None, size=25 * 1024 * 1024, kind="voice", duration=1800)
    f.message(GROUP_ID, LI, reply_to=invitation, voice=big)
    await harness.settle()
    await thank(harness)
    assert acks(harness)[-1] == "已收到李秀英同志的语音心得（30分钟），谢谢！"
    files = await archived(harness)
    assert files[-1].status == "too_big" and files[-1].file_id == big["file_id"]
    [big_file] = files_of(harness, stored(harness)[-1])
    assert big_file.size == 25 * 1024 * 1024


async def test_late_submissions_and_replies_to_an_older_session(harness: Harness) -> None:
    await harness.start()
    await harness.setup_branch()
    november, november_invitation = await push_session(harness, "十一月学习")
    harness.clock.set(datetime(2026, 12, 15, 9, 0, tzinfo=SHANGHAI))
    december, december_invitation = await push_session(harness, "十二月学习")
    f = harness.fake
    f.message(GROUP_ID, WANG, "补交十一月的心得", reply_to=november_invitation)
    f.message(GROUP_ID, LI, "十二月的心得", reply_to=december_invitation)
    f.message(GROUP_ID, ZHANG, "/reflect 用命令交的心得")
    await harness.settle()
    await thank(harness)

    rows = stored(harness)
    assert [(r.session_id, r.late, r.via) for r in rows] == [
        (november, True, "reply"),
        (december, False, "reply"),
        (december, False, "command"),
    ]
    assert rows[2].text == "用命令交的心得"
    [combined] = acks(harness)
    # Late, but the group thanks do not say so: lateness is kept in the ledger only.
    assert "王建国同志：文字心得" in combined and "截止" not in combined

    # The secretary looks at November's report by date, then switches to December's.
    f.message(SECRETARY, SECRETARY, "/report 11月26日")
    await harness.settle()
    report = f.sent(SECRETARY)[-1]
    assert (
        "十一月学习" in report["text"] and "王建国 — 文字 12月15日 09:00（逾期）" in report["text"]
    )
    [[other]] = report["reply_markup"]["inline_keyboard"]
    assert other["callback_data"] == ReportSession(december).build()
    f.press(SECRETARY, SECRETARY, report["message_id"], other["callback_data"])
    await harness.settle()
    shown = f.message_by_id(SECRETARY, report["message_id"])
    assert shown is not None and "十二月学习" in shown["text"] and "李秀英 — 文字" in shown["text"]
    f.message(SECRETARY, SECRETARY, "/report 2025-01-01")
    await harness.settle()
    assert "没有找到" in harness.texts(SECRETARY)[-1]
    f.message(SECRETARY, SECRETARY, "/report 2026-11-26")
    await harness.settle()
    assert "十一月学习" in harness.texts(SECRETARY)[-1]
    f.message(SECRETARY, SECRETARY, "/report 十一月那次")
    await harness.settle()
    refusal = harness.texts(SECRETARY)[-1]
    assert "没看懂“十一月那次”这个日子" in refusal and "11月8日" in refusal and "/report" in refusal


async def test_reflect_command_and_cancelling_the_private_chat(harness: Harness) -> None:
    await harness.start()
    await harness.setup_branch()
    session_id, _ = await push_session(harness)
    f = harness.fake
    f.message(GROUP_ID, WANG, "/reflect")
    await harness.settle()
    assert "/reflect 后面" in harness.texts(GROUP_ID)[-1]

    f.message(WANG, WANG, "/reflect 私下交的文字心得")
    await harness.settle()
    assert harness.texts(WANG)[-1].startswith("已收到王建国同志的文字心得，谢谢！")

    f.message(LI, LI, f"/start reflect_{session_id}")
    f.message(LI, LI, "/cancel")
    f.message(LI, LI, "这句不是心得")
    await harness.settle()
    # The prompt, then the cancellation; the message after it is not taken as a reflection,
    # only offered as one (a tap on 交上 would hand it in).
    prompt, cancelled, offered = harness.texts(LI)
    assert prompt.startswith("李秀英同志，请在这里发来您对“学习党的二十届四中全会精神”的心得")
    assert cancelled == RT.WAIT_CANCELLED
    assert offered == "要把这条作为本次主题党日“学习党的二十届四中全会精神”的心得交上吗？"
    with harness.session() as s:
        assert s.exec(select(ReflectionWait)).all() == []
    assert [(r.via, r.text) for r in stored(harness)] == [("command", "私下交的文字心得")]

    # The private chat does not wait for ever.
    f.message(LI, LI, f"/start reflect_{session_id}")
    await harness.settle()
    harness.clock.advance(timedelta(hours=13))
    f.message(LI, LI, "隔了一夜才发")
    await harness.settle()
    # Asked about like any message sent without the button, not taken as the reflection.
    assert harness.texts(LI)[-1].startswith("要把这条作为本次主题党日")
    assert len(stored(harness)) == 1

    f.message(OUTSIDER_ID, OUTSIDER_ID, f"/start reflect_{session_id}")
    await harness.settle()
    assert "不是这个支部群的成员" in harness.texts(OUTSIDER_ID)[-1]


OUTSIDER_ID = 3001


async def test_report_and_ledger_export_match_what_was_sent(
    harness: Harness, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    await harness.start()
    await harness.setup_branch()
    session_id, invitation = await push_session(harness)
    f = harness.fake
    f.message(SECRETARY, SECRETARY, "/start")
    sent = await three_replies(harness, invitation)
    f.message(GROUP_ID, CHEN, "大家好")
    await harness.settle()
    files = await archived(harness)

    f.message(GROUP_ID, SECRETARY, "/report")
    await harness.settle()
    assert harness.texts(GROUP_ID)[-1] == "台账已私聊发给您。"
    report = harness.texts(SECRETARY)[-1]
    assert "已提交（3人）" in report
    assert "1. 王建国 — 文字 11月26日 09:00" in report
    assert "2. 李秀英 — 语音1分12秒 11月26日 09:00" in report
    assert "3. 张<伟> — 照片 11月26日 09:00" in report
    # "赵 书记" from Telegram reads 赵书记, and is not called 赵书记同志.
    assert "未提交（2人）：赵书记、陈桂兰同志" in report
    assert "合计：应交 5 人，已交 3 人，未交 2 人，共收到 3 份材料。" in report

    f.message(STAFF, STAFF, "/export")
    await harness.settle()
    f.press(STAFF, STAFF, f.sent(STAFF)[-1]["message_id"], ExportMenu("ledger", 1).build())
    await harness.settle()
    menu = f.sent(STAFF)[-1]
    assert menu["reply_markup"]["inline_keyboard"][0][0]["text"].startswith("11月26日 学习")
    f.press(STAFF, STAFF, menu["message_id"], LedgerSession(session_id).build())
    await f.wait_until(lambda: len(f.sent(STAFF, method="sendDocument")) == 2, timeout=20)
    await harness.settle()
    assert any("正在整理2026年11月26日 主题党日的学习台账" in t for t in harness.texts(STAFF))
    xlsx_doc, zip_doc = f.sent(STAFF, method="sendDocument")
    assert xlsx_doc["document"]["file_name"].endswith(".xlsx")
    assert f.sent(GROUP_ID, method="sendDocument") == []

    book = openpyxl.load_workbook(io.BytesIO(f.upload(xlsx_doc["document"]["file_id"])))
    header, *body = list(book["台账明细"].iter_rows(values_only=True))
    assert header[2:] == (
        "姓名",
        "党员",
        "提交时间",
        "逾期",
        "形式",
        "心得内容",
        "语音时长（分:秒）",
        "存档文件",
    )
    at = datetime(2026, 11, 26, 9, 0)
    assert [row[2:] for row in body] == [
        ("赵书记", "否", None, None, "未提交", None, None, None),
        ("王建国", "否", at, "否", "文字", "学习了全会精神，深受教育。", None, None),
        ("李秀英", "否", at, "否", "语音", None, timedelta(seconds=72), files[0].rel_path),
        ("张<伟>", "否", at, "否", "照片", "手写的心得", None, files[1].rel_path),
        ("陈桂兰", "否", None, None, "未提交", None, None, None),
    ]
    _, totals = list(book["参与情况汇总"].iter_rows(values_only=True))
    assert totals[3:7] == (5, 3, 2, 0.6)
    assert book["参与情况汇总"]["G2"].number_format == "0%"

    archive = zipfile.ZipFile(io.BytesIO(f.upload(zip_doc["document"]["file_id"])))
    assert archive.namelist() == [files[0].rel_path, files[1].rel_path]
    assert archive.read(files[0].rel_path) == VOICE
    assert archive.read(files[1].rel_path) == PHOTO
    assert sent["li"]["voice"]["file_id"] == files[0].file_id

    # The same ledger from the command line.
    monkeypatch.setenv("YINLING_BOT_TOKEN", TOKEN)
    monkeypatch.setenv("YINLING_DATA_DIR", str(harness.data_dir))
    monkeypatch.setenv("YINLING_STAFF_IDS", str(STAFF))
    out, out_zip = tmp_path / "台账.xlsx", tmp_path / "原件.zip"
    assert (
        main(
            [
                "export",
                "ledger",
                "--session",
                str(session_id),
                "-o",
                str(out),
                "--zip",
                str(out_zip),
            ]
        )
        == 0
    )
    cli_book = openpyxl.load_workbook(out)
    assert list(cli_book["台账明细"].iter_rows(values_only=True))[1:] == body
    assert zipfile.ZipFile(out_zip).namelist() == archive.namelist()


async def test_only_admins_and_staff_get_the_ledger_and_never_in_the_group(
    harness: Harness,
) -> None:
    await harness.start()
    await harness.setup_branch()
    session_id, invitation = await push_session(harness)
    f = harness.fake
    f.message(GROUP_ID, WANG, "学习体会：坚定信心。", reply_to=invitation)
    f.message(GROUP_ID, WANG, "/export")
    f.message(WANG, WANG, "/export")
    f.message(GROUP_ID, WANG, "/report")
    await harness.settle()
    assert harness.texts(WANG)[-1] == T.NOT_STAFF
    refusal = f.sent(WANG)[-1]["message_id"]
    # Forged button presses from a member change nothing and send nothing.
    for data in (
        ExportMenu("ledger", 1).build(),
        LedgerSession(session_id).build(),
        LedgerPeriod("a", 1).build(),
        ReportSession(session_id).build(),
    ):
        f.press(WANG, WANG, refusal, data, force=True)
    await harness.settle()

    answers = [c.params.get("text", "") for c in f.calls if c.method == "answerCallbackQuery"]
    assert len(answers) == 4 and all("只有" in a for a in answers)
    assert f.sent(WANG, method="sendDocument") == []
    assert f.sent(GROUP_ID, method="sendDocument") == []
    assert len(f.sent(WANG)) == 1
    assert not any("学习台账" in t for t in harness.texts(GROUP_ID))


async def test_audio_video_notes_and_documents_count_too(harness: Harness) -> None:
    await harness.start()
    await harness.setup_branch()
    _, invitation = await push_session(harness)
    f = harness.fake
    audio = f.file(b"ID3 audio", kind="audio", duration=130, file_name="发言.mp3")
    note = f.file(b"mp4 note", kind="video_note", duration=30)
    doc = f.file(b"%PDF-1.4 reflection", file_name="../../心得.pdf")
    f.message(GROUP_ID, WANG, reply_to=invitation, audio=audio)
    f.message(GROUP_ID, LI, reply_to=invitation, video_note=note)
    f.message(GROUP_ID, ZHANG, reply_to=invitation, document=doc, caption="我的书面心得")
    f.message(GROUP_ID, CHEN, "这不是回复，不算心得")
    await harness.settle()
    await thank(harness)

    assert [(r.kind, r.duration, r.text) for r in stored(harness)] == [
        ("audio", 130, None),
        ("video_note", 30, None),
        ("document", None, "我的书面心得"),
    ]
    [combined] = acks(harness)
    assert "录音心得（2分10秒）" in combined and "视频心得（30秒）" in combined
    assert "张<伟>同志：文件心得" in combined
    files = await archived(harness)
    assert [a.rel_path.rsplit("/", 1)[1] for a in files] == [
        "2026-11-26_王建国_录音心得.mp3",
        "2026-11-26_李秀英_视频心得.mp4",
        "2026-11-26_张_伟_文件心得.pdf",
    ]
    assert (harness.data_dir / "archive" / files[2].rel_path).read_bytes() == b"%PDF-1.4 reflection"


async def test_a_reply_to_the_reminder_counts_as_a_reflection(harness: Harness) -> None:
    await harness.start()
    await harness.setup_branch()
    await push_session(harness)
    f = harness.fake
    f.message(GROUP_ID, LI, "大家好")
    await harness.settle()
    await remind_confirmed(harness, GROUP_ID, SECRETARY)
    reminder = next(m for m in f.sent(GROUP_ID) if "还没" in (m.get("text") or ""))

    f.message(GROUP_ID, LI, "收到提醒，补交心得：坚定理想信念。", reply_to=reminder["message_id"])
    await harness.settle()

    assert [(r.kind, r.text) for r in stored(harness)] == [
        ("text", "收到提醒，补交心得：坚定理想信念。")
    ]


async def test_a_member_renamed_in_telegram_is_thanked_by_the_new_name_unless_on_the_roster(
    harness: Harness,
) -> None:
    await harness.start()
    await harness.setup_branch()
    _, invitation = await push_session(harness)
    f = harness.fake
    f.message(GROUP_ID, WANG, "学习了全会精神。", reply_to=invitation)
    f.message(GROUP_ID, LI, "我也学习了。", reply_to=invitation)
    await harness.settle()
    await thank(harness)
    with harness.session() as s:
        li = s.exec(select(Member).where(Member.user_id == LI)).one()
        li.on_roster = True  # 李秀英 is linked to the roster: that name is the name of record
        s.add(li)
        s.commit()

    # Both change their names in Telegram; the bot has seen them a moment ago (cached).
    f.rename(WANG, "王建华")
    f.rename(LI, "Li", "Xiuying")
    f.message(GROUP_ID, WANG, "补充一点体会：学习要落到实处。", reply_to=invitation)
    f.message(GROUP_ID, LI, "补充一点：要把学习和生活结合起来。", reply_to=invitation)
    await harness.settle()
    await thank(harness)
    last = acks(harness)[-1]
    assert "王建华同志" in last and "王建国" not in last
    assert "李秀英同志" in last and "Xiuying" not in last
    with harness.session() as s:
        names = {m.user_id: m.name for m in s.exec(select(Member)).all()}
    assert names[WANG] == "王建华" and names[LI] == "李秀英"
