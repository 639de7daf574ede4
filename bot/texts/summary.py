"""Texts of /summary: the year's work in figures (全年工作数据), for the bureau's annual report
(离退休工作汇报). One line per area of work, by the area's key in storage/exports/summary.py;
an area without a line here is left out of the chat text (a test checks there is none)."""

SUMMARY_USAGE = "请这样发送：/summary（今年）或 /summary 2025（指定年份）。"
SUMMARY_WORKING = "好的，正在整理{branch}{year}年的工作数据，请稍候……"
SUMMARY_FAILED = "抱歉，全年工作数据没能整理好，已经记下来了。请稍后再试。"
SUMMARY_EMPTY = "{branch}{year}年还没有可以汇总的记录。"

SUMMARY_HEADER = "📊 <b>{branch} {year}年工作数据</b>（{period}）"
SUMMARY_WHOLE_YEAR = "全年"
SUMMARY_SO_FAR = "截至{date}"
# Filled with the area's figures by name (storage/exports/summary.py, `Area.figures`).
SUMMARY_LINES = {
    "themeday": "🗓 主题党日 {held} 次，推送学习材料 {materials} 份。",
    "reflections": "📝 收到心得体会 {total} 份（{by_kind}），全年参与率 {rate}。",
    "members": "👥 {once} 位同志至少参加过一次，平均每次 {average} 人交流发言。",
    "quiz": "✅ 知识测试 {held} 次，共收到答卷 {sheets} 份，平均 {average} 分。",
    "activities": "📣 组织活动 {held} 次，报名 {signups} 人次，到场 {attended} 人次。",
    "visits": "🤝 走访慰问 {total} 次（{by_kind}），看望 {people} 位同志，慰问金 {amount} 元。",
    "greetings": (
        "🎂 生日祝福 {birthday} 人次，政治生日祝贺 {anniversary} 人次，节日问候 {festival} 次。"
    ),
}
# When an area has nothing to count yet (None: say nothing).
SUMMARY_EMPTY_LINES: dict[str, str | None] = {
    "themeday": "🗓 还没有举办主题党日。",
    "reflections": "📝 还没有收到心得体会。",
    "members": None,
    "quiz": "✅ 还没有举办知识测试。",
    "activities": None,  # not every branch records its activities here: say nothing
    "visits": None,
    "greetings": "🎂 还没有发出生日和节日问候。",
}
SUMMARY_KIND = "{name} {count}"
SUMMARY_KIND_SEPARATOR = "、"
SUMMARY_NO_FIGURE = "—"
SUMMARY_FOOTER = "详细数字和图表在下面的表格里，每个方面一页，可以直接打印。"
SUMMARY_CAPTION = "📊 {branch} {year}年工作数据（.xlsx，用 Excel、WPS 或 LibreOffice 打开）"
SUMMARY_BUTTON = "📊 全年工作数据"
SUMMARY_PRIVATE_ONLY = (
    "为保护大家的信息，全年工作数据只在私聊中发送。请点我的头像，和我私聊后再发送 /summary。"
)

# --- who reads these ------------------------------------------------------------------------
# Admins and staff only (see docs/architecture.md, "Texts").
MEMBER_TEXTS: tuple[str, ...] = ()
MEMBER_HELP: tuple[str, ...] = ()
