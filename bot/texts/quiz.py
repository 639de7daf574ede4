"""Texts of knowledge quizzes (知识测试): importing banks, answering, summaries and results."""

# --- commands (menu and /help) -----------------------------------------------------------------

CMD_QUIZ = "知识测试：导入题库、开始、结束、查看列表"
CMD_RESULTS = "查看最近一次知识测试的参加情况和正确率"

# --- importing a question bank -----------------------------------------------------------------

NEED_FILE = (
    "请先把题库表格（.xlsx 或 .csv）发给我，再<b>回复</b>那个文件发送 /quiz 测试名称；"
    "也可以发文件时在说明里写上“/quiz 测试名称”。\n需要模板请发送 /quiz 模板。"
)
NOT_A_SPREADSHEET = "这个文件不是表格。题库请用 .xlsx 或 .csv 格式，需要模板请发送 /quiz 模板。"
FILE_TOO_BIG = "这个文件太大了（{size} MB），题库一般不到 1 MB，请看看是不是发错了文件。"
DOWNLOAD_FAILED = "抱歉，文件没能下载下来，请稍后再发一次。"
BANK_REFUSED = "❌ 这份题库没有导入，请修改后再发一次。\n\n{report}\n\n需要模板请发送 /quiz 模板。"
BANK_TOO_BIG = (
    "❌ 这份题库没有导入：这个表格太大了，或者不是正常的表格文件，我没有打开它。\n"
    "请用 Excel 或 WPS 打开，只留下题目那一张表（题目、选项、答案……），"
    "删去多余的工作表、图片和空白行，“另存为”.xlsx 后再发一次。"
    "也可以发送 /quiz 模板 要一份模板，把题目复制进去。"
)
IMPORTED = (
    "✅ 题库已导入：<b>{title}</b>（编号 {id}）\n"
    "共{count}题（单选{single}题，多选{multi}题），满分{full}分。\n\n"
    "请点下面的按钮开始测试，默认开放{hours}小时：\n"
    "• 群里答题：每题一个投票，点选项就能作答；\n"
    "• 私聊答题：大家点按钮到和我的私聊里，一题一题地答。\n\n"
    "也可以用命令开始，例如：\n"
    "/quiz 开始 {id} 私聊 48 可重答\n"
    "/quiz 开始 {id} 群里 72 公布成绩\n"
    "（“公布成绩”：结束时在群里列出每人得分；“可重答”：私聊答题可以再答，按最好的一次计）"
)
POLL_TOO_LONG = (
    "\n\n⚠️ 有的题目或选项超过了群投票的长度限制（题目300字、选项100字），"
    "这份题库只能“私聊答题”：\n{problems}"
)
POLL_TOO_LONG_SHORT = (
    "\n\n⚠️ 有的题目或选项超过了群投票的长度限制（题目300字、选项100字），这份题库只能“私聊答题”。"
)
BUTTON_START_GROUP = "👥 在群里答题"
BUTTON_START_PRIVATE = "💬 私聊答题"
# Plain text (a button notice, not HTML).
TEMPLATE_CAPTION = (
    "📄 题库模板：第一行是表头，从第二行起每行一道题。\n"
    "填好后发给我，再回复那个文件发送 /quiz 测试名称，就能导入。"
)

# --- listing, starting and closing -------------------------------------------------------------

