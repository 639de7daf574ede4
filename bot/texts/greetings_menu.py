"""Texts of the 祝福 section of /menu: changing a greeting's words (with a preview as members
will see it), switching kinds of greetings on and off, and the time they are sent.

Admins read these. Button labels are plain text (no HTML).
"""

MENU_TITLE = "🎂 祝福"
MENU_EDIT = "✏️ 修改祝福语"
MENU_SWITCH = "🔔 打开或关闭祝福"
MENU_TIME = "⏰ 发祝福的时间"

# --- changing a greeting's words ---------------------------------------------------------------

ASK_KIND = "要改哪一种祝福语？"
KIND_LINE = "\n• {label}：{help}{custom}"
FESTIVAL_HELP = "群里的节日祝福"
ASK_TEXT = (
    "<b>{label}</b>（{help}）{custom}\n"
    "现在的祝福语：\n<code>{source}</code>\n\n"
    "大家看到的样子：\n{preview}\n\n"
    "请直接打字发来新的祝福语。可以用的占位符：{allowed}，发的时候会换成真实的内容。例如：\n"
    "<code>{example}</code>"
)
BUTTON_RESET = "↩️ 恢复默认的祝福语"
EXAMPLE_BIRTHDAY = "祝{姓名}同志生日快乐，身体健康，阖家幸福！"
EXAMPLE_ANNIVERSARY = "{姓名}同志，祝贺您入党{入党年数}周年！祝您身体健康！"
EXAMPLE_FESTIVAL = "{节日}快乐！祝各位老同志身体健康、阖家幸福！"
REFUSED = "{reason}\n这条没有保存。请再发一次，例如：\n<code>{example}</code>"
SUMMARY = "“<b>{label}</b>”的新祝福语，大家看到的样子（示例：{sample}）：\n\n{preview}"
SUMMARY_RESET = (
    "“<b>{label}</b>”恢复为默认的祝福语，大家看到的样子（示例：{sample}）：\n\n{preview}"
)
SAMPLE_PERSON = "{name}同志"
SAMPLE_FESTIVAL = "{festival}"
SAVED = "✅ 已保存“{label}”的祝福语，下次发祝福时就用新的。"
RESET_DONE = "✅ “{label}”已恢复为默认的祝福语。"
UNCHANGED = "“{label}”的祝福语本来就是这样，没有改动。"
CHANGED_MEANWHILE = (
    "就在刚才，另一位管理员已经改了“{label}”的祝福语，现在大家看到的是：\n\n{preview}\n\n"
    "您的这次修改<b>没有保存</b>。还要改的话，请在菜单里再点一次“修改祝福语”。"
)

# --- switching on and off ---------------------------------------------------------------------

ASK_SWITCH = "点一项来打开或关闭（✅ 开着，⛔ 关着）：{lines}"
SWITCH_LINE = "\n{mark} {label}：{help}"
SWITCH_BUTTON = "{mark} {label}"
FESTIVAL_SWITCH_HELP = "群里的{label}祝福"
SUMMARY_SWITCH_ON = "<b>打开</b>“{label}”：{help}。"
SUMMARY_SWITCH_OFF = "<b>关闭</b>“{label}”：{help}。关闭后就不再发这一种祝福。"
SWITCHED_ON = "✅ 已打开：{label}。"
SWITCHED_OFF = "✅ 已关闭：{label}。"
SWITCH_UNCHANGED = "“{label}”本来就是{state}的，没有改动。"
STATE_ON = "开着"
STATE_OFF = "关着"

# --- the time ---------------------------------------------------------------------------------

ASK_TIME = "现在每天 <b>{time}</b> 发当天的祝福。要改成几点？"
SUMMARY_TIME = "每天发祝福的时间：从 {old} 改成 <b>{new}</b>。"
TIME_SET = "✅ 好的，以后每天 {time} 发祝福。"
TIME_UNCHANGED = "发祝福的时间本来就是 {time}，没有改动。"

# --- who reads these ------------------------------------------------------------------------
# Admins only (see docs/architecture.md, "Texts").
MEMBER_TEXTS: tuple[str, ...] = ()
MEMBER_HELP: tuple[str, ...] = ()
