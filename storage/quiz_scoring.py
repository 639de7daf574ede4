"""How a knowledge quiz is scored: pure functions over the options members chose.

A question is answered correctly when the chosen options are exactly the correct ones; a
multiple-answer question with one option missing or one too many earns nothing (the usual rule
of Chinese knowledge tests: 少选、错选均不得分). Scores always come from the stored choices,
never from anything a member typed.

This module must not touch the database, Telegram or the clock.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache

LETTERS = "ABCDEFGHIJ"


def encode_choice(indexes: Iterable[int]) -> str:
    """Chosen (or correct) option indexes as stored: sorted, comma-separated ("0,2")."""
    return ",".join(str(i) for i in sorted(set(indexes)))


@lru_cache(maxsize=4096)
def decode_choice(stored: str) -> frozenset[int]:
    """The indexes in a stored choice; an empty string is no choice (cached: exports decode
    hundreds of thousands of the same few strings)."""
    return frozenset(int(part) for part in stored.split(",") if part.strip())


def letters(indexes: Iterable[int]) -> str:
    """Option indexes as the letters printed on the paper ({0, 2} → "AC")."""
    if isinstance(indexes, frozenset):
        return _letters(indexes)
    return _letters(frozenset(indexes))


@lru_cache(maxsize=4096)
def _letters(indexes: frozenset[int]) -> str:
    return "".join(LETTERS[i] for i in sorted(indexes))


def is_correct(chosen: Iterable[int], answer: Iterable[int]) -> bool:
    """Right only when exactly the correct options were chosen."""
    picked = frozenset(chosen)
    return bool(picked) and picked == frozenset(answer)


def points_for(chosen: Iterable[int], answer: Iterable[int], points: int) -> int:
    """The points one answer earns: all of the question's points, or none."""
    return points if is_correct(chosen, answer) else 0


@dataclass(frozen=True)
class Key:
    """What scoring needs to know about a question."""

    answer: frozenset[int]
    points: int


@dataclass(frozen=True)
class Score:
    """One answer sheet's result."""

    points: int
    correct: int
    answered: int


def score_sheet(choices: Mapping[int, Iterable[int]], keys: Mapping[int, Key]) -> Score:
    """Score an answer sheet: `choices` maps question id → chosen indexes."""
    total = correct = answered = 0
    for question_id, chosen in choices.items():
        key = keys.get(question_id)
        if key is None:
            continue
        answered += 1
        if is_correct(chosen, key.answer):
            correct += 1
            total += key.points
    return Score(points=total, correct=correct, answered=answered)


def better(a: Score, b: Score) -> bool:
    """True if sheet `a` should count instead of `b` (more points, then more answered)."""
    return (a.points, a.answered) > (b.points, b.answered)


def average(values: Iterable[int | float]) -> float | None:
    """The mean, or None when there is nothing to average."""
    items = list(values)
    return sum(items) / len(items) if items else None


def format_number(value: float) -> str:
    """A score for people: 8 → "8", 7.5 → "7.5", 7.333 → "7.3"."""
    rounded = round(value, 1)
    return str(int(rounded)) if rounded == int(rounded) else f"{rounded:.1f}"


def percent(part: int, whole: int) -> float | None:
    """part/whole as a percentage rounded to one decimal, or None when whole is 0."""
    return round(100.0 * part / whole, 1) if whole else None


@dataclass
class Tally:
    """How one question went: how many answered, how many were right, the wrong choices."""

    answered: int = 0
    correct: int = 0
    wrong: dict[frozenset[int], int] | None = None

    def add(self, chosen: frozenset[int], key: Key) -> None:
        self.answered += 1
        if is_correct(chosen, key.answer):
            self.correct += 1
            return
        if self.wrong is None:
            self.wrong = {}
        self.wrong[chosen] = self.wrong.get(chosen, 0) + 1

    @property
    def accuracy(self) -> float | None:
        return percent(self.correct, self.answered)

    def most_common_wrong(self) -> tuple[str, int] | None:
        """The wrong answer chosen most often, as letters, with its count (ties: A before B)."""
        if not self.wrong:
            return None
        chosen, count = min(self.wrong.items(), key=lambda item: (-item[1], letters(item[0])))
        return letters(chosen), count


def tally(
    sheets: Iterable[Mapping[int, frozenset[int]]], keys: Mapping[int, Key]
) -> dict[int, Tally]:
    """Per-question tallies over answer sheets (question id → Tally, every question present)."""
    result = {qid: Tally() for qid in keys}
    for choices in sheets:
        for qid, chosen in choices.items():
            if qid in result:
                result[qid].add(chosen, keys[qid])
    return result
