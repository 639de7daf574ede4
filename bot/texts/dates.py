"""Texts for dates and times: the names of the weekdays, how a date or a moment is written, and
what the bot says when it cannot read a date or a time someone typed.

The refusals are plain text (no HTML) filled with `str.format`; whoever shows one puts it into
a message with `fmt`, which escapes it, since they quote what the person typed.
"""

# The short form: easier on a small screen than 星期一, and just as familiar.
WEEKDAYS = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")

MONTH_DAY = "{month}月{day}日"
FULL_DATE = "{year}年{month}月{day}日"
WITH_WEEKDAY = "{date}（{weekday}）"
MOMENT = "{date}{time}"
MOMENT_NO_WEEKDAY = "{date} {time}"
RANGE = "{start}至{end}"

TODAY = "今天"
TOMORROW = "明天"
DAY_AFTER_TOMORROW = "后天"
YESTERDAY = "昨天"
DAY_BEFORE_YESTERDAY = "前天"
DAYS_LATER = "{n}天后"
DAYS_AGO = "{n}天前"

SECONDS = "{s}秒"
MINUTES = "{m}分钟"
MINUTES_SECONDS = "{m}分{s}秒"
HOURS = "{h}小时"
HOURS_MINUTES = "{h}小时{m}分"

# --- refusals (each ends with examples that work) --------------------------------------------

TIME_EXAMPLES = "可以这样写：9:00、9点半、下午3点"
NO_TIME = "请写上时间。" + TIME_EXAMPLES + "。"
BAD_TIME = "没看懂“{text}”这个时间。" + TIME_EXAMPLES + "。"
NO_SUCH_HOUR = "没有{hour}点这个时间，一天是从0点到23点。" + TIME_EXAMPLES + "。"
NO_SUCH_MINUTE = "没有{minute}分，一小时是从0分到59分。" + TIME_EXAMPLES + "。"
PERIOD_MISMATCH = "“{text}”对不上：{period}没有{hour}点。" + TIME_EXAMPLES + "。"
NOON_OR_MIDNIGHT = (
    "“{text}”说不清是中午还是半夜：中午请写“中午12点”或 12:00，半夜请写“晚上12点”或 0:00。"
)

DATE_EXAMPLES = "可以这样写：11月8日、明天、下周三、2026-11-08"
NO_DATE = "请写上日子。" + DATE_EXAMPLES + "。"
BAD_DATE = "没看懂“{text}”这个日子。" + DATE_EXAMPLES + "。"
NO_SUCH_DATE = "没有{month}月{day}日这一天，请核对。" + DATE_EXAMPLES + "。"
NO_SUCH_DATE_IN_YEAR = "{year}年没有{month}月{day}日，请核对。" + DATE_EXAMPLES + "。"
WRONG_WEEKDAY = "{date}是{actual}，不是{written}，请核对。" + DATE_EXAMPLES + "。"

WHEN_EXAMPLES = "可以这样写：下周三上午9点、11月8日 14:00、明天9点半"
NO_WHEN = "请写上哪天、几点，" + WHEN_EXAMPLES + "。"
BAD_WHEN = "没看懂“{text}”。请写上哪天、几点，" + WHEN_EXAMPLES + "。"
WHEN_NEEDS_TIME = "请写上几点，例如：{text}上午9点。"
WHEN_NEEDS_DATE = "请写上哪一天，例如：明天{text}、下周三{text}。"
WHEN_AMBIGUOUS = "“{text}”可以有几种读法，请在日子和时间之间空一格，例如：11月1日 19:00。"

DURATION_EXAMPLES = "可以这样写：3天、48小时、一周"
BAD_DURATION = "没看懂“{text}”这个时长。" + DURATION_EXAMPLES + "。"
DURATION_TOO_SHORT = "时长最少1小时。" + DURATION_EXAMPLES + "。"
DURATION_TOO_LONG = "时长最长{days}天。" + DURATION_EXAMPLES + "。"

# --- who reads these -------------------------------------------------------------------------
# Texts addressed to members (retirees): at most 120 characters each, tags left out
# (tests/unit/test_texts.py). MEMBER_HELP lists those a member opens with a tap, which may be
# longer. See docs/architecture.md, "Texts".
MEMBER_TEXTS = (
    "NO_TIME",
    "BAD_TIME",
    "NO_SUCH_HOUR",
    "NO_SUCH_MINUTE",
    "PERIOD_MISMATCH",
)
MEMBER_HELP = ()
