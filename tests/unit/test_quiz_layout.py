"""How quizzes look: poll texts within Telegram's limits, buttons, and reading commands."""

from __future__ import annotations

import pytest

from bot.core.quiz_layout import (
    ArgsError,
    StartArgs,
    layout,
    parse_start,
    poll_explanation,
    poll_question,
    utf16_len,
)


def test_poll_questions_are_numbered_and_marked_when_there_is_room() -> None:
    assert poll_question(3, "七一是什么节日？", False) == "3. 七一是什么节日？"
    assert poll_question(2, "哪些是起义？", True) == "2. 哪些是起义？（多选）"
    full = "问" * 300
    assert poll_question(12, full, True) == full
    assert poll_question(1, "问" * 297, False) == "1. " + "问" * 297
    assert poll_question(1, "问" * 298, False) == "问" * 298
    assert utf16_len(poll_question(1, "😀" * 160, False)) <= 300


def test_poll_explanations_keep_three_lines_and_two_hundred_characters() -> None:
    assert poll_explanation("  1921年建党。 ") == "1921年建党。"
    assert poll_explanation("一\n\n二\n三\n四") == "一\n二\n三 四"
    long = poll_explanation("解" * 500)
    assert len(long) == 200 and long.endswith("…")
    assert poll_explanation("") == ""


def test_short_options_go_on_the_buttons_long_ones_in_the_text() -> None:
    short = layout(["1919年", "1921年"])
    assert short.labels == ("A. 1919年", "B. 1921年") and not short.options_in_text
    long = layout(["短", "这是一个非常非常长的选项，超过了按钮能放下的二十个字的长度"])
    assert long.labels == ("A", "B") and long.options_in_text
    ticked = layout(["甲", "乙", "丙"], frozenset({0, 2}))
    assert ticked.labels == ("✔ A. 甲", "B. 乙", "✔ C. 丙")


def test_quiz_start_words_in_any_order() -> None:
    assert parse_start(["5", "group"]) == StartArgs(5, "group", 72, False, False)
    assert parse_start(["5", "私聊", "48小时", "可重答", "公布成绩"]) == StartArgs(
        5, "private", 48, True, True
    )
    assert parse_start(["5", "720", "群里"]).hours == 720


@pytest.mark.parametrize(
    ("words", "says"),
    [
        ([], "没看懂"),
        (["abc", "group"], "没看懂"),
        (["5"], "请写明答题方式"),
        (["5", "group", "0"], "1 到 720"),
        (["5", "group", "721"], "1 到 720"),
        (["5", "group", "<b>"], "“&lt;b&gt;”看不懂"),
    ],
)
def test_quiz_start_mistakes_are_explained(words: list[str], says: str) -> None:
    with pytest.raises(ArgsError) as info:
        parse_start(words)
    assert says in info.value.text
