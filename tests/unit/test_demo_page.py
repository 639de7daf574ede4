"""The demo's chat page and transcript without a bot: Telegram's formatting rebuilt from message
entities (UTF-16 offsets, nesting, escaping), and how messages read in the terminal."""

from __future__ import annotations

from bot.demo.fake.html import parse_html
from bot.demo.page import entities_html
from bot.demo.transcript import body_lines, size_text


def test_formatting_is_rebuilt_from_entities_with_utf16_offsets() -> None:
    text, entities = parse_html("📅 <b>6月15日</b> 主题党日：<b>学<i>党章</i></b>")
    assert entities_html(text, entities) == "📅 <b>6月15日</b> 主题党日：<b>学<i>党章</i></b>"


def test_what_members_wrote_is_escaped_and_links_keep_their_address() -> None:
    text, entities = parse_html(
        '张&lt;伟&gt; &amp; <a href="https://t.me/yinling_demo_bot">链接</a>'
    )
    assert entities_html(text, entities) == (
        '张&lt;伟&gt; &amp; <a href="https://t.me/yinling_demo_bot">链接</a>'
    )
    assert entities_html("<script>", []) == "&lt;script&gt;"
    # An entity outside the text (a bad message) is left out rather than breaking the page.
    assert entities_html("短", [{"type": "bold", "offset": 0, "length": 5}]) == "短"


def test_messages_read_in_the_terminal_with_buttons_files_and_polls() -> None:
    document = {
        "document": {
            "file_id": "x",
            "file_unique_id": "y",
            "file_name": "台账.xlsx",
            "file_size": 8000,
        },
        "caption": "📒 学习台账",
        "reply_markup": {"inline_keyboard": [[{"text": "好", "callback_data": "a"}]]},
    }
    assert body_lines(document) == ["📎 台账.xlsx（8 KB）", "📒 学习台账", "[好]"]
    poll = {
        "poll": {
            "question": "1. 哪一年？",
            "type": "quiz",
            "options": [{"text": "1921年", "voter_count": 9}, {"text": "1927年", "voter_count": 1}],
            "correct_option_ids": [0],
            "total_voter_count": 10,
            "is_closed": True,
        }
    }
    assert body_lines(poll) == ["📊 测验：1. 哪一年？", "○ A. 1921年", "○ B. 1927年"]
    assert body_lines(poll, results=True) == [
        "📊 测验：1. 哪一年？",
        "✅ A. 1921年 — 9票",
        "▫ B. 1927年 — 1票",
        "共10人参与",
    ]
    assert body_lines({"voice": {"duration": 72}}) == ["🎤 语音 1分12秒"]
    assert (size_text(900), size_text(3 * 1024 * 1024)) == ("1 KB", "3.0 MB")
