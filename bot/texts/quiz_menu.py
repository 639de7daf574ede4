"""Texts of the 知识测试 section of /menu: the list of quizzes with what can be done to each,
starting one step by step (how members answer, for how long, whether scores are announced,
whether they may answer again), closing one, and where a question bank comes from.

Admins read these. Button labels are plain text (no HTML).
"""

MENU_TITLE = "📝 知识测试"
MENU_LIST = "📋 测试列表（开始、结束、成绩、导出）"
MENU_START = "▶️ 开始一个测试"
MENU_CLOSE = "⏹ 结束一个测试"
MENU_IMPORT = "📥 导入题库（要模板）"

# --- the list and a quiz's card --------------------------------------------------------------

LIST = "<b>{branch}的知识测试</b>\n点一个测试，看它的情况，开始、结束、看成绩或导出："
LIST_BUTTON = "{title} · {state}"
SHORT_DRAFT = "未开始"
SHORT_OPEN = "进行中"
SHORT_CLOSED = "已结束"
CARD = "<b>{title}</b>（{count}题，满分{full}分）\n状态：{state}"
CARD_TAKEN = "\n已参加：{participants}人（支部共{members}人）"
CARD_DRAFT_HINT = "\n点“开始”，我会一步步问您怎么答、开放多久。"
BUTTON_START = "▶️ 开始"
BUTTON_CLOSE = "⏹ 结束"
BUTTON_RESULTS = "📊 成绩"
BUTTON_EXPORT = "📥 导出成绩表"
BUTTON_BACK_LIST = "⬅️ 返回测试列表"
GONE = "这个测试已经找不到了。"
NOT_ADMIN = "抱歉，只有这个支部的书记和支委可以操作。"
PRIVATE_ONLY = "请在和我的私聊里操作。"

# --- importing a bank ------------------------------------------------------------------------

IMPORT_HOW = (
    "<b>导入题库</b>\n"
    "直接把题库表格（.xlsx 或 .csv）私聊发给我，我会问“这个文件要做什么？”，"
    "点“导入为题库”就行。\n"
    "也可以发文件时在说明里写上“/quiz 测试名称”。\n"
    "表格请照下面的模板填写：第一行是表头，从第二行起每行一道题。"
)
NONE_TO_START = "现在没有未开始的测试。先导入题库：菜单里点“📥 导入题库（要模板）”。"
NONE_TO_CLOSE = "现在没有进行中的测试。"

# --- starting one, step by step --------------------------------------------------------------

ASK_QUIZ_START = "开始哪一个测试？"
ASK_QUIZ_CLOSE = "结束哪一个测试？"
QUIZ_CHOICE = "{title}（{count}题）"
ASK_MODE = (
    "测试“<b>{title}</b>”：大家怎么答？\n"
    "• <b>私聊答题</b>（推荐）：群里发一个“开始答题”按钮，每人点它，到和我的私聊里一题一题地答。\n"
    "• <b>在群里答</b>：每题一个投票，在群里直接点选项。\n"
    "🔒 在群里答时，Telegram 会让群里的人看到每个人选了哪个选项；不想这样，就选私聊答题。"
)
ASK_MODE_PRIVATE_ONLY = "\n⚠️ 这份题库有的题目或选项太长，放不进群里的投票，只能私聊答题。"
MODE_PRIVATE = "💬 私聊答题（推荐）"
MODE_GROUP = "👥 在群里答"
ASK_HOURS = "测试开放多长时间？到时我会自动结束，并在群里发参加情况。"
HOURS_CHOICE = "{days}天"
ASK_SCORES = (
    "结束时，要在群里公布每位同志的得分吗？\n（不公布时，群里只说参加人数和平均分，不提名字。）"
)
SCORES_OFF = "🙈 不公布（推荐）"
SCORES_ON = "📢 公布成绩"
ASK_RETRY = "私聊答完以后，允许再答一次吗？（成绩按最好的一次计）"
RETRY_OFF = "只答一次"
RETRY_ON = "🔁 可以重答"
SUMMARY = (
    "请核对，就这样开始吗？\n\n"
    "测试：<b>{title}</b>（{count}题，满分{full}分）\n"
    "答题方式：{mode}\n"
    "开放：{duration}（约到{closes}）\n"
    "公布成绩：{scores}"
)
SUMMARY_RETRY = "\n可重答：{retry}"
SUMMARY_SCORES_WARNING = (
    "\n\n⚠️ <b>您选了公布成绩</b>：测试结束时，每位同志的得分会发到群里，大家都看得到。"
    "如果不想这样，请点“返回”改成不公布。"
)
SUMMARY_GROUP_NOTE = "\n\n🔒 在群里答：大家能看到每个人选了哪个选项。"
YES_SCORES = "公布"
NO_SCORES = "不公布"
YES_RETRY = "可以"
NO_RETRY = "不可以"

# --- closing one -----------------------------------------------------------------------------

CLOSE_SUMMARY = (
    "现在就结束测试“<b>{title}</b>”吗？\n"
    "已有{participants}人参加。结束后就不能再答了，我会在群里发参加情况{scores}。"
)
CLOSE_SCORES = "和每人得分"
CLOSED = (
    "✅ 测试“{title}”已结束，结果已发到群里。\n"
    "在菜单的“知识测试”→“测试列表”里点它，可以看成绩、导出成绩表。"
)

# --- who reads these ------------------------------------------------------------------------
# Admins only (see docs/architecture.md, "Texts").
MEMBER_TEXTS: tuple[str, ...] = ()
MEMBER_HELP: tuple[str, ...] = ()
