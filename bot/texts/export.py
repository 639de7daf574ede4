"""Texts of the /export menu and the downloads it offers (study ledger, quiz results)."""

EXPORT_MENU = "您想下载哪一项？"
EXPORT_LEDGER = "📒 学习台账"
EXPORT_QUIZ = "📝 知识测试成绩"

# --- the study ledger (学习台账) ---
LEDGER_CHOOSE_PERIOD = "{title}：请选择要下载的范围："
LEDGER_RECENT_3M = "最近三个月"
LEDGER_THIS_YEAR = "今年全部"
LEDGER_ALL = "全部记录"
LEDGER_WORKING = "好的，正在整理{what}的学习台账，请稍候……"
LEDGER_XLSX_CAPTION = "📒 学习台账（{what}）：{sessions} 次主题党日，{rows} 行，已交 {done} 人次。"
LEDGER_ZIP_CAPTION = (
    "🎧 心得原件（语音、照片、文件共 {files} 个），文件名与台账中的“存档文件”一致。"
)
LEDGER_NO_FILES = "这段时间没有存档的语音、照片或文件。"
LEDGER_ZIP_TOO_BIG = (
    "心得原件合计 {size} MB，超过 Telegram 能发送的大小。请选择单次主题党日下载，"
    "或请管理服务器的同事用命令 yinling export ledger --zip 导出。"
)
LEDGER_EMPTY = "这段时间没有主题党日的记录。"
LEDGER_FAILED = "抱歉，整理台账时出了点问题，已经记下来了。请稍后再试。"
LEDGER_WHAT_SESSION = "{date} 主题党日"
LEDGER_WHAT_ALL = "全部记录"

# --- quiz results ---
QUIZ_EXPORT_CHOOSE = "请选择要下载哪一次测试的成绩："
QUIZ_EXPORT_NONE = "还没有开始过的知识测试，暂时没有成绩可下载。"
QUIZ_EXPORT_PREPARING = "正在生成成绩表，请稍候……"
QUIZ_EXPORT_XLSX_CAPTION = (
    "📝 知识测试“{title}”成绩表：{participants}人参加，{absent}人未参加。\n"
    "第1页是每人成绩，第2页是各题正确率，第3页是未参加的同志。"
)
QUIZ_EXPORT_CSV_CAPTION = (
    "同样的每人成绩（CSV 格式，Excel 可以直接打开）。"
    "用 WPS 或 LibreOffice 的同志，请打开上面的 .xlsx 表格，中文不会乱码，也能直接打印。"
)
QUIZ_EXPORT_FAILED = "抱歉，成绩表没能生成，请稍后再试。"
QUIZ_EXPORT_BUTTON = "{title}（{date}）"

MENU_TITLE = "📥 导出与报表"
MENU_ROSTER = "名单（谁已绑定）"
MENU_VISITS = "走访慰问台账"

# --- who reads these -------------------------------------------------------------------------
# Texts addressed to members (retirees): at most 120 characters each, tags left out
# (tests/unit/test_texts.py). MEMBER_HELP lists those a member opens with a tap, which may be
# longer. See docs/architecture.md, "Texts".
MEMBER_TEXTS = ()
MEMBER_HELP = ()
