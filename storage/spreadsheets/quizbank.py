"""Quiz question banks: the upload format (parse and check) and the blank template.

A bank is one sheet: a header row naming the columns in Chinese, then one question per row:

    题目 | 选项A … 选项J | 答案 | 解析 (optional) | 分值 (optional, default 1)

``parse_quiz_bank`` checks the whole file and either returns every question or raises
``BankError`` listing *every* problem by row, so the secretary fixes the file once. Nothing is
returned from a file with any mistake: half a quiz is worse than none.

This module must not touch the database or Telegram; it turns bytes into plain values.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

from .errors import Problem, ProblemsError, SheetError, quote
from .limits import SheetTooBig
from .tables import Cell, Table, cell_text, header_key, match_columns, read_table
from .writers import template_xlsx

__all__ = [
    "MAX_QUESTIONS",
    "BankError",
    "BankProblem",
    "Question",
    "check_quiz_bank",
    "parse_quiz_bank",
    "quiz_template",
]

MAX_QUESTIONS = 500
LETTERS = "ABCDEFGHIJ"
MAX_POINTS = 100

# Telegram poll limits (Bot API sendPoll): question 1–300 characters, each option 1–100.
POLL_QUESTION_MAX = 300
POLL_OPTION_MAX = 100
# Without polls the bot sends questions as messages with buttons; these generous caps only keep
# one pasted essay from producing an unreadable question (a message holds 4096 characters).
TEXT_QUESTION_MAX = 1000
TEXT_OPTION_MAX = 200
EXPLANATION_MAX = 1000

_HEADER_HELP = "题目、选项A、选项B、选项C、选项D、答案、解析、分值"
_ANSWER_SEPARATORS = re.compile(r"[\s,，、;；/|和及]+")
_OPTION_RE = re.compile(r"(?:选项)?([A-J])[.、]?")

BankProblem = Problem
_Say = Callable[[str], None]


class BankError(ProblemsError):
    """A question bank with mistakes; ``problems`` lists them all, ``describe()`` for the chat."""

    subject = "题库"


@dataclass(frozen=True)
class Question:
    """One checked question; ``answer`` holds 0-based indexes into ``options``."""

    text: str
    options: tuple[str, ...]
    answer: frozenset[int]
    explanation: str
    points: int
    row: int

    @property
    def multiple(self) -> bool:
        """True for a multiple-answer question (more than one correct option)."""
        return len(self.answer) > 1


def _classify(key: str) -> str | None:
    if key in ("题目", "题干", "问题", "试题", "题目内容"):
        return "题目"
    if key in ("答案", "正确答案", "参考答案", "标准答案"):
        return "答案"
    if key in ("解析", "答案解析", "题目解析", "解释"):
        return "解析"
    if key in ("分值", "分数", "每题分值"):
        return "分值"
    if m := _OPTION_RE.fullmatch(key):
        return "选项" + m[1]
    return None


def _looks_like_header(names: tuple[str, ...]) -> bool:
    found = {_classify(header_key(n)) for n in names}
    return "题目" in found and "答案" in found


def parse_quiz_bank(data: bytes, file_name: str, *, for_polls: bool = True) -> list[Question]:
    """Read and check a question bank; every question, or ``BankError`` with every problem.

    ``for_polls`` applies Telegram's poll limits (question ≤ 300, option ≤ 100 characters).
    A file beyond any bank's size raises ``SheetTooBig`` (not a ``BankError``: there is
    nothing to fix row by row).
    """
    questions, problems = _check(_read(data, file_name), for_polls=for_polls)
    if problems:
        raise BankError(problems)
    return questions


def check_quiz_bank(data: bytes, file_name: str) -> tuple[list[Question], BankError | None]:
    """Read the file once: every question for answering privately (or ``BankError``), and why
    it cannot run as group polls (None if it can)."""
    table = _read(data, file_name)
    questions, problems = _check(table, for_polls=False)
    if problems:
        raise BankError(problems)
    _, poll_problems = _check(table, for_polls=True)
    return questions, BankError(poll_problems) if poll_problems else None


def _read(data: bytes, file_name: str) -> Table:
    try:
        return read_table(data, file_name, max_rows=MAX_QUESTIONS, is_header=_looks_like_header)
    except SheetTooBig:
        raise
    except SheetError as exc:
        raise BankError([Problem(None, exc.message)]) from exc


def _check(table: Table, *, for_polls: bool) -> tuple[list[Question], list[Problem]]:
    columns, duplicated = match_columns(table.header, _classify)
    problems = [Problem(None, m) for m in duplicated]

    missing = [name for name in ("题目", "答案") if name not in columns]
    option_columns = [c for c in LETTERS if "选项" + c in columns]
    if len(option_columns) < 2:
        missing.append("选项A、选项B")
    if missing:
        problems.append(
            Problem(
                None,
                "表头缺少这些列：" + "、".join(f"“{m}”" for m in missing) + "。"
                f"第一行应写：{_HEADER_HELP}（解析、分值可以不填）。",
            )
        )
        return [], problems

    if table.truncated:
        problems.append(
            Problem(
                None,
                f"题目超过了{MAX_QUESTIONS}道，一次最多上传{MAX_QUESTIONS}道，请分成几个文件。",
            )
        )
    if not table.rows:
        problems.append(Problem(None, "文件里还没有题目，请在表头下面每行填写一道题。"))

    question_max = POLL_QUESTION_MAX if for_polls else TEXT_QUESTION_MAX
    option_max = POLL_OPTION_MAX if for_polls else TEXT_OPTION_MAX
    seen: dict[str, int] = {}
    questions: list[Question] = []

    for table_row in table.rows:
        row = table_row.row
        cells = table_row.cells
        before = len(problems)

        def say(message: str, row: int = row) -> None:
            problems.append(Problem(row, message))

        def text(column: str, cells: tuple[Cell, ...] = cells) -> str:
            index = columns.get(column)
            return "" if index is None else cell_text(cells[index])

        question = text("题目")
        if not question:
            say("题目是空的。")
        else:
            length = _length(question)
            if length > question_max:
                say(f"题目太长了（{length}个字），最多{question_max}个字，请精简。")
            key = _dedup_key(question)
            if key in seen:
                say(f"这道题和第{seen[key]}行的题目重复了。")
            else:
                seen[key] = row

        # Options: A, B, C … must be filled from A on without gaps; trailing empty ones are fine.
        values = [text("选项" + c) for c in LETTERS]
        last = max((i for i, v in enumerate(values) if v), default=-1)
        gaps = [LETTERS[i] for i in range(last) if not values[i]]
        options = tuple(v for v in values[: last + 1] if v)
        if gaps:
            say("选项" + "、".join(gaps) + "是空的，但后面还有选项。选项请从A开始连续填写。")
        if len(options) < 2:
            say(f"至少要有两个选项（现在只有{len(options)}个）。")
        filled = [LETTERS[i] for i in range(last + 1) if values[i]]
        first_seen: dict[str, str] = {}
        for letter, option in zip(filled, options, strict=True):
            length = _length(option)
            if length > option_max:
                say(f"选项{letter}太长了（{length}个字），最多{option_max}个字，请精简。")
            key = _dedup_key(option)
            if key in first_seen:
                say(f"选项{first_seen[key]}和选项{letter}内容相同。")
            else:
                first_seen[key] = letter

        answer = _parse_answer(text("答案"), filled, say)

        explanation = text("解析")
        if _length(explanation) > EXPLANATION_MAX:
            say(f"解析太长了（{_length(explanation)}个字），最多{EXPLANATION_MAX}个字。")

        points = _parse_points(text("分值"), say)

        if len(problems) == before and answer is not None and points is not None:
            questions.append(
                Question(
                    text=question,
                    options=options,
                    answer=answer,
                    explanation=explanation,
                    points=points,
                    row=row,
                )
            )
    return questions, problems


def _parse_answer(raw: str, filled: list[str], say: _Say) -> frozenset[int] | None:
    if not raw:
        say("答案是空的，请填写正确选项的字母，例如 B 或 ACD。")
        return None
    letters = _ANSWER_SEPARATORS.sub("", unicodedata.normalize("NFKC", raw).upper())
    if not letters or any(c not in LETTERS for c in letters):
        say(f"答案{quote(raw)}看不懂，请只填写选项字母，例如 B 或 ACD。")
        return None
    answer: set[int] = set()
    for letter in dict.fromkeys(letters):  # "AAB" counts as "AB"; keeps first-seen order
        if letter not in filled:
            say(f"答案“{letter}”没有对应的选项。")
            continue
        answer.add(filled.index(letter))
    return frozenset(answer) if len(answer) == len(set(letters)) else None


def _parse_points(raw: str, say: _Say) -> int | None:
    if not raw:
        return 1
    text = unicodedata.normalize("NFKC", raw).strip().removesuffix("分").strip()
    m = re.fullmatch(r"(\d{1,6})(?:\.0*)?", text)
    if m is None or not 1 <= int(m[1]) <= MAX_POINTS:
        say(f"分值{quote(raw)}不对，请填写1到{MAX_POINTS}之间的整数（不填就是1分）。")
        return None
    return int(m[1])


def _length(text: str) -> int:
    """Length as Telegram counts it: UTF-16 code units (an emoji or rare character counts 2)."""
    return len(text.encode("utf-16-le")) // 2


def _dedup_key(text: str) -> str:
    """Text compared for duplicates: full-/half-width and whitespace differences do not count."""
    return "".join(unicodedata.normalize("NFKC", text).split()).casefold()


# --- template --------------------------------------------------------------------------------

_TEMPLATE_HEADER = ("题目", "选项A", "选项B", "选项C", "选项D", "答案", "解析", "分值")
_TEMPLATE_ROWS = (
    (
        "中国共产党第一次全国代表大会是哪一年召开的？",
        "1919年",
        "1921年",
        "1927年",
        "1949年",
        "B",
        "1921年7月，中国共产党第一次全国代表大会在上海召开，"
        "最后一天的会议转移到浙江嘉兴南湖的游船上举行，宣告了中国共产党的成立。",
        "1",
    ),
    (
        "1927年，中国共产党领导的武装起义有哪些？（多选）",
        "南昌起义",
        "秋收起义",
        "广州起义",
        "武昌起义",
        "ABC",
        "1927年，党先后领导了南昌起义、秋收起义和广州起义。"
        "武昌起义发生在1911年，是辛亥革命的开端，当时中国共产党还没有成立。",
        "2",
    ),
)
_TEMPLATE_NOTES = (
    "填写说明",
    "1. 第一行是表头，请不要修改；从第二行起，每行填写一道题。",
    "2. 选项从“选项A”开始连续填写，至少两个，最多十个；需要更多选项时，"
    "在表头右边加“选项E”“选项F”……（最多到“选项J”）。",
    "3. “答案”填写正确选项的字母：单选题如 B；多选题如 ACD。",
    "4. “解析”可以不填，答题后会展示给大家。",
    "5. “分值”可以不填，不填就是1分。",
    f"6. 题目最多{POLL_QUESTION_MAX}个字，每个选项最多{POLL_OPTION_MAX}个字；"
    f"一个文件最多{MAX_QUESTIONS}道题。",
    "7. 上面两道是示例题，可以改成自己的题目，也可以删除。",
)


def quiz_template() -> bytes:
    """A ready .xlsx: header, two example questions (single and multiple answer), and notes."""
    return template_xlsx(
        title="题库",
        header=_TEMPLATE_HEADER,
        rows=_TEMPLATE_ROWS,
        widths=(46, 14, 14, 14, 14, 8, 50, 8),
        notes=_TEMPLATE_NOTES,
    )
