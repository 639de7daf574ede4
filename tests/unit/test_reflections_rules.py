"""Pure rules for reflections: how a submission is described, when reminders and thanks are due."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from bot.core.reflections import (
    ACK_ALWAYS_LETTERS,
    ACK_FILLERS,
    ACK_MAX_LETTERS,
    ACK_WORDS,
    ack_ready,
    describe,
    due_reminder,
    is_acknowledgment,
    letters_of,
    months_back,
    short_kind,
)

TZ = ZoneInfo("Asia/Shanghai")


def at(day: int, hour: int, minute: int = 0, month: int = 11) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=TZ)


def test_what_was_received() -> None:
    assert describe("voice", 72) == "语音心得（1分12秒）"
    assert describe("text") == "文字心得"
    assert describe("photo", 10) == "照片心得"  # photos have no length
    assert describe("video_note", 0) == "视频心得"
    assert short_kind("audio", 65) == "录音1分5秒"


REMINDERS = [at(28, 9), at(3, 9, month=12)]
PUSHED = at(26, 9)
DEADLINE = at(3, 23, 59, month=12)


def due(now: datetime, reminders: list[datetime] = REMINDERS) -> datetime | None:
    return due_reminder(reminders, pushed_at=PUSHED, deadline=DEADLINE, now=now, tz=TZ)


def test_a_reminder_is_due_from_its_time_to_the_end_of_that_local_day() -> None:
    assert due(at(28, 8, 59)) is None
    assert due(at(28, 9)) == at(28, 9)
    assert due(at(28, 23, 59)) == at(28, 9)
    assert due(at(29, 0, 1)) is None  # missed yesterday: skipped, not sent a day late
    assert due(at(3, 20, month=12)) == at(3, 9, month=12)


def test_no_reminders_after_the_deadline_or_before_the_push() -> None:
    assert due(at(4, 9, month=12)) is None
    assert due_reminder(REMINDERS, pushed_at=None, deadline=DEADLINE, now=at(28, 10), tz=TZ) is None
    late_push = at(28, 10)
    assert (
        due_reminder(REMINDERS, pushed_at=late_push, deadline=DEADLINE, now=at(28, 11), tz=TZ)
        is None
    )


def test_two_reminders_due_the_same_day_send_only_the_latest() -> None:
    same_day = [at(28, 9), at(28, 15)]
    assert due(at(28, 16), same_day) == at(28, 15)


def test_thanks_wait_for_a_quiet_moment_but_not_forever() -> None:
    start = at(26, 9)
    delay, max_wait = timedelta(seconds=15), timedelta(seconds=90)
    assert not ack_ready([], now=start, delay=delay, max_wait=max_wait)
    assert not ack_ready([start], now=start + timedelta(seconds=10), delay=delay, max_wait=max_wait)
    assert ack_ready([start], now=start + timedelta(seconds=15), delay=delay, max_wait=max_wait)
    busy = [start + timedelta(seconds=s) for s in range(0, 100, 5)]
    assert ack_ready(busy, now=start + timedelta(seconds=96), delay=delay, max_wait=max_wait)


@pytest.mark.parametrize(
    ("today", "back", "expected"),
    [
        (date(2026, 11, 26), 3, date(2026, 8, 26)),
        (date(2026, 2, 15), 3, date(2025, 11, 15)),
        (date(2026, 5, 31), 3, date(2026, 2, 28)),
        (date(2028, 5, 31), 3, date(2028, 2, 29)),
    ],
)
def test_months_back(today: date, back: int, expected: date) -> None:
    assert months_back(today, back) == expected


# --- "收到", "好的", "👍": acknowledgments are not reflections ----------------------------------

ACKNOWLEDGMENTS = [
    "收到",
    "收到！",
    "收到了",
    "收到，谢谢",
    "收到了，谢谢大家",
    "已收到",
    "好",
    "好的",
    "好的，知道了",
    "好的书记",
    "好滴～",
    "嗯嗯",
    "哦",
    "是的",
    "对",
    "OK",
    "ok!",
    "Okay",
    "Thanks",
    "thank you",
    "谢谢",
    "谢谢书记！",
    "谢谢您，辛苦了",
    "多谢各位领导",
    "感谢",
    "辛苦了🙏",
    "赞",
    "点赞👍👍👍",
    "👍",
    "🙏🙏",
    "❤️",
    "👍🏻",  # with a skin tone
    "👨‍👩‍👧",  # joined by zero-width joiners
    "🌹🌹🌹",
    "。。。",
    "？",
    "…",
    "",
    "   ",
    "1",
    "+1",
    "111",
    "666",
    "1️⃣",
    "您好",
    "大家好！",
    "早上好",
    "晚安",
    "学习了",
    "已学习",
    "认真学习",
    "我们一定按时参加",
    "马上交",
    "稍后交心得",
    "明天提交",
    "好的[强][强]",
    "[抱拳][抱拳]",
    "[玫瑰]",
    "知道了，谢谢书记",
    "没问题",
    "可以",
    "已阅",
    "明白",
    "党性",  # two letters: never a reflection, whatever they are
]

REFLECTIONS = [
    "学习了全会精神，深受教育。",
    "受益匪浅",
    "深受教育",
    "不忘初心",
    "坚持学习",
    "牢记使命",
    "我的心得：不忘初心。",
    "收到提醒，补交心得：坚定理想信念。",
    "好的，我谈三点体会",
    "学习了，体会很深",
    "谢谢书记，我想说两句：要多读原文。",
    "收到收到收到收到收到收到收到",  # over twelve letters: taken as written
    "好的好的好的好的好的好的好的",
    "👍 学习全会精神，深受教育",
    "要把学习成果转化为行动",
    "老有所为",
    "发挥余热",
    "知行合一",
]


@pytest.mark.parametrize("text", ACKNOWLEDGMENTS)
def test_short_acknowledgments_are_not_reflections(text: str) -> None:
    assert is_acknowledgment(text)


@pytest.mark.parametrize("text", REFLECTIONS)
def test_real_sentences_count_even_when_short(text: str) -> None:
    assert not is_acknowledgment(text)


def test_none_is_an_acknowledgment() -> None:
    assert is_acknowledgment(None)


def test_letters_leave_out_punctuation_emoji_and_spaces() -> None:
    assert letters_of("好的，👍🏻 知道了！OK") == "好的知道了ok"
    assert letters_of("１２３") == "１２３"  # full-width digits are digits
    assert letters_of("🇨🇳❤️‍🔥") == ""


@pytest.mark.parametrize("word", sorted(ACK_WORDS))
def test_every_word_alone_and_dressed_up_is_an_acknowledgment(word: str) -> None:
    for dressed in (word, f"{word}！", f"{word}👍", f" {word}。", f"{word}了", f"{word}，书记"):
        assert is_acknowledgment(dressed), dressed


@pytest.mark.parametrize("text", ["了了了", "我们我们", "大家大家", "书记书记书记", "您您您"])
def test_fillers_without_an_acknowledging_word_are_kept(text: str) -> None:
    assert not is_acknowledgment(text)


@given(st.text(alphabet=st.characters(categories=["P", "S", "Z", "M", "Cf"])))
def test_nothing_but_punctuation_symbols_and_emoji_is_an_acknowledgment(text: str) -> None:
    assert is_acknowledgment(text)


@given(st.text(min_size=ACK_MAX_LETTERS + 1))
def test_more_than_twelve_letters_always_count(text: str) -> None:
    assume(len(letters_of(text)) > ACK_MAX_LETTERS)
    assert not is_acknowledgment(text)


@given(
    st.lists(st.sampled_from(sorted(ACK_WORDS | ACK_FILLERS)), min_size=1, max_size=6),
    st.sampled_from(["", "，", "！", "👍", " ", "～", "。"]),
)
def test_known_words_in_any_order_are_acknowledgments_while_short(
    tokens: list[str], separator: str
) -> None:
    text = separator.join(tokens)
    core = letters_of(text)
    has_word = any(t in ACK_WORDS for t in tokens)
    if len(core) <= ACK_ALWAYS_LETTERS or (has_word and len(core) <= ACK_MAX_LETTERS):
        assert is_acknowledgment(text)
    if len(core) > ACK_MAX_LETTERS:
        assert not is_acknowledgment(text)


@given(st.text(alphabet="受益匪浅坚定理想信念牢记使命体会深刻", min_size=3, max_size=12))
def test_words_outside_the_list_make_it_a_reflection(text: str) -> None:
    # None of these characters is an acknowledging word or filler, so any three of them are
    # a (short) sentence to keep.
    assert not is_acknowledgment(text)
