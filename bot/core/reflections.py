"""Pure rules for reflections: what a submission is called, whether a short reply is only an
acknowledgment, when a reminder is due. No Telegram, no database: plain values in, plain
values out."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta
from functools import cache
from zoneinfo import ZoneInfo

from bot.core.cn_format import duration
from bot.texts import reflections as T
from storage.reflections import KIND_NAMES, KIND_UNITS, TIMED_KINDS

# A combined thanks never waits longer than this after the first submission it names.
ACK_MAX_WAIT = timedelta(seconds=90)
DEFAULT_ACK_DELAY = 15
# A private album is thanked once its pages have stopped arriving for this long (Telegram
# sends an album's pages within a second or two).
ALBUM_QUIET = timedelta(seconds=5)
# What a member sends privately without pressing "📝 提交心得" is offered as their reflection
# for their branch's latest session until this long after its deadline (then marked late, as
# a late reply in the group would be).
OFFER_AFTER_DEADLINE = timedelta(days=3)


def _count(kind: str, files: int) -> str:
    return f"{files}{KIND_UNITS.get(kind, '个')}" if files > 1 else ""


def describe(kind: str, seconds: int | None = None, files: int = 1) -> str:
    """What was received: "语音心得（1分12秒）", "照片心得", "照片心得（3张）"."""
    label = T.KIND_LABELS.get(kind, "心得")
    detail = _count(kind, files) or (duration(seconds) if kind in TIMED_KINDS else "")
    return f"{label}（{detail}）" if detail else label


def describe_added(kind: str, seconds: int | None = None, files: int = 1) -> str:
    """What was added to a submission thanked before: "照片（2张）", "语音（30秒）"."""
    label = KIND_NAMES.get(kind, "心得")
    detail = _count(kind, files) or (duration(seconds) if kind in TIMED_KINDS else "")
    return f"{label}（{detail}）" if detail else label


def short_kind(kind: str, seconds: int | None = None, files: int = 1) -> str:
    """For /report: "语音1分12秒", "照片", "照片3张"."""
    label = KIND_NAMES.get(kind, kind)
    detail = _count(kind, files) or (duration(seconds) if kind in TIMED_KINDS else "")
    return f"{label}{detail}"


# --- "收到", "好的", "👍": acknowledging a post is not reflecting on it ------------------------

# Longer than this (in letters and digits, punctuation and emoji left out), a reply is taken
# as a sentence whatever its words: a real reflection is never lost to the word list.
ACK_MAX_LETTERS = 12
# Replies this short are never a reflection, whatever they say ("好", "1", "OK", "党性").
ACK_ALWAYS_LETTERS = 2


def _words(*groups: str) -> frozenset[str]:
    return frozenset(word for group in groups for word in group.split())


# What people write to say "seen", "will do", "thank you" or "hello", as the branch's members
# do in a group chat (with WeChat's bracketed emoji names typed out: [强] [抱拳] [玫瑰]).
ACK_WORDS = _words(
    # seen, received, understood
    "收到 已收到 收悉 已阅 阅 已读 已看 看了 看到 看到了 知道 知道了 晓得 明白 明白了 了解 "
    "懂了 清楚 "
    # yes, fine
    "好 好的 好滴 好嘞 好勒 好哒 好好 行 可以 没问题 嗯 恩 哦 噢 喔 对 是 是的 对的 收 "
    "ok okay yes "
    # thanks and praise
    "谢谢 谢了 多谢 感谢 感恩 辛苦 辛苦了 赞 点赞 棒 真棒 很好 非常好 太好了 支持 "
    "thanks thank thx "
    # greetings
    "你好 您好 大家好 早 早上好 早安 上午好 中午好 下午好 晚上好 晚安 再见 拜拜 哈哈 "
    "呵呵 嘿嘿 "
    # "I studied it" / "will hand it in": a promise, not the reflection itself
    "学习 学习了 已学习 已学 学了 认真学习 好好学习 一定 按时 准时 马上 稍后 晚点 明天 "
    "参加 交 提交 补交 心得 "
    # WeChat's bracketed emoji names typed as text
    "强 抱拳 玫瑰 微笑 握手 鼓掌 爱心 胜利 拳头 呲牙",
)
# Particles, pronouns and forms of address that may surround those words ("好的书记",
# "收到了，谢谢大家", "我们一定按时参加").
ACK_FILLERS = _words(
    "了 啦 呀 啊 哈 嘛 呢 的 吧 哟 喽 咯 呐 滴 我 我们 你 您 你们 大家 各位 书记 老师 同志 "
    "领导 都 也 会 就 一下 非常 很 真 太 再 you",
)
_ACK_TOKENS = ACK_WORDS | ACK_FILLERS
_ACK_LONGEST = max(len(t) for t in _ACK_TOKENS)


def letters_of(text: str) -> str:
    """The text's letters and digits, lower-cased: spaces, punctuation, symbols and emoji
    (with their joiners, variation selectors and skin tones) left out."""
    kept = (ch for ch in text if unicodedata.category(ch)[0] in "LN")
    return "".join(kept).lower()


def is_acknowledgment(text: str | None) -> bool:
    """A reply that only acknowledges a post ("收到", "好的，知道了", "👍", "谢谢书记！"), not a
    reflection on it: nothing but emoji and punctuation, at most two letters, or up to twelve
    letters made only of acknowledging words and the particles and addresses around them."""
    core = letters_of(text or "")
    if len(core) <= ACK_ALWAYS_LETTERS:
        return True
    if len(core) > ACK_MAX_LETTERS:
        return False
    return core.isdigit() or _made_of_ack_words(core)


@cache
def _made_of_ack_words(core: str) -> bool:
    """Can `core` be cut into acknowledging words and fillers, with at least one word?"""
    # reach[i]: (can core[:i] be cut, does that cut have a word) - the best of each.
    reach: list[tuple[bool, bool]] = [(True, False)] + [(False, False)] * len(core)
    for end in range(1, len(core) + 1):
        for start in range(max(0, end - _ACK_LONGEST), end):
            ok, has_word = reach[start]
            token = core[start:end]
            if ok and token in _ACK_TOKENS:
                word = has_word or token in ACK_WORDS
                if not reach[end][0] or (word and not reach[end][1]):
                    reach[end] = (True, word)
    ok, has_word = reach[len(core)]
    return ok and has_word


def open_for_offer(deadline: datetime, now: datetime) -> bool:
    """May a private message still be offered as a reflection for a session due then?"""
    return now <= deadline + OFFER_AFTER_DEADLINE


def due_reminder(
    reminders: Sequence[datetime],
    *,
    pushed_at: datetime | None,
    deadline: datetime,
    now: datetime,
    tz: ZoneInfo,
) -> datetime | None:
    """The reminder to send now, if any.

    A reminder that fell due while the bot was down is still sent on the same local day (the
    push's catch-up rule) and skipped after that; if several are due the same day only the
    latest is sent, so members never get two notes at once.
    """
    if pushed_at is None or now > deadline:
        return None
    today = now.astimezone(tz).date()
    due = [
        r
        for r in reminders
        if pushed_at <= r <= now and r < deadline and r.astimezone(tz).date() == today
    ]
    return max(due) if due else None


def ack_ready(
    submitted: Iterable[datetime], *, now: datetime, delay: timedelta, max_wait: timedelta
) -> bool:
    """Thank now: nothing new arrived for `delay`, or the first one has waited `max_wait`."""
    times = list(submitted)
    if not times:
        return False
    return now - max(times) >= delay or now - min(times) >= max_wait


def months_back(today: date, months: int) -> date:
    """The same day `months` months earlier (clamped to that month's last day)."""
    month_index = today.year * 12 + (today.month - 1) - months
    year, month = divmod(month_index, 12)
    day = today.day
    while True:
        try:
            return date(year, month + 1, day)
        except ValueError:
            day -= 1
