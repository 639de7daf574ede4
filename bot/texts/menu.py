"""Texts of /menu: the admin's buttons for every task."""

CMD_MENU = "管理菜单：点按钮办理各项工作"
HOME = "请选择要办理的事情（{branch}）："
HOME_NO_BRANCH = "请选择要办理的事情："
SECTION = "<b>{title}</b>\n请选择："
BACK_HOME = "⬅️ 返回菜单"
PRIVATE_ONLY = "管理菜单在和我的私聊里使用。点下面的按钮，我们私聊："
OPEN_PRIVATE = "📋 打开管理菜单"
GONE = "这个菜单已经过时了，请重新发送 /menu。"

# --- who reads these ------------------------------------------------------------------------
# Admins and staff only (see docs/architecture.md, "Texts").
MEMBER_TEXTS: tuple[str, ...] = ()
MEMBER_HELP: tuple[str, ...] = ()
