"""Reading an amount of 慰问金 as staff type it (bot/core/visits.py)."""

from __future__ import annotations

import pytest

from bot.core.visits import parse_amount


@pytest.mark.parametrize(
    ("text", "yuan"),
    [
        ("500", 500),
        ("500元", 500),
        (" ５００ 元 ", 500),
        ("￥1,000", 1000),
        ("¥800.00", 800),
        ("人民币2000元整", 2000),
        ("五百", 500),
        ("五百元", 500),
        ("一千五", 1500),
        ("三百五", 350),
        ("三百零五", 305),
        ("两千五百块", 2500),
        ("十五", 15),
        ("二十", 20),
        ("一千", 1000),
        ("1千", 1000),
        ("一万", 10000),
        ("1万", 10000),
        ("一万五", 15000),
        ("十万", 100000),
        ("两百块钱", 200),
    ],
)
def test_amounts_as_people_write_them(text: str, yuan: int) -> None:
    assert parse_amount(text) == yuan


@pytest.mark.parametrize(
    "text",
    [
        "",
        "很多",
        "0",
        "-5",
        "500.5",
        "五五",
        "百",
        "千五",
        "一百一百",
        "二十万",
        "500美元",
        "1万万",
    ],
)
def test_what_is_not_an_amount(text: str) -> None:
    assert parse_amount(text) is None
