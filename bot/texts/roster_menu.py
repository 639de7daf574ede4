"""Texts of the 名单与生日 section of /menu: the roster, its template, how to import it, and
the birthdays coming up. The work itself is /roster's and /upcoming's (handlers/roster.py,
handlers/greetings.py); these are the section's buttons and its one explanation.

Admins and staff read these. Button labels are plain text (no HTML).
"""

MENU_TITLE = "👥 名单与生日"
MENU_VIEW = "📋 查看名单"
MENU_TEMPLATE = "📄 要名单模板"
MENU_IMPORT = "📥 导入名单"
MENU_UPCOMING = "🎂 近期生日和政治生日"

IMPORT_HOW = (
    "<b>导入名单</b>\n"
    "把名单表格（Excel .xlsx 或 CSV）私聊发给我，我会问“这个文件要做什么？”，点“导入为名单”就行；"
    "也可以发文件时在说明里写上 /roster。\n"
    "我会先把整张表检查一遍：有问题就逐条告诉您，这次什么也不改。\n"
    "表格请照模板填写：菜单里点“📄 要名单模板”。"
)

# --- who reads these ------------------------------------------------------------------------
# Admins and staff only (see docs/architecture.md, "Texts").
MEMBER_TEXTS: tuple[str, ...] = ()
MEMBER_HELP: tuple[str, ...] = ()
