"""Texts of the guided flows' frame: the buttons every step has, and what a step says when an
answer was not understood or a button is out of date."""

BACK = "⬅️ 返回"
CANCEL = "✖️ 取消"
CONFIRM = "✅ 确认"
CONFIRM_ASK = "\n\n请看一下，没问题就点“确认”；要改就点“返回”。"
CHOSEN = "{prompt}\n\n👉 {answer}"
CANCELLED = "好的，已取消，什么也没有改。"
EXPIRED = "这一步等得太久，已经结束了。请重新开始：发送 /menu。"
FINISHED = "这一步已经结束了（已经办完，或等得太久）。要再办请发送 /menu。"
STALE = "这个按钮已经过时了，请用最下面那条消息的按钮。"
NOT_YOURS = "这是别人的操作按钮。"
PRESS_A_BUTTON = "请点上面消息里的按钮来选择。"
NOT_UNDERSTOOD = "没看懂“{text}”。{hint}"
TYPE_HINT = "\n（也可以直接打字告诉我）"

# --- who reads these ------------------------------------------------------------------------
# Admins and staff only (see docs/architecture.md, "Texts").
MEMBER_TEXTS: tuple[str, ...] = ()
MEMBER_HELP: tuple[str, ...] = ()
