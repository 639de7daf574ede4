"""Reading what staff type when they record a visit: an amount of 慰问金 as people write it
('500', '500元', '￥1,000', '五百元', '一千五', '两千五百块', '1万').

Pure: no I/O.
"""

from __future__ import annotations

import re
import unicodedata

MAX_AMOUNT = 100_000
_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_UNITS = {"十": 10, "百": 100, "千": 1000}
_TOKEN = re.compile(r"\d+|[零〇一二两三四五六七八九十百千万]")
_PREFIX = re.compile(r"^(?:人民币|rmb|¥|￥)")
_SUFFIX = re.compile(r"(?:元整|元|圆|块钱|块)$")


def _below_ten_thousand(tokens: list[str]) -> int | None:
    """'五百' → 500, '一千五' → 1500 (the spoken short form), '三百零五' → 305, '十五' → 15."""
    value = 0
    number: int | None = None
    last_unit: int | None = None
    zero = False
    for token in tokens:
        if token.isdigit():
            if number is not None:
                return None
            number = int(token)
        elif token in ("零", "〇"):
            zero = True
        elif token in _DIGITS:
            if number is not None:
                return None
            number = _DIGITS[token]
        elif token in _UNITS:
            unit = _UNITS[token]
            if last_unit is not None and unit >= last_unit:
                return None
            if number is None:
                if token != "十":
                    return None
                number = 1
            value += number * unit
            number, last_unit = None, unit
        else:
            return None
    if number is not None:
        # '一千五' is 1500 and '三百五' is 350; after 零, or after 十, a digit is the units.
        short = last_unit is not None and last_unit >= 100 and not zero
        value += number * (last_unit // 10 if short and last_unit else 1)
    return value


def parse_amount(text: str) -> int | None:
    """Yuan as a whole number from 1 to 100,000; None if it is not one."""
    s = unicodedata.normalize("NFKC", text).strip().lower()
    s = re.sub(r"[\s,，]", "", s)
    s = _SUFFIX.sub("", _PREFIX.sub("", s))
    if re.fullmatch(r"\d+(?:\.0{1,2})?", s):
        value: int | None = int(s.split(".")[0])
    else:
        tokens = _TOKEN.findall(s)
        if not tokens or "".join(tokens) != s:
            return None
        if "万" in tokens:
            at = tokens.index("万")
            high = _below_ten_thousand(tokens[:at]) if tokens[:at] else None
            rest = tokens[at + 1 :]
            if high is None or "万" in rest:
                return None
            if len(rest) == 1 and rest[0] in _DIGITS and rest[0] not in ("零", "〇"):
                low: int | None = _DIGITS[rest[0]] * 1000  # '一万五' is 15000
            else:
                low = _below_ten_thousand(rest) if rest else 0
            value = None if low is None else high * 10_000 + low
        else:
            value = _below_ten_thousand(tokens)
    if value is None or not 1 <= value <= MAX_AMOUNT:
        return None
    return value
