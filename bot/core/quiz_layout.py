"""How quizzes look and what their commands and buttons say: pure functions, no Telegram calls.

Poll texts within Telegram's limits, the option buttons of a private question (their callback
data is in handlers/callbacks.py), and the words of `/quiz start`. Tested in tests/unit/test_quiz_layout.py.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from bot.texts import fmt
from bot.texts import quiz as T
from storage.quiz import DEFAULT_HOURS, MAX_HOURS
from storage.quiz_scoring import LETTERS

# Telegram: quiz explanation 0-200 characters with at most 2 line feeds; question 1-300.
POLL_QUESTION_MAX = 300
POLL_EXPLANATION_MAX = 200
POLL_EXPLANATION_LINES = 3
# Option text fits on a button up to this length; longer options go into the message and the
# buttons carry only their letters.
BUTTON_TEXT_MAX = 20

GROUP_WORDS = frozenset({"group", "g", "群", "群里", "群内", "群聊", "投票"})
PRIVATE_WORDS = frozenset({"private", "p", "私聊", "私下", "单独"})
SCORES_WORDS = frozenset({"公布成绩", "公布", "公布分数", "scores", "show"})
RETRY_WORDS = frozenset({"可重答", "重答", "可重做", "允许重答", "retry", "again"})
_HOURS_RE = re.compile(r"(\d{1,6})(?:h|小时|時)?", re.IGNORECASE)


def utf16_len(text: str) -> int:
    """Length as Telegram counts it (an emoji or rare character counts 2)."""
    return len(text.encode("utf-16-le")) // 2


def cut(text: str, limit: int) -> str:
    """`text` within `limit` UTF-16 units, ending in … when it had to be shortened."""
    if utf16_len(text) <= limit:
        return text
    out = []
    used = 0
    for char in text:
        size = utf16_len(char)
        if used + size > limit - 1:
            break
        out.append(char)
        used += size
    return "".join(out).rstrip() + "…"


def poll_question(position: int, text: str, multiple: bool) -> str:
    """The poll's question: "3. text（多选）" when that fits in 300, else as much as fits."""
    suffix = T.POLL_MULTI if multiple else ""
    for candidate in (f"{position}. {text}{suffix}", f"{text}{suffix}", text):
        if utf16_len(candidate) <= POLL_QUESTION_MAX:
            return candidate
    return cut(text, POLL_QUESTION_MAX)


def poll_explanation(text: str) -> str:
    """The explanation shown under a quiz poll: at most 3 lines and 200 characters."""
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    if len(lines) > POLL_EXPLANATION_LINES:
        lines = [
            *lines[: POLL_EXPLANATION_LINES - 1],
            " ".join(lines[POLL_EXPLANATION_LINES - 1 :]),
        ]
    return cut("\n".join(lines), POLL_EXPLANATION_MAX)


# --- private answering ---------------------------------------------------------------------


@dataclass(frozen=True)
class Layout:
    """Where a question's options are shown: on the buttons, or in the text with letters."""

    options_in_text: bool
    labels: tuple[str, ...]


def layout(options: Sequence[str], ticked: frozenset[int] = frozenset()) -> Layout:
    """Button labels for a question's options (✔ before ticked ones of a multi-answer)."""
    in_text = any(utf16_len(o) > BUTTON_TEXT_MAX for o in options)
    labels = []
    for index, option in enumerate(options):
        label = LETTERS[index] if in_text else f"{LETTERS[index]}. {option}"
        labels.append(("✔ " + label) if index in ticked else label)
    return Layout(options_in_text=in_text, labels=tuple(labels))


# --- /quiz start -------------------------------------------------------------------------------


@dataclass(frozen=True)
class StartArgs:
    quiz_id: int
    mode: str
    hours: int = DEFAULT_HOURS
    show_scores: bool = False
    allow_retry: bool = False


class ArgsError(ValueError):
    """The words of a command could not be understood; `text` is the reply (HTML-safe)."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.text = text


def parse_start(words: Sequence[str]) -> StartArgs:
    """`<id> group|private [hours] [公布成绩] [可重答]`, in any order after the id."""
    if not words or not words[0].isdigit():
        raise ArgsError(T.USAGE)
    quiz_id = int(words[0])
    mode: str | None = None
    hours = DEFAULT_HOURS
    show_scores = allow_retry = False
    for word in words[1:]:
        key = word.strip().lower()
        if key in GROUP_WORDS:
            mode = "group"
        elif key in PRIVATE_WORDS:
            mode = "private"
        elif key in SCORES_WORDS:
            show_scores = True
        elif key in RETRY_WORDS:
            allow_retry = True
        elif m := _HOURS_RE.fullmatch(key):
            hours = int(m[1])
            if not 1 <= hours <= MAX_HOURS:
                raise ArgsError(fmt(T.BAD_HOURS, max=MAX_HOURS))
        else:
            raise ArgsError(fmt(T.BAD_WORD, word=word))
    if mode is None:
        raise ArgsError(fmt(T.BAD_MODE, id=quiz_id))
    return StartArgs(quiz_id, mode, hours, show_scores, allow_retry)