LIST_HEADER = "<b>{branch}的知识测试</b>"
LIST_LINE = "{id}. {title}（{count}题）— {state}"
LIST_EMPTY = (
    "{branch}还没有知识测试。把题库表格发给我，回复它发送 /quiz 测试名称 就能导入；"
    "需要模板请发送 /quiz 模板。"
)
LIST_HELP = (
    "\n\n<b>命令</b>\n"
    "/quiz 开始 编号 私聊 或 群里 [小时数] [公布成绩] [可重答] — 开始\n"
    "/quiz 结束 编号 — 提前结束\n"
    "/quiz 模板 — 下载题库模板\n"
    "/results — 最近一次测试的情况"
)
STATE_DRAFT = "未开始"
STATE_OPEN = "进行中（{mode}，{closes}截止）"
STATE_CLOSED = "已结束（{closed}）"
MODE_GROUP = "群里答题"
MODE_PRIVATE = "私聊答题"
USAGE = (
    "没看懂这个命令。可以这样用：\n"
    "/quiz — 查看本支部的测试\n"
    "/quiz 模板 — 下载题库模板\n"
    "/quiz 开始 编号 私聊 或 群里 [小时数] [公布成绩] [可重答]\n"
    "/quiz 结束 编号"
)
RESULTS_USAGE = (
    "可以这样用：/results 查看最近一次测试；/results 编号 查看某一次测试（编号见 /quiz）。"
)
NO_SUCH_QUIZ = "没有找到编号为 {id} 的测试。发送 /quiz 可以查看本支部的测试。"
BAD_MODE = "请写明答题方式：私聊（私聊答题）或 群里（在群里投票答题）。例如：/quiz 开始 {id} 私聊"
BAD_HOURS = "开放时长请填 1 到 {max} 之间的整数（单位：小时，最长30天），例如 72。"
BAD_WORD = "“{word}”看不懂。可以加在后面的只有：小时数、公布成绩、可重答。"
ALREADY_OPEN = "测试“{title}”已经在进行中了，{closes}截止。"
ALREADY_CLOSED = "测试“{title}”已经结束了，不能再开始。想再考一次，请重新导入题库。"
NEEDS_PRIVATE = (
    "测试“{title}”有题目或选项超过了群投票的长度限制，只能私聊答题：/quiz 开始 {id} 私聊"
)
STARTED = (
    "✅ 测试“{title}”开始了（{mode}），{closes}截止。\n"
    "到时我会自动结束，并在群里公布参加情况{scores}。想提前结束：发 /menu，点“知识测试”→“结束一个测试”（或发送 /quiz 结束 {id}）。"
)
STARTED_SCORES = "和每人得分"
NOT_OPEN = "测试“{title}”现在没有在进行（{state}）。"
CLOSED_BY_ADMIN = (
    "测试“{title}”已结束，结果已发到群里。发送 /results 查看各题正确率，"
    "私聊发送 /export 可以下载成绩表。"
)

# --- in the group ------------------------------------------------------------------------------

GROUP_INTRO = (
    "📝 <b>知识测试：{title}</b>\n"
    "共{count}题，满分{full}分。下面每一题是一个投票，点选项就能作答，每题不限时，慢慢来。\n"
    "每题以第一次作答为准；多选题选好后点“投票”（Vote）。\n"
    "{closes}截止。祝大家答题顺利！"
)
PRIVATE_INTRO = (
    "📝 <b>知识测试：{title}</b>\n"
    "共{count}题，满分{full}分。请点下面的“✅ 开始答题”，在和我的私聊里一题一题地作答，"
    "每题不限时，中途离开也能接着答。\n"
    "{closes}截止。祝大家答题顺利！"
)
START_BUTTON = "✅ 开始答题"
POLL_MULTI = "（多选）"
# What a failed poll was, in the notice to the admin (escaped by the sender).
POLL_DESCRIBE = "测试“{title}”第{number}题的投票"
SUMMARY = (
    "📊 <b>知识测试“{title}”结束了</b>\n"
    "共有{participants}位同志参加，平均得分{average}分（满分{full}分）。\n"
    "感谢大家的认真参与，学习路上我们一起进步！"
)
SUMMARY_SCORES = "\n\n<b>各位同志的得分</b>\n{lines}"
SUMMARY_SCORE_LINE = "{name}：{points}分"
SUMMARY_MORE = "……还有{count}位同志"
SUMMARY_NOBODY = "📊 知识测试“{title}”结束了。这次还没有同志参加，没关系，下次我们一起来！"
LATE_ANSWER = "测试“{title}”已经结束了，这次的作答没有计入成绩。感谢您的关心和参与！"

# --- answering privately -----------------------------------------------------------------------

