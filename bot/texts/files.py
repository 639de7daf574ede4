"""Texts of the question an admin gets about a file, a picture or a link sent privately
(handlers/files.py)."""

ASK = "这个文件要做什么？"
ASK_LINK = "这个链接要做什么？"
ASK_PHOTO = "这张图片要做什么？"
AS_MATERIAL = "📚 加为学习材料"
AS_QUIZ = "📝 导入为题库"
AS_ROSTER = "👥 导入为名单"
AS_REFLECTION = "✍️ 这是我的心得"
NOTHING = "不用"
CHOSEN = "{question}\n\n👉 {answer}"
NOTHING_DONE = "好的，这个不做处理。"
QUIZ_STARTED = "好的，正在检查题库，稍等片刻我把结果发给您。"
ROSTER_STARTED = "好的，正在检查名单，稍等片刻我把结果发给您。"
NOT_A_SPREADSHEET = "题库和名单要用 Excel 表格文件（.xlsx）。这个不是表格，可以加为学习材料。"
FILE_GONE = "找不到原来的文件了，请重新发一次。"
IN_A_FLOW = "您正在办理一件事，请先把它办完（或点“取消”），再发文件给我。"

# --- who reads these ------------------------------------------------------------------------
# Admins and staff only (see docs/architecture.md, "Texts").
MEMBER_TEXTS: tuple[str, ...] = ()
MEMBER_HELP: tuple[str, ...] = ()