NOT_FOUND = "没有找到这个测试，可能链接有误。"
NOT_A_MEMBER = (
    "抱歉，这个测试是支部同志们参加的，我没有找到您在支部群里的记录。如有疑问，请联系支部书记。"
)
NOT_STARTED = "测试“{title}”还没有开始，请等支部通知。"
CLOSED = "测试“{title}”已经结束了，感谢您的关心！"
IN_THE_GROUP = "测试“{title}”在群里以投票的方式进行，请到群里点选项作答。"
ALREADY_DONE = "您已经完成了测试“{title}”，得分{points}分（满分{full}分）。谢谢您的参与！"
WELCOME = (
    "{name}同志，您好！欢迎参加知识测试“{title}”。\n"
    "共{count}题，满分{full}分。一题一题地答，每题不限时；中途离开也没关系，"
    "再点一次群里的“开始答题”就能接着答。"
)
WELCOME_BACK = "{name}同志，欢迎回来！我们接着答测试“{title}”，从第{number}题开始。"
WELCOME_AGAIN = "{name}同志，您好！这是您第{number}次作答测试“{title}”，成绩按最好的一次计算。"
QUESTION = "<b>第{number}题</b>（共{count}题 · {kind} · {points}分）\n\n{text}"
QUESTION_OPTION = "\n{letter}. {option}"
MARK_RIGHT = " ✅"
MARK_CHOSEN_WRONG = " ←您选的"
KIND_SINGLE = "单选"
KIND_MULTI = "多选"
MULTI_HINT = "\n\n（多选题：点选所有正确的选项，选好后点“✅ 确认提交”）"
CONFIRM_BUTTON = "✅ 确认提交"
RIGHT = "\n\n✅ 回答正确！"
WRONG = "\n\n💡 您选的是 {chosen}，正确答案是 {answer}。"
EXPLANATION = "\n解析：{explanation}"
FINISHED = (
    "🎉 全部答完了！\n"
    "您的得分：<b>{points}</b>分（满分{full}分），答对{correct}题，共{count}题。\n"
    "感谢您的认真参与！"
)
FINISHED_RETRY = "\n想再答一次的话，点下面的按钮。"
AGAIN_BUTTON = "🔁 再答一次"

# Short answers to button presses (shown as a small notice, at most 200 characters).
TAP_STALE = "这个按钮已经失效了。"
TAP_NOT_YOURS = "这是别人的答题卡，请点群里的“开始答题”进入自己的。"
TAP_ANSWERED = "这道题已经答过了。"
TAP_CLOSED = "测试已经结束了，这次作答没有计入成绩。谢谢您！"
TAP_PICK_FIRST = "请先点选至少一个选项，再点“确认提交”。"
TAP_RECORDED = "已记录"
TAP_NOT_ADMIN = "抱歉，只有这个支部的书记和支委可以操作。"

# --- results for staff -------------------------------------------------------------------------

RESULTS = (
    "📊 <b>{title}</b>\n"
    "状态：{state}\n"
    "参加：{participants}人（支部共{members}人）\n"
    "平均得分：{average}分（满分{full}分）\n\n"
    "<b>各题正确率</b>\n{lines}"
)
RESULTS_LINE = "{number}. {text}：{accuracy}（{correct}/{answered}）"
RESULTS_NO_ANSWERS = "{number}. {text}：还没有人作答"
RESULTS_MORE = "……共{count}题，完整情况请私聊发送 /export 下载。"
RESULTS_EXPORT_HINT = "\n\n私聊发送 /export 可以下载成绩表。"
RESULTS_NONE = "{branch}还没有开始过知识测试。"
NO_AVERAGE = "—"
# A button label: plain text, not HTML.

# --- who reads these -------------------------------------------------------------------------
# Texts addressed to members (retirees): at most 120 characters each, tags left out
# (tests/unit/test_texts.py). MEMBER_HELP lists those a member opens with a tap, which may be
# longer. See docs/architecture.md, "Texts".
MEMBER_TEXTS = (
    "GROUP_INTRO",
    "PRIVATE_INTRO",
    "START_BUTTON",
    "POLL_MULTI",
    "SUMMARY",
    "SUMMARY_SCORES",
    "SUMMARY_SCORE_LINE",
    "SUMMARY_MORE",
    "SUMMARY_NOBODY",
    "LATE_ANSWER",
    "NOT_FOUND",
    "NOT_A_MEMBER",
    "NOT_STARTED",
    "CLOSED",
    "IN_THE_GROUP",
    "ALREADY_DONE",
    "WELCOME",
    "WELCOME_BACK",
    "WELCOME_AGAIN",
    "QUESTION",
    "QUESTION_OPTION",
    "MARK_RIGHT",
    "MARK_CHOSEN_WRONG",
    "KIND_SINGLE",
    "KIND_MULTI",
    "MULTI_HINT",
    "CONFIRM_BUTTON",
    "RIGHT",
    "WRONG",
    "EXPLANATION",
    "FINISHED",
    "FINISHED_RETRY",
    "AGAIN_BUTTON",
    "TAP_STALE",
    "TAP_NOT_YOURS",
    "TAP_ANSWERED",
    "TAP_CLOSED",
    "TAP_PICK_FIRST",
    "TAP_RECORDED",
    "TAP_NOT_ADMIN",
)
MEMBER_HELP = ()
